"""The holiday calendar in the ``HolidayDay`` table, from two sources.

1. ``chinesecalendar``: the State Council's official arrangement, published late in the previous year, with
   every day off of each break (weekend days inside it included) and the make-up working days (调休). The
   package knows only the years published when it was released.
2. ``holidays``: the statutory holidays computed by rule (the law's days, lunar dates, and a day off on the
   next working day for one falling on a weekend), for the years ``chinesecalendar`` does not know yet.
   These days are *provisional*. The rule cannot know the State Council's bridge days and make-up working
   days, so a provisional year prices the nights before its statutory days off (and before the weekend days
   joining them, added here so a break looks as it does in the official data) at the holiday price, the
   nights before would-be bridge days as plain weekdays or weekends, and no night as a make-up working
   day's eve. When the official schedule is published, ``holidays_load`` of that year (after upgrading
   ``chinesecalendar``) replaces the provisional days; staff can instead enter it in the admin and confirm
   the year.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from chinese_calendar import constants
from django.db import transaction

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


def rule_calendar(years: list[int]) -> list[CalendarDay]:
    """The statutory days off of ``years`` by rule (``holidays``), each run of them stretched over the
    Saturdays and Sundays next to it: all of kind holiday, none a make-up working day."""
    import holidays as holiday_rules  # half a second to import: only when a provisional year is loaded

    zh = holiday_rules.country_holidays("CN", years=years, language="zh_CN")
    en = holiday_rules.country_holidays("CN", years=years, language="en_US")
    names = {day: (zh.get_list(day)[0], en.get_list(day)[0]) for day in zh}
    for day, name in sorted(names.items()):
        for step in (timedelta(days=-1), timedelta(days=1)):
            other = day + step
            while other.weekday() >= 5 and other not in names and other.year in years:
                names[other] = name
                other += step
    return [
        CalendarDay(date=day, kind=HolidayDay.Kind.HOLIDAY, name_zh=zh_name, name_en=en_name)
        for day, (zh_name, en_name) in sorted(names.items())
    ]


def _add(days: list[CalendarDay], *, provisional: bool) -> int:
    existing = set(
        HolidayDay.objects.filter(date__in=[day.date for day in days]).values_list("date", flat=True)
    )
    new = [
        HolidayDay(
            date=day.date,
            kind=day.kind,
            name=day.name_zh,
            name_zh_hans=day.name_zh,
            name_en=day.name_en,
            provisional=provisional,
        )
        for day in days
        if day.date not in existing
    ]
    HolidayDay.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def holidays_load(*, years: list[int] | None = None) -> int:
    """Add the official days ``chinesecalendar`` knows for ``years`` (default: all of them) to
    ``HolidayDay``. The provisional days of those years go first; days staff entered or edited (not
    provisional) are kept as they are. Returns how many days were added."""
    days = package_calendar(years)
    official_years = sorted({day.date.year for day in days})
    HolidayDay.objects.filter(date__year__in=official_years, provisional=True).delete()
    return _add(days, provisional=False)


@transaction.atomic
def holidays_load_provisional(*, years: list[int]) -> int:
    """Add provisional days by rule for those of ``years`` that ``chinesecalendar`` does not know and that
    have no day staff entered or confirmed (staff own such a year). Dates already in the table are kept.
    Returns how many days were added."""
    owned = {
        day.year
        for day in HolidayDay.objects.filter(date__year__in=years, provisional=False).dates("date", "year")
    }
    wanted = sorted(set(years) - set(package_years()) - owned)
    return _add(rule_calendar(wanted), provisional=True) if wanted else 0


def holiday_year_confirm(*, year: int) -> int:
    """Staff confirm a provisional year as it stands (checked against the published schedule, or with the
    make-up working days entered by hand): its days stop being provisional and later loads keep them.
    Returns how many days were confirmed; a year already confirmed changes nothing."""
    return HolidayDay.objects.filter(date__year=year, provisional=True).update(provisional=False)
