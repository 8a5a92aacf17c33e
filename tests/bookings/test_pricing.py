from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bookings.calendar import calendar_set_price
from bookings.models import HolidayDay, PriceRule
from bookings.pricing import PriceReason, quote, validate_stay_dates
from tests import factories

pytestmark = pytest.mark.django_db


def night_prices(room_type, check_in, check_out):
    return [
        (n.night, n.price, n.reason)
        for n in quote(room_type=room_type, check_in=check_in, check_out=check_out).nights
    ]


def test_weekday_nights_cost_the_base_price(room_type):
    result = quote(room_type=room_type, check_in=date(2026, 9, 7), check_out=date(2026, 9, 9))  # Mon, Tue
    assert [n.price for n in result.nights] == [Decimal("200.00"), Decimal("200.00")]
    assert {n.reason for n in result.nights} == {PriceReason.BASE}
    assert result.total == Decimal("400.00")


def test_friday_and_saturday_nights_cost_the_weekend_price(room_type):
    assert night_prices(room_type, date(2026, 9, 4), date(2026, 9, 7)) == [
        (date(2026, 9, 4), Decimal("300.00"), PriceReason.WEEKEND),
        (date(2026, 9, 5), Decimal("300.00"), PriceReason.WEEKEND),
        (date(2026, 9, 6), Decimal("200.00"), PriceReason.BASE),
    ]


def test_weekend_without_a_weekend_price_costs_the_base_price():
    room_type = factories.room_type(base_price=Decimal("180.00"))
    assert quote(room_type=room_type, check_in=date(2026, 9, 5), check_out=date(2026, 9, 6)).total == Decimal(
        "180.00"
    )


def test_eve_of_national_day_costs_the_holiday_price(room_type, holidays_2026):
    assert night_prices(room_type, date(2026, 9, 30), date(2026, 10, 1)) == [
        (date(2026, 9, 30), Decimal("500.00"), PriceReason.HOLIDAY)
    ]


def test_holiday_without_a_holiday_price_costs_the_weekend_price(holidays_2026):
    room_type = factories.room_type(base_price=Decimal("200.00"), weekend_price=Decimal("260.00"))
    assert quote(
        room_type=room_type, check_in=date(2026, 10, 1), check_out=date(2026, 10, 2)
    ).total == Decimal("260.00")


def test_night_before_a_make_up_working_saturday_costs_the_weekday_price(room_type, holidays_2026):
    assert night_prices(room_type, date(2026, 10, 9), date(2026, 10, 11)) == [
        (date(2026, 10, 9), Decimal("200.00"), PriceReason.WORKDAY),  # a Friday, work on Saturday
        (date(2026, 10, 10), Decimal("300.00"), PriceReason.WEEKEND),  # the make-up Saturday, Sunday off
    ]


# The whole autumn 2026 break as chinesecalendar has it: Mid-Autumn Festival 25-27 September (Fri-Sun),
# National Day 1-7 October, make-up working days Sunday 20 September and Saturday 10 October.
BASE, WEEKEND, HOLIDAY, WORKDAY = (
    (Decimal("200.00"), PriceReason.BASE),
    (Decimal("300.00"), PriceReason.WEEKEND),
    (Decimal("500.00"), PriceReason.HOLIDAY),
    (Decimal("200.00"), PriceReason.WORKDAY),
)
AUTUMN_2026 = {
    date(2026, 9, 18): WEEKEND,  # Friday, an ordinary Saturday follows
    date(2026, 9, 19): WORKDAY,  # Saturday, work on Sunday the 20th
    date(2026, 9, 20): BASE,  # the make-up Sunday itself, Monday follows
    date(2026, 9, 21): BASE,
    date(2026, 9, 22): BASE,
    date(2026, 9, 23): BASE,
    date(2026, 9, 24): HOLIDAY,  # eve of Mid-Autumn
    date(2026, 9, 25): HOLIDAY,
    date(2026, 9, 26): HOLIDAY,
    date(2026, 9, 27): BASE,  # last night of the Mid-Autumn break, work on Monday
    date(2026, 9, 28): BASE,
    date(2026, 9, 29): BASE,
    date(2026, 9, 30): HOLIDAY,  # eve of National Day, the busiest night of the year
    date(2026, 10, 1): HOLIDAY,
    date(2026, 10, 2): HOLIDAY,
    date(2026, 10, 3): HOLIDAY,  # Saturday night inside the break
    date(2026, 10, 4): HOLIDAY,
    date(2026, 10, 5): HOLIDAY,
    date(2026, 10, 6): HOLIDAY,
    date(2026, 10, 7): BASE,  # last night of the break, work on Thursday the 8th
    date(2026, 10, 8): BASE,
    date(2026, 10, 9): WORKDAY,  # Friday, work on Saturday the 10th
    date(2026, 10, 10): WEEKEND,  # the make-up Saturday, Sunday off
    date(2026, 10, 11): BASE,
}


