"""Demo opening hours: weekly profiles and a few holiday exceptions (all invented).

A weekday missing from a profile is a closed day. Exception dates are fixed days of the 2026/2027
holidays (National Day, Chinese New Year's Eve and Spring Festival, Qingming, Labour Day).
"""

from dataclasses import dataclass
from datetime import date, time

from villages.demo.schema import T

MONDAY, SATURDAY, SUNDAY = 0, 5, 6
EVERY_DAY = range(7)
TUESDAY_TO_SUNDAY = range(1, 7)

DAILY = "daily"
CLOSED_MONDAYS = "closed-mondays"
DAWN_TO_DUSK = "dawn-to-dusk"
WEEKENDS = "weekends"
CAMPSITE = "campsite"

PROFILES: dict[str, dict[int, tuple[time, time]]] = {
    DAILY: {day: (time(8, 30), time(17, 30)) for day in EVERY_DAY},
    CLOSED_MONDAYS: {day: (time(9), time(17)) for day in TUESDAY_TO_SUNDAY},
    DAWN_TO_DUSK: {day: (time(6), time(19, 30)) for day in EVERY_DAY},
    WEEKENDS: {SATURDAY: (time(8), time(14)), SUNDAY: (time(8), time(14))},
    CAMPSITE: {day: (time(8), time(22)) for day in EVERY_DAY},
}


@dataclass(frozen=True)
class ExceptionSeed:
    date: date
    note: T
    opens: time | None = None
    closes: time | None = None


NEW_YEARS_EVE_CLOSED = ExceptionSeed(date(2027, 2, 5), T("除夕闭园休息", "Closed on Chinese New Year's Eve"))
SPRING_FESTIVAL_SHORT = ExceptionSeed(
    date(2027, 2, 6), T("春节(正月初一)缩短开放", "Shorter hours on Spring Festival day"), time(10), time(15)
)

HOLIDAY_MONDAYS = (
    ExceptionSeed(
        date(2026, 10, 5),
        T("国庆假期,周一照常开放", "National Day holiday: open on Monday"),
        time(9),
        time(17),
    ),
    ExceptionSeed(
        date(2027, 4, 5), T("清明节,周一照常开放", "Qingming Festival: open on Monday"), time(9), time(17)
    ),
    ExceptionSeed(
        date(2027, 5, 3),
        T("劳动节假期,周一照常开放", "Labour Day holiday: open on Monday"),
        time(9),
        time(17),
    ),
)

EXCEPTIONS: dict[str, tuple[ExceptionSeed, ...]] = {
    DAILY: (NEW_YEARS_EVE_CLOSED, SPRING_FESTIVAL_SHORT),
    CLOSED_MONDAYS: (*HOLIDAY_MONDAYS, NEW_YEARS_EVE_CLOSED, SPRING_FESTIVAL_SHORT),
    DAWN_TO_DUSK: (),
    WEEKENDS: (
        ExceptionSeed(date(2027, 1, 1), T("元旦市集", "New Year's Day market"), time(9), time(15)),
        ExceptionSeed(date(2027, 2, 6), T("春节停市", "No market on Spring Festival day")),
    ),
    CAMPSITE: (NEW_YEARS_EVE_CLOSED,),
}
