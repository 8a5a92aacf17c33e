"""A homestay owner on a phone decides a calendar conflict: Booking.com still lists a night whose booking
here was cancelled, and the owner accepts it as a closed room (the forms posted by the real browser, with
its Origin header and CSRF token)."""

from datetime import timedelta

from playwright.sync_api import expect

from bookings.models import Booking, RoomNight
from bookings.services import booking_cancel, booking_hold
from bookings.sync.models import ExternalNight
from bookings.sync.services import calendar_feed_add, calendar_feed_sync
from common.clock import local_today
from tests.bookings.owner.conftest import FeedServer
from tests.bookings.owner.ical import vcalendar, vevent
from villages.models import RoomType

from .helpers import assert_fits_phone, sign_in

OWNER = "owner@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def test_owner_accepts_a_calendar_conflict_on_a_phone(phone, shot, settings):
    settings.ICAL_SYNC_ALLOW_PRIVATE_HOSTS = True
    page = phone
    night = local_today() + timedelta(days=10)
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    # Every room of the night booked here, then Booking.com's feed takes the same night: a conflict.
    booking = booking_hold(
        room_type=room,
        check_in=night,
        check_out=night + timedelta(days=1),
        guests=2,
        rooms=room.room_count,
        lead_guest_name="王芳",
        lead_guest_phone="13812345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )
    server = FeedServer()
    try:
        url = server.serve("/booking.ics", vcalendar(vevent("b-1", night)))
        calendar_feed_sync(feed=calendar_feed_add(room_type=room, name="Booking.com", url=url))
    finally:
        server.close()
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    conflict = ExternalNight.objects.get(feed__room_type=room)
    assert not conflict.blocking and not conflict.dismissed

    sign_in(page, OWNER, PASSWORD)
    page.goto(f"/owner/rooms/{room.pk}/sync/")
    expect(page.get_by_text("现在有空房")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "conflict")
    page.get_by_role("button", name="确认关房").click()

    expect(page.get_by_role("button", name="确认关房")).to_have_count(0)
    shot(page, "accepted")
    conflict.refresh_from_db()
    assert conflict.blocking
    assert RoomNight.objects.get(room_type=room, night=night).rooms_closed == 1
