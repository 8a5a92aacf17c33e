from datetime import date
from importlib import import_module

import pytest
from django.core.management import call_command

from bookings.holidays import holidays_load
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


def test_unknown_year_loads_nothing_and_does_not_crash(empty_calendar):
    assert holidays_load(years=[2027]) == 0


def test_load_holidays_command_names_years_it_does_not_know(empty_calendar, capsys):
    call_command("load_holidays", "2026", "2027")
    output = capsys.readouterr()
    assert "2027" in output.err
    assert HolidayDay.objects.filter(date__year=2026).exists()
    assert not HolidayDay.objects.filter(date__year=2027).exists()


def test_data_migration_fills_every_year_the_package_knows(empty_calendar):
    from django.apps import apps

    import_module("bookings.migrations.0002_holiday_calendar").load(apps, schema_editor=None)
    assert HolidayDay.objects.filter(date=date(2026, 10, 1)).exists()
    assert HolidayDay.objects.filter(date=date(2004, 10, 1)).exists()
