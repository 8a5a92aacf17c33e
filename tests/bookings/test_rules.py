from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from bookings.calendar import calendar_set_min_nights
from bookings.rules import stay_validate
from tests import factories

pytestmark = pytest.mark.django_db


def refusal(room_type, check_in, check_out, guests=2, rooms=1) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        stay_validate(room_type=room_type, check_in=check_in, check_out=check_out, guests=guests, rooms=rooms)
    return refused.value


def test_stay_within_the_rules_gives_its_nights(room_type):
    nights = stay_validate(
        room_type=room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10), guests=2, rooms=1
    )
    assert nights == [date(2026, 9, 8), date(2026, 9, 9)]


def test_too_short_stay_is_refused_in_chinese_then_english():
    room_type = factories.room_type(min_nights=2)
    error = refusal(room_type, date(2026, 9, 8), date(2026, 9, 9))
    assert error.code == "min_nights"
    assert error.message == "至少需要住2晚 Minimum stay is 2 nights"


def test_minimum_stay_set_for_an_arrival_day_wins(room_type):
    calendar_set_min_nights(
        room_type=room_type, first_night=date(2026, 10, 1), last_night=date(2026, 10, 1), min_nights=3
    )
    assert refusal(room_type, date(2026, 10, 1), date(2026, 10, 3)).code == "min_nights"
    stay_validate(room_type=room_type, check_in=date(2026, 10, 2), check_out=date(2026, 10, 3), guests=1)


def test_too_long_stay_is_refused():
    room_type = factories.room_type(max_nights=3)
    assert refusal(room_type, date(2026, 9, 8), date(2026, 9, 12)).code == "max_nights"


def test_arrival_beyond_the_booking_window_is_refused():
    room_type = factories.room_type(booking_window_days=30)
    error = refusal(room_type, date(2026, 10, 2), date(2026, 10, 3))
    assert error.code == "booking_window"
    assert "30" in error.message


def test_arrival_on_the_last_day_of_the_window_is_allowed():
    room_type = factories.room_type(booking_window_days=30)
    stay_validate(room_type=room_type, check_in=date(2026, 10, 1), check_out=date(2026, 10, 2), guests=1)


def test_past_arrival_is_refused(room_type):
    assert refusal(room_type, date(2026, 8, 31), date(2026, 9, 2)).code == "past"


def test_tonight_can_be_booked_before_the_cut_off(room_type, clock):
    clock.set("2026-09-01 17:59")
    stay_validate(room_type=room_type, check_in=date(2026, 9, 1), check_out=date(2026, 9, 2), guests=1)


def test_tonight_cannot_be_booked_after_the_cut_off_in_beijing_time(room_type, clock):
    clock.set("2026-09-01 23:30")  # 15:30 UTC: still the 1st in Beijing, past the 18:00 cut-off
    error = refusal(room_type, date(2026, 9, 1), date(2026, 9, 2))
    assert error.code == "same_day_cutoff"
    assert "18:00" in error.message


def test_after_midnight_in_beijing_yesterday_is_in_the_past(room_type, clock):
    clock.set("2026-09-02 00:30")  # 16:30 UTC on the 1st: UTC's date would wrongly allow the 1st
    assert refusal(room_type, date(2026, 9, 1), date(2026, 9, 3)).code == "past"


def test_late_cut_off_allows_booking_tonight_late():
    room_type = factories.room_type(same_day_cutoff=time(23, 45))
    stay_validate(room_type=room_type, check_in=date(2026, 9, 1), check_out=date(2026, 9, 2), guests=1)


def test_more_guests_than_the_rooms_sleep_are_refused(room_type):
    error = refusal(room_type, date(2026, 9, 8), date(2026, 9, 9), guests=3)
    assert error.code == "capacity"


def test_two_rooms_sleep_twice_as_many_guests():
    room_type = factories.room_type(capacity=2, room_count=2)
    stay_validate(
        room_type=room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), guests=4, rooms=2
    )


def test_no_guests_is_refused(room_type):
    assert refusal(room_type, date(2026, 9, 8), date(2026, 9, 9), guests=0).code == "guests"


def test_more_rooms_than_exist_are_refused(room_type):
    assert refusal(room_type, date(2026, 9, 8), date(2026, 9, 9), rooms=2).code == "rooms"


def test_inactive_room_type_cannot_be_booked():
    room_type = factories.room_type(is_active=False)
    assert refusal(room_type, date(2026, 9, 8), date(2026, 9, 9)).code == "inactive"


def test_unpublished_homestay_cannot_be_booked():
    room_type = factories.room_type(homestay=factories.homestay(is_published=False))
    assert refusal(room_type, date(2026, 9, 8), date(2026, 9, 9)).code == "inactive"