def test_autumn_2026_break_night_by_night(room_type, holidays_2026):
    nights = night_prices(room_type, date(2026, 9, 18), date(2026, 10, 12))
    assert {night: (price, reason) for night, price, reason in nights} == AUTUMN_2026
    assert quote(room_type=room_type, check_in=date(2026, 9, 18), check_out=date(2026, 10, 12)).total == sum(
        (price for price, _reason in AUTUMN_2026.values()), Decimal(0)
    )


@pytest.mark.parametrize("night", list(AUTUMN_2026))
def test_each_autumn_night_alone_is_priced_by_the_day_after(room_type, holidays_2026, night):
    """A one-night quote loads only the day after its night: the calendar range is shifted by a day."""
    assert night_prices(room_type, night, night + timedelta(days=1)) == [(night, *AUTUMN_2026[night])]


def test_new_year_2027_is_priced_from_the_provisional_calendar(room_type, holidays_2027_provisional):
    assert night_prices(room_type, date(2026, 12, 30), date(2027, 1, 5)) == [
        (date(2026, 12, 30), Decimal("200.00"), PriceReason.BASE),
        (date(2026, 12, 31), Decimal("500.00"), PriceReason.HOLIDAY),  # New Year's Eve, a 2027 day after
        (date(2027, 1, 1), Decimal("500.00"), PriceReason.HOLIDAY),  # Friday, Saturday joins the break
        (date(2027, 1, 2), Decimal("500.00"), PriceReason.HOLIDAY),
        (date(2027, 1, 3), Decimal("200.00"), PriceReason.BASE),  # Sunday, work on Monday
        (date(2027, 1, 4), Decimal("200.00"), PriceReason.BASE),
    ]


def test_new_years_eve_alone_reads_the_next_years_calendar(room_type, holidays_2027_provisional):
    assert night_prices(room_type, date(2026, 12, 31), date(2027, 1, 1)) == [
        (date(2026, 12, 31), Decimal("500.00"), PriceReason.HOLIDAY)
    ]


def test_year_without_a_holiday_calendar_prices_as_weekdays_and_weekends(room_type, holidays_2026):
    HolidayDay.objects.filter(date__year=2027).delete()
    assert night_prices(room_type, date(2027, 9, 29), date(2027, 10, 2)) == [
        (date(2027, 9, 29), Decimal("200.00"), PriceReason.BASE),
        (date(2027, 9, 30), Decimal("200.00"), PriceReason.BASE),  # Thursday, National Day unknown
        (date(2027, 10, 1), Decimal("300.00"), PriceReason.WEEKEND),  # Friday
    ]


def test_day_staff_add_prices_the_night_before_it(room_type):
    HolidayDay.objects.filter(date__year=2028).delete()
    HolidayDay.objects.create(date=date(2028, 10, 1), kind=HolidayDay.Kind.HOLIDAY, name="国庆节")
    assert [reason for _n, _p, reason in night_prices(room_type, date(2028, 9, 29), date(2028, 10, 1))] == [
        PriceReason.WEEKEND,  # Friday
        PriceReason.HOLIDAY,  # Saturday, before the day staff added
    ]


def test_day_staff_turn_into_a_working_day_prices_the_night_before_as_a_weekday(room_type, holidays_2026):
    HolidayDay.objects.filter(date=date(2026, 10, 3)).update(kind=HolidayDay.Kind.WORKDAY)
    assert night_prices(room_type, date(2026, 10, 2), date(2026, 10, 3)) == [
        (date(2026, 10, 2), Decimal("200.00"), PriceReason.WORKDAY)
    ]


