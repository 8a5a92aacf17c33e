"""Completed stays to review, built the way real ones are (booked, checked in and out through the use
cases), on the booking tests' frozen clock."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bookings import usecases
from bookings.activity import Source
from bookings.models import Booking
from bookings.transitions import GUEST, OWNER
from tests import factories
from tests.bookings.booking_states import MOMENTS
from tests.bookings.helpers import ARRIVAL, DEPARTURE


class Stays:
    def __init__(self, owner, clock):
        self.owner, self.clock = owner, clock
        self.homestay = factories.homestay(owner=owner)
        self.room = factories.room_type(homestay=self.homestay, room_count=5)

    def owner_actor(self):
        return usecases.Actor(OWNER, Source.CONSOLE, self.owner)

    def placed(self, guest, *, name: str = "张三") -> Booking:
        self.clock.set(MOMENTS["booked"])
        return usecases.booking_place(
            actor=usecases.Actor(GUEST, Source.WEB, guest),
            room_type=self.room,
            check_in=ARRIVAL,
            check_out=DEPARTURE,
            guests=2,
            lead_guest_name=name,
            lead_guest_phone="13800138000",
            payment=Booking.Payment.AT_HOMESTAY,
        ).booking

    def checked_in(self, booking: Booking) -> Booking:
        self.clock.set(MOMENTS["arrival_morning"])
        return usecases.booking_check_in(booking=booking, actor=self.owner_actor()).booking

    def completed(self, guest, *, name: str = "张三") -> Booking:
        booking = self.checked_in(self.placed(guest, name=name))
        self.clock.set(MOMENTS["second_morning"])
        return usecases.booking_check_out(booking=booking, actor=self.owner_actor()).booking


@pytest.fixture
def stays(owner, clock) -> Stays:
    return Stays(owner, clock)


@pytest.fixture
def staff(db):
    from django.contrib.auth.models import Group

    from villages.roles import GROUP_STAFF

    user = factories.user(username="staffer", email="staff@example.com")
    user.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    return user


RATINGS = {"overall": 5, "cleanliness": 4, "host": 5, "location": 3, "value": 4}


def photo_upload(name: str = "p.jpg", *, gps: bool = True) -> SimpleUploadedFile:
    """A JPEG whose EXIF carries a GPS position, as phone photos do."""
    image = Image.new("RGB", (2400, 1800), (120, 160, 90))
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0), 3: "E", 4: (111.0, 8.0, 0.0)}
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
