"""Real-world feeds (samples in ``fixtures/``) and the echo loop between two platforms and this one."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from bookings.models import Booking, RoomNight
from bookings.services import booking_cancel
from bookings.sync.models import CalendarFeed, ExternalNight
from bookings.sync.parse import feed_events, taken_nights
from bookings.sync.selectors import conflicts_for_room_type, external_closed
from bookings.sync.services import (
    calendar_close_rooms_by_owner,
    calendar_export_regenerate,
    calendar_feed_sync,
    external_nights_accept,
)
from tests.bookings.helpers import hold
from tests.bookings.owner.ical import vevent
from tests.bookings.owner.platforms import Platform

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
WINDOW = {"first": date(2026, 9, 1), "end": date(2028, 9, 1)}


def sample(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def nights_of(body: bytes) -> list[date]:
    return sorted(night for _uid, night in taken_nights(feed_events(body, **WINDOW).events, **WINDOW))


def days(month: int, *numbers: int) -> list[date]:
    return [date(2026, month, number) for number in numbers]


def test_google_calendar_weekly_event_with_an_exception_and_an_override():
    """Fridays and Saturdays from 11 September to 17 October: the 18th taken out (EXDATE), the 25th
    moved to three nights from the 26th (RECURRENCE-ID); a phone booking of two nights; a cleaning
    within one day and a cancelled booking block nothing."""
    result = feed_events(sample("google_calendar.ics"), **WINDOW)
    assert result.bad == []
    assert nights_of(sample("google_calendar.ics")) == sorted(
        days(9, 11, 12, 15, 16, 26, 27, 28) + days(10, 2, 3, 9, 10, 16, 17)
    )


def test_booking_com_closed_dates():
    assert nights_of(sample("booking_com.ics")) == days(9, 8, 9) + days(10, 1, 2, 3)


def test_airbnb_reserved_and_not_available():
    assert nights_of(sample("airbnb.ics")) == days(9, 12, 13, 14) + days(10, 5, 6, 7)


def test_google_feed_with_one_bad_event_blocks_the_rest_and_names_the_bad_one(room, feed_server):
    body = sample("google_calendar.ics").replace(
        b"END:VCALENDAR", vevent("broken@google.com", "2026-13-45").encode() + b"\r\nEND:VCALENDAR"
    )
    feed = CalendarFeed.objects.create(room_type=room, name="Google", url=feed_server.serve("/g.ics", body))
    synced = calendar_feed_sync(feed=feed)
    assert synced is not None
    feed = synced
    assert feed.status == CalendarFeed.Status.PARTIAL
    assert "broken@google.com" in feed.message
    blocked = external_closed(room_type=room, **{"start": WINDOW["first"], "end": WINDOW["end"]})
    expected = days(9, 11, 12, 15, 16, 26, 27, 28) + days(10, 2, 3, 9, 10, 16, 17)
    assert sorted(blocked) == sorted(expected)
    assert calendar_feed_sync(feed=feed) is not None
    assert ExternalNight.objects.count() == len(expected), "a second sync adds nothing"


class Here:
    """This platform as the other platforms see it: the export at its secret address, and a feed of each
    other platform."""

    def __init__(self, client, room_type, *platforms: Platform):
        self.client, self.room_type = client, room_type
        self.export = reverse(
            "owner:ical_export", kwargs={"token": calendar_export_regenerate(room_type=room_type).token}
        )
        self.feeds = {
            platform.name: CalendarFeed.objects.create(
                room_type=room_type, name=platform.name, url=platform.url
            )
            for platform in platforms
        }

    def exported(self) -> bytes:
        return self.client.get(self.export).content

    def sync(self) -> None:
        for feed in self.feeds.values():
            assert calendar_feed_sync(feed=feed) is not None

    def closed(self, *nights: date) -> list[int]:
        rows = dict(RoomNight.objects.filter(room_type=self.room_type).values_list("night", "rooms_closed"))
        return [rows.get(night, 0) for night in nights]

    def conflicts(self) -> list[tuple[str, date]]:
        return [(c.feed.name, c.night) for c in conflicts_for_room_type(room_type=self.room_type)]

    def assert_counters_right(self) -> None:
        """``rooms_closed`` = the owner's closed rooms (none at the end) + blocking imported nights."""
        blocking = external_closed(room_type=self.room_type, start=WINDOW["first"], end=WINDOW["end"])
        rows = RoomNight.objects.filter(room_type=self.room_type, rooms_closed__gt=0)
        assert {row.night: row.rooms_closed for row in rows} == blocking


SEP_20, SEP_21, SEP_22 = days(9, 20, 21, 22)
SEP_25, SEP_26, SEP_27 = days(9, 25, 26, 27)


@pytest.fixture
def platforms(client, room_type, feed_server):
    booking_com = Platform("Booking.com", feed_server, echoes=True)
    airbnb = Platform("Airbnb", feed_server, echoes=False)
    return Here(client, room_type, airbnb, booking_com), booking_com, airbnb  # Airbnb's feed syncs first