def test_date_range_price_wins_over_the_holiday_price(room_type, holidays_2026):
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 10, 1), last_night=date(2026, 10, 3), price=Decimal("450")
    )
    assert night_prices(room_type, date(2026, 10, 3), date(2026, 10, 5)) == [
        (date(2026, 10, 3), Decimal("450.00"), PriceReason.RULE),  # last night of the rule, inclusive
        (date(2026, 10, 4), Decimal("500.00"), PriceReason.HOLIDAY),
    ]


def test_night_before_an_ordinary_weekday_after_a_rule_is_not_a_holiday(room_type, holidays_2026):
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 10, 1), last_night=date(2026, 10, 6), price=Decimal("450")
    )
    assert night_prices(room_type, date(2026, 10, 6), date(2026, 10, 8)) == [
        (date(2026, 10, 6), Decimal("450.00"), PriceReason.RULE),
        (date(2026, 10, 7), Decimal("200.00"), PriceReason.BASE),
    ]


def test_newest_of_overlapping_date_range_prices_wins(room_type):
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 9, 1), last_night=date(2026, 9, 30), price=Decimal("220")
    )
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 9, 8), last_night=date(2026, 9, 8), price=Decimal("250")
    )
    assert [p for _night, p, _reason in night_prices(room_type, date(2026, 9, 7), date(2026, 9, 9))] == [
        Decimal("220.00"),
        Decimal("250.00"),
    ]


def test_price_set_for_one_night_wins_over_everything(room_type, holidays_2026):
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 10, 1), last_night=date(2026, 10, 7), price=Decimal("450")
    )
    calendar_set_price(
        room_type=room_type, first_night=date(2026, 10, 2), last_night=date(2026, 10, 2), price=Decimal("399")
    )
    assert night_prices(room_type, date(2026, 10, 2), date(2026, 10, 3)) == [
        (date(2026, 10, 2), Decimal("399.00"), PriceReason.OVERRIDE)
    ]


def test_price_rule_of_another_room_type_does_not_apply(room_type):
    PriceRule.objects.create(
        room_type=factories.room_type(),
        first_night=date(2026, 9, 7),
        last_night=date(2026, 9, 7),
        price=Decimal("1"),
    )
    assert quote(room_type=room_type, check_in=date(2026, 9, 7), check_out=date(2026, 9, 8)).total == Decimal(
        "200.00"
    )


def test_quote_for_several_rooms_multiplies_the_nights(room_type):
    result = quote(room_type=room_type, check_in=date(2026, 9, 4), check_out=date(2026, 9, 6), rooms=3)
    assert result.per_room == Decimal("600.00")
    assert result.total == Decimal("1800.00")
    assert isinstance(result.total, Decimal)
    assert result.currency == "CNY"


def test_quote_refuses_check_out_before_check_in(room_type):
    with pytest.raises(ValidationError) as refused:
        quote(room_type=room_type, check_in=date(2026, 9, 9), check_out=date(2026, 9, 8))
    assert refused.value.code == "dates_order"


def test_quote_refuses_zero_rooms(room_type):
    with pytest.raises(ValidationError):
        quote(room_type=room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), rooms=0)


def test_quote_refuses_a_stay_longer_than_a_year(room_type):
    with pytest.raises(ValidationError) as refused:
        quote(room_type=room_type, check_in=date(2026, 9, 8), check_out=date(2028, 9, 9))
    assert refused.value.code == "too_long"


def test_quote_costs_three_queries_however_long_the_stay(room_type, holidays_2026, django_assert_num_queries):
    with django_assert_num_queries(3):
        quote(room_type=room_type, check_in=date(2026, 9, 8), check_out=date(2026, 12, 8))


def test_a_stay_of_thousands_of_years_is_refused_before_any_night_is_listed():
    with pytest.raises(ValidationError) as refused:
        validate_stay_dates(date(1, 1, 1), date(9999, 12, 31))
    assert refused.value.code == "too_long"
