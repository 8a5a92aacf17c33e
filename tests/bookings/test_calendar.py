from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bookings.calendar import (
    calendar_close_rooms,
    calendar_set_min_nights,
    calendar_set_price,
    room_type_set_room_count,
)
from bookings.errors import NightsUnavailable
from bookings.models import RoomNight
from bookings.services import booking_confirm
from tests.bookings.helpers import ARRIVAL, counters, hold

pytestmark = pytest.mark.django_db
LATER = date(2026, 9, 20)


def totals(room_type) -> dict[date, int]:
    return dict(RoomNight.objects.filter(room_type=room_type).values_list("night", "rooms_total"))


def test_adding_rooms_updates_every_future_night(room_type, clock):
    hold(room_type)
    RoomNight.objects.create(room_type=room_type, night=date(2026, 8, 30), rooms_total=1)
    room_type = room_type_set_room_count(room_type=room_type, room_count=3)
    assert room_type.room_count == 3
    assert totals(room_type) == {date(2026, 8, 30): 1, date(2026, 9, 8): 3, date(2026, 9, 9): 3}
    hold(room_type)
    hold(room_type)


def test_removing_rooms_that_are_booked_is_refused_naming_the_nights(room_type):
    room_type_set_room_count(room_type=room_type, room_count=2)
    hold(room_type)
    hold(room_type)
    with pytest.raises(ValidationError) as refused:
        room_type_set_room_count(room_type=room_type, room_count=1)
    assert "2026-09-08" in refused.value.message
    assert totals(room_type)[ARRIVAL] == 2
    room_type.refresh_from_db()
    assert room_type.room_count == 2


def test_removing_rooms_held_by_expired_holds_is_allowed(room_type, clock):
    room_type_set_room_count(room_type=room_type, room_count=2)
    hold(room_type)
    hold(room_type)
    clock.advance(minutes=20)
    room_type_set_room_count(room_type=room_type, room_count=1)
    assert counters(room_type) == (0, 0, 0)


@pytest.mark.parametrize("room_count", [0, 201])
def test_room_count_out_of_range_is_refused(room_type, room_count):
    with pytest.raises(ValidationError):
        room_type_set_room_count(room_type=room_type, room_count=room_count)


def test_closed_rooms_cannot_be_booked(room_type):
    calendar_close_rooms(room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, rooms_closed=1)
    with pytest.raises(NightsUnavailable):
        hold(room_type)


def test_reopening_rooms_makes_them_bookable(room_type):
    calendar_close_rooms(room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, rooms_closed=1)
    calendar_close_rooms(room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, rooms_closed=0)
    assert hold(room_type).status == "held"


def test_booked_rooms_cannot_be_closed(room_type):
    booking_confirm(booking=hold(room_type))
    with pytest.raises(NightsUnavailable) as refused:
        calendar_close_rooms(room_type=room_type, first_night=ARRIVAL, last_night=LATER, rooms_closed=1)
    assert refused.value.nights == [date(2026, 9, 8), date(2026, 9, 9)]
    assert counters(room_type) == (1, 0, 0)
    assert counters(room_type, LATER) == (0, 0, 0)


def test_past_nights_cannot_be_changed(room_type):
    with pytest.raises(ValidationError) as refused:
        calendar_set_price(
            room_type=room_type, first_night=date(2026, 8, 31), last_night=ARRIVAL, price=Decimal("100")
        )
    assert refused.value.code == "past"


def test_price_for_nights_can_be_set_and_removed(room_type):
    calendar_set_price(room_type=room_type, first_night=ARRIVAL, last_night=LATER, price=Decimal("99.995"))
    assert set(RoomNight.objects.values_list("price_override", flat=True)) == {Decimal("100.00")}
    calendar_set_price(room_type=room_type, first_night=ARRIVAL, last_night=LATER, price=None)
    assert set(RoomNight.objects.values_list("price_override", flat=True)) == {None}


def test_zero_price_is_refused(room_type):
    with pytest.raises(ValidationError):
        calendar_set_price(room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, price=Decimal("0"))


def test_range_ending_before_it_starts_is_refused(room_type):
    with pytest.raises(ValidationError) as refused:
        calendar_set_min_nights(room_type=room_type, first_night=LATER, last_night=ARRIVAL, min_nights=2)
    assert refused.value.code == "dates_order"
    assert not RoomNight.objects.exists()