def pull_all(here: Here, booking_com: Platform, airbnb: Platform) -> None:
    """Every platform imports every other one, as each platform's own help tells the owner to; Booking.com
    reads first, then Airbnb."""
    booking_com.pull("here", here.exported())
    booking_com.pull("airbnb", airbnb.server.routes[airbnb.path][2])
    booking_com.publish()
    airbnb.pull("here", here.exported())
    airbnb.pull("booking.com", booking_com.server.routes[booking_com.path][2])
    airbnb.publish()


def test_nights_the_owner_closed_and_reopened_are_released_everywhere(platforms, room_type):
    """The loop of issue 16: one room; the owner closes two nights, Booking.com echoes them back, the owner
    reopens them; Booking.com's stale feed must not close them again, and once it reads our feed again
    every calendar is open. Airbnb's own reservation on other nights goes through both ways meanwhile."""
    here, booking_com, airbnb = platforms
    airbnb.reservations["HMQ4X7ZP2K"] = (SEP_25, SEP_27)
    airbnb.publish()
    calendar_close_rooms_by_owner(room_type=room_type, first_night=SEP_20, last_night=SEP_21, rooms_closed=1)
    pull_all(here, booking_com, airbnb)
    assert booking_com.closed() == {SEP_20, SEP_21, SEP_25, SEP_26}
    assert airbnb.closed() == {SEP_20, SEP_21, SEP_25, SEP_26}
    here.sync()
    assert here.closed(SEP_20, SEP_21, SEP_25, SEP_26) == [1, 1, 1, 1]
    assert sorted(here.conflicts()) == [("Booking.com", night) for night in (SEP_20, SEP_21, SEP_25, SEP_26)]
    assert nights_of(here.exported()) == [SEP_20, SEP_21], "Airbnb's nights are not sent back"

    calendar_close_rooms_by_owner(room_type=room_type, first_night=SEP_20, last_night=SEP_21, rooms_closed=0)
    here.sync()  # Booking.com has not read our feed again yet: its feed still closes the 20th and 21st
    assert here.closed(SEP_20, SEP_21) == [0, 0]
    assert nights_of(here.exported()) == []

    pull_all(here, booking_com, airbnb)
    here.sync()
    assert booking_com.closed() == airbnb.closed() == {SEP_25, SEP_26}
    assert here.closed(SEP_20, SEP_21, SEP_25, SEP_26) == [0, 0, 1, 1]
    assert sorted(here.conflicts()) == [("Booking.com", SEP_25), ("Booking.com", SEP_26)]

    del airbnb.reservations["HMQ4X7ZP2K"]  # the Airbnb guest cancels
    airbnb.publish()
    here.sync()
    assert here.closed(SEP_25, SEP_26) == [0, 0], "Booking.com's stale echo of Airbnb closes nothing"
    pull_all(here, booking_com, airbnb)
    here.sync()
    assert booking_com.closed() == airbnb.closed() == set()
    assert here.conflicts() == [] and not ExternalNight.objects.exists()
    here.assert_counters_right()


def test_nights_of_a_booking_cancelled_here_are_released_everywhere(platforms, room_type):
    here, booking_com, airbnb = platforms
    booking = hold(room_type, check_in=SEP_20, check_out=SEP_22, payment=Booking.Payment.AT_HOMESTAY)
    pull_all(here, booking_com, airbnb)
    here.sync()
    assert here.conflicts() == [("Booking.com", SEP_20), ("Booking.com", SEP_21)]
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    here.sync()
    assert here.closed(SEP_20, SEP_21) == [0, 0]
    assert nights_of(here.exported()) == []
    pull_all(here, booking_com, airbnb)
    here.sync()
    assert booking_com.closed() == airbnb.closed() == set()
    assert not ExternalNight.objects.exists()
    here.assert_counters_right()


def test_a_conflict_the_owner_accepts_is_not_echoed_back(platforms, room_type):
    """A real Booking.com reservation on a night booked here, the booking here then cancelled: the owner
    accepts the conflict; the night stays closed here and is not sent to the other platforms as ours."""
    here, booking_com, airbnb = platforms
    booking = hold(room_type, check_in=SEP_25, check_out=SEP_26, payment=Booking.Payment.AT_HOMESTAY)
    booking_com.reservations["4521987"] = (SEP_25, SEP_26)
    booking_com.publish()
    here.sync()
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    (conflict,) = conflicts_for_room_type(room_type=room_type)
    assert external_nights_accept(room_type=room_type, night_ids=[conflict.id]) == 1
    assert here.closed(SEP_25) == [1]
    assert nights_of(here.exported()) == []
    pull_all(here, booking_com, airbnb)
    here.sync()
    assert here.closed(SEP_25) == [1] and here.conflicts() == []
    here.assert_counters_right()


def test_every_sync_of_an_unchanged_feed_changes_nothing(platforms, room_type):
    here, booking_com, airbnb = platforms
    airbnb.reservations["A"] = (SEP_20, SEP_22)
    airbnb.reservations["B"] = (SEP_25, SEP_25 + timedelta(days=1))
    pull_all(here, booking_com, airbnb)
    here.sync()
    before = list(ExternalNight.objects.order_by("pk").values())
    here.sync()
    assert list(ExternalNight.objects.order_by("pk").values()) == before
    here.assert_counters_right()
