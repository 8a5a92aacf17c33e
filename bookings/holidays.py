"""The official holiday calendar, from the ``chinesecalendar`` package into the ``HolidayDay`` table.

The State Council publishes each year's arrangement late in the previous year; the package knows only the
years published when it was released. Years it does not know simply have no rows: their nights price as
plain weekdays and weekends, and ``selectors.holiday_years_missing`` tells staff which years to fill in.
"""

from dataclasses import dataclass
from datetime import date

from chinese_calendar import constants

from bookings.models import HolidayDay

# The package names holidays in English only.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class CalendarDay:
    date: date
    kind: str
    name_zh: str
    name_en: str


def _day(day: date, kind: str, english: str) -> CalendarDay:
    return CalendarDay(date=day, kind=kind, name_zh=CHINESE_NAMES.get(english, english), name_en=english)


def package_years() -> list[int]:
    return sorted({day.year for day in constants.holidays})


def package_calendar(years: list[int] | None = None) -> list[CalendarDay]:
    """Holidays and make-up working days the package knows, for ``years`` (default: all of them)."""
    wanted = set(years) if years is not None else set(package_years())
    days = [_day(d, HolidayDay.Kind.HOLIDAY, n) for d, n in constants.holidays.items() if d.year in wanted]
    days += [_day(d, HolidayDay.Kind.WORKDAY, n) for d, n in constants.workdays.items() if d.year in wanted]
    return sorted(days, key=lambda day: day.date)


def holidays_load(*, years: list[int] | None = None) -> int:
    """Add the package's days to ``HolidayDay``; dates already in the table (maybe edited by staff) are
    kept as they are. Returns how many days were added."""
    days = package_calendar(years)
    existing = set(
        HolidayDay.objects.filter(date__in=[day.date for day in days]).values_list("date", flat=True)
    )
    new = [
        HolidayDay(
            date=day.date, kind=day.kind, name=day.name_zh, name_zh_hans=day.name_zh, name_en=day.name_en
        )
        for day in days
        if day.date not in existing
    ]
    HolidayDay.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
