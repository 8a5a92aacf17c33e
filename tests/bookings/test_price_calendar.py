"""The tourist's price calendar selector: the month grid, prices and why, free/full/closed nights, and
which days can be check-in and check-out. The clock is frozen on Tuesday 1 September 2026, 10:00 Beijing."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from bookings.calendar import calendar_close_rooms, calendar_set_min_nights, calendar_set_price
from bookings.models import PriceRule
from bookings.price_calendar import NightState, room_type_nights, room_type_price_calendar
from bookings.pricing import PriceReason
from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db

SEPTEMBER = date(2026, 9, 1)
HORIZON = date(2028, 8, 31)


def month_calendar(room_type, **arguments):
    arguments.setdefault("first", SEPTEMBER)
    return room_type_price_calendar(room_type=room_type, horizon=HORIZON, **arguments)


def days_of(calendar) -> dict:
    return {day.night: day for month in calendar.months for week in month.weeks for day in week if day}


def test_two_months_in_monday_first_weeks_padded_at_both_ends(room_type):
    september, october = month_calendar(room_type).months
    assert (september.first, october.first) == (date(2026, 9, 1), date(2026, 10, 1))
    # 1 September 2026 is a Tuesday: one blank Monday; the 30th is a Wednesday: four blanks after it.
    assert september.weeks[0][0] is None and september.weeks[0][1].night == date(2026, 9, 1)
    assert [day.night.day if day else None for day in september.weeks[-1]] == [
        28,
        29,
        30,
        None,
        None,
        None,
        None,
    ]
    assert all(len(week) == 7 for month in (september, october) for week in month.weeks)
    # October starts on a Thursday and ends on a Saturday, and no day of September leaks into it.
    assert [day for day in october.weeks[0][:3]] == [None, None, None]
    assert [day.night.day if day else None for day in october.weeks[-1]] == [26, 27, 28, 29, 30, 31, None]
    assert sum(1 for week in october.weeks for day in week if day) == 31


def test_a_month_starting_on_monday_has_no_padding_before(room_type):
    [june] = month_calendar(room_type, first=date(2026, 6, 1), months=1).months
    assert june.weeks[0][0].night == date(2026, 6, 1)


def test_the_year_boundary_goes_from_december_to_january(room_type):
    december, january = month_calendar(room_type, first=date(2026, 12, 1)).months
    assert (december.first, january.first) == (date(2026, 12, 1), date(2027, 1, 1))
    assert max(days_of(month_calendar(room_type, first=date(2026, 12, 1)))) == date(2027, 1, 31)


def test_today_is_marked_and_earlier_days_are_past(room_type, clock):
    clock.set("2026-09-15 09:00")
    days = days_of(month_calendar(room_type))
    assert days[date(2026, 9, 15)].is_today and not days[date(2026, 9, 14)].is_today
    assert days[date(2026, 9, 14)].state == NightState.PAST and not days[date(2026, 9, 14)].arrival
    assert days[date(2026, 9, 15)].arrival


def test_today_is_beijings_not_utcs(room_type, clock):
    clock.set("2026-09-16 01:00")  # still 15 September in UTC
    days = days_of(month_calendar(room_type))
    assert days[date(2026, 9, 16)].is_today
    assert days[date(2026, 9, 15)].state == NightState.PAST


def test_each_night_says_its_price_and_why(room_type, holidays_2026):
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 9, 8), last_night=date(2026, 9, 9), price=Decimal("250")
    )
    calendar_set_price(
        room_type=room_type,
        first_night=date(2026, 9, 10),
        last_night=date(2026, 9, 10),
        price=Decimal("199.5"),
    )
    days = days_of(month_calendar(room_type))

    def priced(day: int, month: int = 9):
        found = days[date(2026, month, day)]
        return found.price.price, found.price.reason, found.price_short

    assert priced(1) == (Decimal("200.00"), PriceReason.BASE, "¥200")
    assert priced(4) == (Decimal("300.00"), PriceReason.WEEKEND, "¥300")  # Friday night
    assert priced(8) == (Decimal("250.00"), PriceReason.RULE, "¥250")
    assert priced(10) == (Decimal("199.50"), PriceReason.OVERRIDE, "¥199.5")
    assert priced(19) == (Decimal("200.00"), PriceReason.WORKDAY, "¥200")  # Sunday the 20th is worked
    assert priced(24) == (Decimal("500.00"), PriceReason.HOLIDAY, "¥500")  # Mid-Autumn's eve
    assert priced(30) == (Decimal("500.00"), PriceReason.HOLIDAY, "¥500")  # National Day's eve
    assert priced(7, 10) == (Decimal("200.00"), PriceReason.BASE, "¥200")  # the break's last night


def test_holidays_are_marked_on_their_days_and_listed_per_month(room_type, holidays_2026):
    calendar = month_calendar(room_type)
    days = days_of(calendar)
    assert days[date(2026, 10, 1)].day_kind == "holiday" and days[date(2026, 10, 1)].holiday.name == "国庆节"
    assert days[date(2026, 9, 20)].day_kind == "workday"
    assert days[date(2026, 9, 21)].holiday is None
    assert calendar.months[1].holidays == [("国庆节", date(2026, 10, 1), date(2026, 10, 7))]
    assert [name for name, _first, _last in calendar.months[0].holidays] == ["中秋节"]


def test_full_and_closed_nights_cannot_be_check_in(room_type):
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10))
    calendar_close_rooms(
        room_type=room_type, first_night=date(2026, 9, 15), last_night=date(2026, 9, 15), rooms_closed=1
    )
    days = days_of(month_calendar(room_type))
    assert (days[date(2026, 9, 8)].state, days[date(2026, 9, 8)].arrival) == (NightState.FULL, False)
    assert "满房" in days[date(2026, 9, 9)].refusal
    assert (days[date(2026, 9, 15)].state, days[date(2026, 9, 15)].arrival) == (NightState.CLOSED, False)
    assert days[date(2026, 9, 10)].arrival and days[date(2026, 9, 10)].state == NightState.FREE


def test_a_night_with_fewer_rooms_than_asked_is_not_enough(db):
    room_type = factories.room_type(room_count=2)
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), rooms=1)
    day = days_of(month_calendar(room_type, rooms=2))[date(2026, 9, 8)]
    assert (day.state, day.rooms_free, day.arrival) == (NightState.FEW, 1, False)
    assert "1" in day.refusal
    assert days_of(month_calendar(room_type, rooms=1))[date(2026, 9, 8)].arrival


def test_a_check_in_whose_minimum_stay_meets_a_full_night_is_refused(room_type):
    calendar_set_min_nights(
        room_type=room_type, first_night=date(2026, 9, 7), last_night=date(2026, 9, 7), min_nights=3
    )
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    day = days_of(month_calendar(room_type))[date(2026, 9, 7)]
    assert not day.arrival and "3" in day.refusal


def test_booking_window_and_tonights_cut_off_limit_check_in(db, clock):
    room_type = factories.room_type(booking_window_days=10, same_day_cutoff=time(18))
    clock.set("2026-09-01 18:30")
    days = days_of(month_calendar(room_type))
    assert not days[date(2026, 9, 1)].arrival and "18:00" in days[date(2026, 9, 1)].refusal
    assert days[date(2026, 9, 11)].arrival
    assert not days[date(2026, 9, 12)].arrival and "10" in days[date(2026, 9, 12)].refusal


def test_check_out_days_stop_at_the_first_full_night(room_type):
    hold(room_type, check_in=date(2026, 9, 9), check_out=date(2026, 9, 10))
    calendar = month_calendar(room_type, check_in=date(2026, 9, 7))
    assert calendar.check_in == date(2026, 9, 7)
    # Leaving on the 9th is fine: the night of the 9th is someone else's.
    assert calendar.departures == [date(2026, 9, 8), date(2026, 9, 9)]
    days = days_of(calendar)
    assert days[date(2026, 9, 7)].check_in and not days[date(2026, 9, 7)].departure
    assert "满" in days[date(2026, 9, 10)].refusal or "不够" in days[date(2026, 9, 10)].refusal
    assert "晚于入住" in days[date(2026, 9, 6)].refusal


def test_check_out_days_respect_the_arrival_nights_minimum_and_the_maximum(db):
    room_type = factories.room_type(room_count=1, min_nights=1, max_nights=5)
    calendar_set_min_nights(
        room_type=room_type, first_night=date(2026, 9, 14), last_night=date(2026, 9, 14), min_nights=3
    )
    calendar = month_calendar(room_type, check_in=date(2026, 9, 14))
    assert calendar.departures == [date(2026, 9, d) for d in (17, 18, 19)]
    days = days_of(calendar)
    assert "3" in days[date(2026, 9, 16)].refusal
    assert "5" in days[date(2026, 9, 20)].refusal


def test_check_out_can_be_in_the_next_month_and_beyond_the_months_shown(db):
    room_type = factories.room_type(room_count=1, max_nights=30)
    calendar = month_calendar(room_type, first=date(2026, 10, 1), check_in=date(2026, 9, 28))
    assert calendar.departures[0] == date(2026, 10, 1)
    assert calendar.departures[-1] == date(2026, 10, 28)


def test_a_check_in_that_cannot_start_a_stay_is_refused_with_the_reason(room_type):
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    calendar = month_calendar(room_type, check_in=date(2026, 9, 8))
    assert calendar.check_in is None and "满房" in calendar.check_in_refusal
    assert calendar.departures == []
    assert days_of(calendar)[date(2026, 9, 7)].arrival  # back to picking a check-in


def test_a_check_in_far_beyond_the_months_is_refused(room_type):
    calendar = month_calendar(room_type, check_in=date(2027, 6, 1))
    assert calendar.check_in is None and calendar.check_in_refusal


def test_a_check_in_near_the_end_of_the_months_knows_the_nights_after(db):
    """The minimum stay of the last night shown reaches into a month not shown."""
    room_type = factories.room_type(room_count=1, min_nights=2)
    calendar_close_rooms(
        room_type=room_type, first_night=date(2026, 11, 1), last_night=date(2026, 11, 1), rooms_closed=1
    )
    days = days_of(month_calendar(room_type))
    assert not days[date(2026, 10, 31)].arrival
    assert days[date(2026, 10, 30)].arrival


def test_api_nights_are_for_one_room_from_the_start(room_type):
    hold(room_type, check_in=date(2026, 9, 3), check_out=date(2026, 9, 4))
    nights = room_type_nights(room_type=room_type, start=date(2026, 9, 2), days=3, horizon=HORIZON)
    assert [(n.night, n.arrival, n.rooms_free) for n in nights] == [
        (date(2026, 9, 2), True, 1),
        (date(2026, 9, 3), False, 0),
        (date(2026, 9, 4), True, 1),
    ]


def test_days_after_the_horizon_cannot_be_check_in(room_type):
    days = days_of(month_calendar(room_type, first=date(2026, 9, 1)))
    horizon_near = room_type_price_calendar(
        room_type=room_type, first=SEPTEMBER, horizon=date(2026, 9, 20), months=1
    )
    near = days_of(horizon_near)
    assert near[date(2026, 9, 20)].arrival and not near[date(2026, 9, 21)].arrival
    assert days[date(2026, 9, 21)].arrival
    assert date(2026, 9, 21) - timedelta(days=1) in near
