"""Builders and probes shared by the booking tests."""

from datetime import date
from zoneinfo import ZoneInfo

from bookings.activity import Source
from bookings.models import Booking, BookingNight, RoomNight
from bookings.services import booking_hold
from bookings.transitions import GUEST, OWNER
from bookings.usecases import Actor

SHANGHAI = ZoneInfo("Asia/Shanghai")
ARRIVAL = date(2026, 9, 8)  # a Tuesday, a week after the frozen today
DEPARTURE = date(2026, 9, 10)


def as_guest(user, source: str = Source.WEB) -> Actor:
    return Actor(GUEST, source, user)


def as_owner(user) -> Actor:
    return Actor(OWNER, Source.CONSOLE, user)


def hold(room_type, check_in=ARRIVAL, check_out=DEPARTURE, **fields) -> Booking:
    fields.setdefault("guests", 2)
    fields.setdefault("lead_guest_name", "张三")
    fields.setdefault("lead_guest_phone", "13800138000")
    return booking_hold(room_type=room_type, check_in=check_in, check_out=check_out, **fields)


def counters(room_type, night=ARRIVAL) -> tuple[int, int, int]:
    """(booked, held, closed) on one night."""
    row = RoomNight.objects.filter(room_type=room_type, night=night).first()
    return (row.rooms_booked, row.rooms_held, row.rooms_closed) if row else (0, 0, 0)


def table_counts() -> tuple[int, int, int]:
    return Booking.objects.count(), BookingNight.objects.count(), RoomNight.objects.count()
