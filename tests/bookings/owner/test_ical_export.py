import re
from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from bookings.calendar import calendar_close_rooms
from bookings.guests import GuestDetails
from bookings.models import Booking, RoomNight
from bookings.services import guests_register
from bookings.sync.models import CalendarFeed, ExternalNight
from bookings.sync.parse import feed_events, taken_nights
from bookings.sync.services import calendar_export_regenerate
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db

SEP_8, SEP_9, SEP_10 = date(2026, 9, 8), date(2026, 9, 9), date(2026, 9, 10)
SPECIMEN_ID = "11010519491231002X"


def feed_url(room_type) -> str:
    token = calendar_export_regenerate(room_type=room_type).token
    return reverse("owner:ical_export", kwargs={"token": token})


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_feed_is_served_as_a_calendar_without_signing_in(client, room_type):
    response = client.get(feed_url(room_type))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "noindex" in response["X-Robots-Tag"]


def test_booked_nights_are_one_all_day_event_ending_on_the_check_out_day(client, room_type):
    hold(room_type, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    (event,) = events(client.get(feed_url(room_type)).content)
    assert event.decoded("DTSTART") == SEP_8
    assert event.decoded("DTEND") == SEP_10
    assert event["DTSTART"].params["VALUE"] == "DATE"


def test_closed_nights_are_exported_as_closed(client, room_type):
    calendar_close_rooms(room_type=room_type, first_night=SEP_8, last_night=SEP_8, rooms_closed=1)
    (event,) = events(client.get(feed_url(room_type)).content)
    assert "Closed" in str(event["SUMMARY"])
    assert event.decoded("DTEND") == date(2026, 9, 9)


def test_nights_closed_only_by_an_imported_calendar_are_not_exported(client, room_type):
    """Airbnb, Booking.com and VRBO leave imported nights out of their own feeds: so do we, or a platform
    that re-exports every closed date would send our closing back to us."""
    feed = CalendarFeed.objects.create(room_type=room_type, name="Airbnb", url="https://example.com/a.ics")
    ExternalNight.objects.create(feed=feed, uid="a", night=SEP_8, blocking=True)
    RoomNight.objects.create(room_type=room_type, night=SEP_8, rooms_total=1, rooms_closed=1)
    assert events(client.get(feed_url(room_type)).content) == []


def test_night_closed_by_the_owner_next_to_an_import_is_exported_as_closed(client, room):
    """Two rooms: one closed by Airbnb's calendar, one by the owner; only the owner's one counts, and one
    room of two taken here is not a full night."""
    feed = CalendarFeed.objects.create(room_type=room, name="Airbnb", url="https://example.com/a.ics")
    ExternalNight.objects.create(feed=feed, uid="a", night=SEP_8, blocking=True)
    RoomNight.objects.create(room_type=room, night=SEP_8, rooms_total=2, rooms_closed=2)
    assert events(client.get(feed_url(room)).content) == []
    calendar_close_rooms(room_type=room, first_night=SEP_9, last_night=SEP_9, rooms_closed=2)
    (event,) = events(client.get(feed_url(room)).content)
    assert event.decoded("DTSTART") == SEP_9 and "Closed" in str(event["SUMMARY"])


def test_night_with_a_room_still_free_is_not_exported(client, room):
    hold(room, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    assert events(client.get(feed_url(room)).content) == []


def test_expired_hold_is_not_exported(client, room_type, clock):
    hold(room_type, check_in=SEP_8, check_out=SEP_10)
    clock.advance(minutes=20)
    assert events(client.get(feed_url(room_type)).content) == []


def test_feed_has_no_personal_data(client, room_type, owner):
    booking = hold(
        room_type,
        check_in=SEP_8,
        check_out=SEP_10,
        payment=Booking.Payment.AT_HOMESTAY,
        lead_guest_name="王小明",
        lead_guest_phone="13912345678",
    )
    guests_register(
        booking=booking,
        guests=[GuestDetails(name="王小明", document_type="resident_id", document_number=SPECIMEN_ID)],
    )
    body = client.get(feed_url(room_type)).content.decode()
    for private in ("王小明", "13912345678", SPECIMEN_ID, booking.reference):
        assert private not in body


def test_feed_is_valid_rfc_5545(client, room_type):
    hold(room_type, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    calendar_close_rooms(
        room_type=room_type, first_night=date(2026, 9, 20), last_night=date(2026, 9, 21), rooms_closed=1
    )
    body = client.get(feed_url(room_type)).content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert b"\n" not in body.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    uids = set()
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND"):
            assert required in event
        stamp = event["DTSTAMP"].to_ical()
        assert isinstance(stamp, bytes)
        assert re.fullmatch(r"\d{8}T\d{6}Z", stamp.decode())
        uids.add(str(event["UID"]))
    assert len(uids) == 2


def test_exported_feed_read_back_blocks_the_same_nights(client, room_type):
    """Our export and our import agree on DTEND: the round trip blocks exactly the nights sold."""
    hold(room_type, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    body = client.get(feed_url(room_type)).content
    window = {"first": date(2026, 9, 1), "end": date(2027, 9, 1)}
    nights = taken_nights(feed_events(body, **window).events, **window)
    assert {night for _uid, night in nights} == {SEP_8, date(2026, 9, 9)}


def test_regenerated_address_replaces_the_old_one(client, room_type):
    old = feed_url(room_type)
    new = feed_url(room_type)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_address_is_not_found(client, room_type):
    calendar_export_regenerate(room_type=room_type)
    assert client.get(reverse("owner:ical_export", kwargs={"token": "guess"})).status_code == 404


def test_feed_answers_get_only(client, room_type):
    assert client.post(feed_url(room_type)).status_code == 405
