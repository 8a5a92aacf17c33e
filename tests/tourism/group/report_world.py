"""Stays that arrived (checked in, some checked out) with registered guests, for the reports' tests."""

from collections.abc import Sequence
from datetime import date

from bookings.guests import GuestDetails
from bookings.models import Booking
from bookings.services import booking_check_in, booking_check_out, guests_register
from tests.bookings.revenue.helpers import paid_online


def arrive(
    clock, booking: Booking, guests: Sequence[tuple[str, str, str]] = (), leave: bool = False
) -> Booking:
    """Register ``guests`` (name, document type, number), check in on the arrival day and, with
    ``leave``, check out."""
    if guests:
        guests_register(booking=booking, guests=[GuestDetails(*guest) for guest in guests])
    clock.set(f"{booking.check_in.isoformat()} 14:00")
    booking = booking_check_in(booking=booking)
    if leave:
        booking = booking_check_out(booking=booking)
    return Booking.objects.get(pk=booking.pk)


def stay(room_type, check_in: date, check_out: date, guests: int = 2, **fields) -> Booking:
    return paid_online(room_type, check_in=check_in, check_out=check_out, guests=guests, **fields)
