from datetime import date, timedelta
from importlib import import_module

import pytest
from django.core.management import call_command

from bookings.holidays import (
    holiday_year_confirm,
    holidays_load,
    holidays_load_provisional,
    package_calendar,
    package_years,
    rule_calendar,
)
from bookings.models import HolidayDay
from tests.translated import translated

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_calendar():
    HolidayDay.objects.all().delete()


def test_national_day_is_loaded_with_chinese_and_english_names(empty_calendar):
    holidays_load(years=[2026])
    day = HolidayDay.objects.get(date=date(2026, 10, 1))
    assert (day.kind, translated(day, "name", "zh-hans"), translated(day, "name", "en")) == (
        HolidayDay.Kind.HOLIDAY,
        "国庆节",
        "National Day",
    )


def test_make_up_working_days_are_loaded(empty_calendar):
    holidays_load(years=[2026])
    assert HolidayDay.objects.get(date=date(2026, 10, 10)).kind == HolidayDay.Kind.WORKDAY


def test_loading_twice_adds_nothing_more(empty_calendar):
    first = holidays_load(years=[2026])
    assert first > 30
    assert holidays_load(years=[2026]) == 0
    assert HolidayDay.objects.count() == first


def test_loading_keeps_days_staff_have_edited(empty_calendar):
    HolidayDay.objects.create(date=date(2026, 10, 1), kind=HolidayDay.Kind.HOLIDAY, name="国庆节(本村庙会)")
    holidays_load(years=[2026])
    assert HolidayDay.objects.get(date=date(2026, 10, 1)).name == "国庆节(本村庙会)"


def test_official_load_of_a_year_chinesecalendar_does_not_know_loads_nothing(empty_calendar):
    assert holidays_load(years=[2027]) == 0


def test_provisional_year_has_the_statutory_days_off_and_no_make_up_working_day(empty_calendar):
    holidays_load_provisional(years=[2027])
    days = {day.date: day for day in HolidayDay.objects.filter(date__year=2027)}
    assert all(day.provisional and day.kind == HolidayDay.Kind.HOLIDAY for day in days.values())
    assert {date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)} <= set(days)  # Friday and its weekend
    assert date(2027, 1, 4) not in days
    spring_festival = {date(2027, 2, 5) + timedelta(days=n) for n in range(6)}  # the eve to 10 February
    assert spring_festival <= set(days)
    assert {date(2027, 10, 1) + timedelta(days=n) for n in range(5)} <= set(days)  # National Day 1-5 Oct
    assert {date(2027, 4, 3), date(2027, 4, 4), date(2027, 4, 5)} <= set(days)  # weekend before Qingming
    assert (
        translated(days[date(2027, 1, 1)], "name", "zh-hans"),
        translated(days[date(2027, 1, 1)], "name", "en"),
    ) == (
        "元旦",
        "New Year's Day",
    )
    assert translated(days[date(2027, 1, 2)], "name", "zh-hans") == "元旦"  # the weekend joins the break


def test_provisional_load_leaves_official_years_alone(empty_calendar):
    holidays_load(years=[2026])
    official = HolidayDay.objects.count()
    assert holidays_load_provisional(years=[2026]) == 0
    assert HolidayDay.objects.count() == official
    assert not HolidayDay.objects.filter(provisional=True).exists()


def test_provisional_load_skips_a_year_staff_have_entered(empty_calendar):
    HolidayDay.objects.create(date=date(2027, 10, 1), kind=HolidayDay.Kind.HOLIDAY, name="国庆节")
    assert holidays_load_provisional(years=[2027]) == 0
    assert HolidayDay.objects.count() == 1


def test_provisional_load_twice_adds_nothing_more(empty_calendar):
    first = holidays_load_provisional(years=[2027])
    assert first > 15
    assert holidays_load_provisional(years=[2027]) == 0


def test_official_schedule_replaces_the_provisional_days_of_its_year(empty_calendar):
    """As when chinesecalendar learns a year that was provisional: here 2026, guessed by rule first."""
    HolidayDay.objects.bulk_create(
        HolidayDay(date=day.date, kind=day.kind, name=day.name_zh, provisional=True)
        for day in rule_calendar([2026])
    )
    HolidayDay.objects.create(
        date=date(2026, 8, 1), kind=HolidayDay.Kind.HOLIDAY, name="村庆", provisional=False
    )
    assert not HolidayDay.objects.filter(kind=HolidayDay.Kind.WORKDAY).exists()
    holidays_load(years=[2026])
    assert not HolidayDay.objects.filter(provisional=True).exists()
    assert set(
        HolidayDay.objects.filter(date__year=2026).exclude(date=date(2026, 8, 1)).values_list("date", "kind")
    ) == {(day.date, day.kind) for day in package_calendar([2026])}
    assert HolidayDay.objects.get(date=date(2026, 10, 10)).kind == HolidayDay.Kind.WORKDAY
    assert HolidayDay.objects.get(date=date(2026, 8, 1)).name == "村庆"  # entered by staff: kept


def test_confirming_a_year_keeps_its_days_through_later_loads(empty_calendar):
    holidays_load_provisional(years=[2027])
    count = HolidayDay.objects.count()
    assert holiday_year_confirm(year=2027) == count
    assert holiday_year_confirm(year=2027) == 0
    assert holidays_load_provisional(years=[2027]) == 0
    assert not HolidayDay.objects.filter(provisional=True).exists()


def test_load_holidays_command_fills_unknown_years_provisionally(empty_calendar, capsys):
    call_command("load_holidays", "2026", "2027")
    output = capsys.readouterr()
    assert "2027" in output.out and "provisional" in output.out
    assert not HolidayDay.objects.filter(date__year=2026, provisional=True).exists()
    assert HolidayDay.objects.filter(date__year=2026, kind=HolidayDay.Kind.WORKDAY).exists()
    assert HolidayDay.objects.filter(date__year=2027).exists()
    assert not HolidayDay.objects.filter(date__year=2027, provisional=False).exists()


def test_load_holidays_command_without_years_adds_this_year_and_the_next_two(empty_calendar, clock):
    call_command("load_holidays")
    years = {day.year for day in HolidayDay.objects.dates("date", "year")}
    assert {2004, 2026, 2027, 2028} <= years
    assert 2029 not in years


def test_provisional_migration_fills_the_two_years_after_the_package(empty_calendar):
    from django.apps import apps

    import_module("bookings.migrations.0008_provisional_holidays").load(apps, schema_editor=None)
    last = package_years()[-1]
    assert {day.year for day in HolidayDay.objects.dates("date", "year")} == {last + 1, last + 2}
    assert not HolidayDay.objects.filter(provisional=False).exists()


def test_data_migration_fills_every_year_the_package_knows(empty_calendar):
    from django.apps import apps

    import_module("bookings.migrations.0002_holiday_calendar").load(apps, schema_editor=None)
    assert HolidayDay.objects.filter(date=date(2026, 10, 1)).exists()
    assert HolidayDay.objects.filter(date=date(2004, 10, 1)).exists()
