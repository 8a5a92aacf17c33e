import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings.errors import NightsUnavailable
from bookings.models import Booking, RoomNight
from bookings.services import booking_cancel
from bookings.sync.models import CalendarFeed, ExternalNight
from bookings.sync.selectors import conflicts_for_room_type, external_closed
from bookings.sync.services import (
    calendar_close_rooms_by_owner,
    calendar_export_regenerate,
    calendar_feed_add,
    calendar_feed_remove,
    calendar_feed_sync,
    external_nights_accept,
    external_nights_dismiss,
)
from tests.bookings.helpers import counters, hold
from tests.bookings.owner.ical import vcalendar, vevent

pytestmark = pytest.mark.django_db

SEP_8, SEP_9, SEP_10, SEP_11 = (date(2026, 9, day) for day in (8, 9, 10, 11))


def closed(room_type, *nights) -> list[int]:
    rows = dict(RoomNight.objects.filter(room_type=room_type).values_list("night", "rooms_closed"))
    return [rows.get(night, 0) for night in nights]


def synced(*, feed: CalendarFeed) -> CalendarFeed:
    """``calendar_feed_sync``, for a feed that is still there."""
    result = calendar_feed_sync(feed=feed)
    assert result is not None
    return result


@pytest.fixture
def feed_for(feed_server):
    """``feed_for(room_type, body)``: a feed of the room type served by the local server."""
    made: list[str] = []

    def make(room_type, body: str, *, name: str = "Airbnb"):
        path = f"/feed-{len(made)}.ics"
        feed = CalendarFeed.objects.create(room_type=room_type, name=name, url=feed_server.serve(path, body))
        made.append(path)
        return feed

    return make


def test_sync_closes_the_nights_of_an_event_but_not_its_check_out_day(room, feed_for):
    feed = synced(feed=feed_for(room, vcalendar(vevent("a", SEP_8, SEP_10))))
    assert feed.status == CalendarFeed.Status.OK
    assert feed.events == 1
    assert closed(room, SEP_8, SEP_9, SEP_10) == [1, 1, 0]


def test_syncing_twice_changes_nothing_more(room, feed_for):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_10)))
    calendar_feed_sync(feed=feed)
    calendar_feed_sync(feed=feed)
    assert closed(room, SEP_8, SEP_9) == [1, 1]
    assert ExternalNight.objects.count() == 2


def test_event_removed_from_the_feed_opens_its_nights_again(room, feed_for, feed_server):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_10), vevent("b", SEP_11)))
    calendar_feed_sync(feed=feed)
    feed_server.serve("/feed-0.ics", vcalendar(vevent("b", SEP_11)))
    calendar_feed_sync(feed=feed)
    assert closed(room, SEP_8, SEP_9, SEP_11) == [0, 0, 1]
    assert set(ExternalNight.objects.values_list("uid", flat=True)) == {"b"}


def test_event_moved_to_other_dates_follows_by_uid(room, feed_for, feed_server):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_10)))
    calendar_feed_sync(feed=feed)
    feed_server.serve("/feed-0.ics", vcalendar(vevent("a", SEP_9, SEP_11)))
    calendar_feed_sync(feed=feed)
    assert closed(room, SEP_8, SEP_9, SEP_10, SEP_11) == [0, 1, 1, 0]


def test_two_platforms_booking_the_same_night_close_two_rooms(room, feed_for):
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9))))
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("x", SEP_8, SEP_9)), name="Booking.com"))
    assert closed(room, SEP_8) == [2]


def test_night_sold_out_here_is_a_conflict_not_an_oversell(room_type, feed_for):
    booking = hold(room_type, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    feed = synced(feed=feed_for(room_type, vcalendar(vevent("a", SEP_9, SEP_11))))
    assert feed.status == CalendarFeed.Status.OK
    assert counters(room_type, SEP_9) == (1, 0, 0)
    assert closed(room_type, SEP_10) == [1]
    conflicts = conflicts_for_room_type(room_type=room_type)
    assert [(c.night, c.references) for c in conflicts] == [(SEP_9, [booking.reference])]


def test_conflict_stays_a_conflict_after_the_room_frees_until_the_owner_decides(room_type, feed_for):
    """The event may be an echo of our own feed: closing the night by itself could close it for good."""
    booking = hold(room_type, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    feed = feed_for(room_type, vcalendar(vevent("a", SEP_9, SEP_11)))
    calendar_feed_sync(feed=feed)
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    calendar_feed_sync(feed=feed)
    assert closed(room_type, SEP_9, SEP_10) == [0, 1]
    (conflict,) = conflicts_for_room_type(room_type=room_type)
    assert (conflict.night, conflict.references, conflict.rooms_free) == (SEP_9, [], 1)


def test_owner_accepts_a_conflict_as_a_closed_room_once(room_type, feed_for):
    booking = hold(room_type, check_in=SEP_9, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    feed = feed_for(room_type, vcalendar(vevent("a", SEP_9, SEP_10)))
    calendar_feed_sync(feed=feed)
    (conflict,) = conflicts_for_room_type(room_type=room_type)
    with pytest.raises(NightsUnavailable) as refused:
        external_nights_accept(room_type=room_type, night_ids=[conflict.id])
    assert refused.value.nights == [SEP_9]
    assert ExternalNight.objects.get().blocking is False
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    assert external_nights_accept(room_type=room_type, night_ids=[conflict.id]) == 1
    assert external_nights_accept(room_type=room_type, night_ids=[conflict.id]) == 0
    assert closed(room_type, SEP_9) == [1]
    assert conflicts_for_room_type(room_type=room_type) == []
    calendar_feed_sync(feed=feed)
    assert closed(room_type, SEP_9) == [1], "the next sync keeps the accepted night, once"


def test_accepting_refuses_all_when_one_night_is_full(room_type, feed_for):
    booking = hold(room_type, check_in=SEP_8, check_out=SEP_10, payment=Booking.Payment.AT_HOMESTAY)
    calendar_feed_sync(feed=feed_for(room_type, vcalendar(vevent("a", SEP_8, SEP_10))))
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    hold(room_type, check_in=SEP_8, check_out=SEP_9, payment=Booking.Payment.AT_HOMESTAY)
    ids = [conflict.id for conflict in conflicts_for_room_type(room_type=room_type)]
    with pytest.raises(NightsUnavailable) as refused:
        external_nights_accept(room_type=room_type, night_ids=ids)
    assert refused.value.nights == [SEP_8]
    assert closed(room_type, SEP_8, SEP_9) == [0, 0]
    assert len(conflicts_for_room_type(room_type=room_type)) == 2


def test_dismissed_conflict_stays_dismissed_through_later_syncs(room_type, feed_for, feed_server):
    hold(room_type, check_in=SEP_8, check_out=SEP_9, payment=Booking.Payment.AT_HOMESTAY)
    feed = feed_for(room_type, vcalendar(vevent("echo", SEP_8, SEP_9)))
    calendar_feed_sync(feed=feed)
    (conflict,) = conflicts_for_room_type(room_type=room_type)
    assert external_nights_dismiss(room_type=room_type, night_ids=[conflict.id]) == 1
    assert external_nights_dismiss(room_type=room_type, night_ids=[conflict.id]) == 0
    calendar_feed_sync(feed=feed)
    assert conflicts_for_room_type(room_type=room_type) == []
    assert ExternalNight.objects.get().dismissed
    feed_server.serve("/feed-0.ics", vcalendar())
    calendar_feed_sync(feed=feed)
    assert not ExternalNight.objects.exists(), "gone from the feed, gone from here"


def test_owner_cannot_decide_on_another_room_types_conflicts(room_type, room, feed_for):
    hold(room_type, check_in=SEP_8, check_out=SEP_9, payment=Booking.Payment.AT_HOMESTAY)
    calendar_feed_sync(feed=feed_for(room_type, vcalendar(vevent("a", SEP_8, SEP_9))))
    (conflict,) = conflicts_for_room_type(room_type=room_type)
    assert external_nights_dismiss(room_type=room, night_ids=[conflict.id]) == 0
    assert external_nights_accept(room_type=room, night_ids=[conflict.id]) == 0
    assert conflicts_for_room_type(room_type=room_type) == [conflict]


def test_two_events_without_uid_on_the_same_nights_close_two_rooms_once(room, feed_for):
    body = vcalendar(vevent(None, SEP_8, SEP_10), vevent(None, SEP_8, SEP_10))
    feed = feed_for(room, body)
    calendar_feed_sync(feed=feed)
    calendar_feed_sync(feed=feed)
    assert closed(room, SEP_8, SEP_9) == [2, 2]
    assert ExternalNight.objects.count() == 4


def test_overlapping_events_sharing_a_uid_each_close_a_room(room, feed_for, feed_server):
    feed = feed_for(room, vcalendar(vevent("x", SEP_8, SEP_10), vevent("x", SEP_9, SEP_11)))
    calendar_feed_sync(feed=feed)
    calendar_feed_sync(feed=feed)
    assert closed(room, SEP_8, SEP_9, SEP_10) == [1, 2, 1]
    feed_server.serve("/feed-0.ics", vcalendar(vevent("x", SEP_9, SEP_11)))
    calendar_feed_sync(feed=feed)
    assert closed(room, SEP_8, SEP_9, SEP_10) == [0, 1, 1]
    assert_counters_match_rows(room)


def test_bad_event_is_reported_and_keeps_its_nights_while_the_rest_syncs(room, feed_for, feed_server):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9), vevent("b", SEP_10)))
    calendar_feed_sync(feed=feed)
    feed_server.serve("/feed-0.ics", vcalendar(vevent("a", "garbage"), vevent("b", SEP_11)))
    feed = synced(feed=feed)
    assert feed.status == CalendarFeed.Status.PARTIAL
    assert "“a”" in feed.message and feed.message.index("无法读取") < feed.message.index("could not be read")
    assert closed(room, SEP_8, SEP_10, SEP_11) == [1, 0, 1], "a's night kept, b moved"
    feed_server.serve("/feed-0.ics", vcalendar(vevent("b", SEP_11)))
    feed = synced(feed=feed)
    assert (feed.status, feed.message) == (CalendarFeed.Status.OK, "")
    assert closed(room, SEP_8, SEP_11) == [0, 1]
    assert_counters_match_rows(room)


def assert_counters_match_rows(room_type) -> None:
    """``rooms_closed`` is the owner's closed rooms (none in these tests) plus the blocking rows."""
    blocking = external_closed(room_type=room_type, start=date(2026, 9, 1), end=date(2028, 9, 1))
    rows = RoomNight.objects.filter(room_type=room_type)
    assert {row.night: row.rooms_closed for row in rows if row.rooms_closed} == blocking


def test_only_the_rooms_left_are_closed_when_some_are_taken(room, feed_for):
    hold(room, check_in=SEP_8, check_out=SEP_9, payment=Booking.Payment.AT_HOMESTAY)
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9))))
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("x", SEP_8, SEP_9)), name="Tujia"))
    assert counters(room, SEP_8) == (1, 0, 1)
    assert [c.feed.name for c in conflicts_for_room_type(room_type=room)] == ["Tujia"]


def test_expired_hold_does_not_make_a_conflict(room_type, feed_for, clock):
    hold(room_type, check_in=SEP_8, check_out=SEP_9)
    clock.advance(minutes=20)
    calendar_feed_sync(feed=feed_for(room_type, vcalendar(vevent("a", SEP_8, SEP_9))))
    assert counters(room_type, SEP_8) == (0, 0, 1)
    assert conflicts_for_room_type(room_type=room_type) == []


def test_past_nights_and_nights_beyond_two_years_are_not_imported(room, feed_for):
    body = vcalendar(vevent("old", date(2026, 8, 1), date(2026, 8, 3)), vevent("far", date(2029, 1, 1)))
    feed = synced(feed=feed_for(room, body))
    assert feed.events == 2
    assert RoomNight.objects.filter(room_type=room).count() == 0


def test_failed_download_keeps_the_nights_already_closed(room, feed_for, feed_server):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9)))
    calendar_feed_sync(feed=feed)
    feed_server.serve("/feed-0.ics", "gone", status=500)
    feed = synced(feed=feed)
    assert feed.status == CalendarFeed.Status.FAILED
    assert "500" in feed.message
    assert closed(room, SEP_8) == [1]
    feed.refresh_from_db()
    assert feed.status == CalendarFeed.Status.FAILED
    assert feed.last_success_at is not None


def test_malformed_feed_fails_alone_and_the_others_still_sync(room, feed_for):
    bad = feed_for(room, "BEGIN:VCALENDAR\r\nnonsense\r\n")
    good = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9)), name="Booking.com")
    assert synced(feed=bad).status == CalendarFeed.Status.FAILED
    assert synced(feed=good).status == CalendarFeed.Status.OK
    assert closed(room, SEP_8) == [1]
    bad.refresh_from_db()
    assert "格式错误" in bad.message


def test_removing_a_feed_opens_its_nights(room, feed_for):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_10)))
    calendar_feed_sync(feed=feed)
    calendar_feed_remove(feed=feed)
    assert closed(room, SEP_8, SEP_9) == [0, 0]
    assert not CalendarFeed.objects.exists()
    assert not ExternalNight.objects.exists()


def test_removing_a_feed_keeps_the_owners_own_closed_rooms(room, feed_for):
    feed = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9)))
    calendar_feed_sync(feed=feed)
    calendar_close_rooms_by_owner(room_type=room, first_night=SEP_8, last_night=SEP_8, rooms_closed=1)
    calendar_feed_remove(feed=feed)
    assert closed(room, SEP_8) == [1]


def test_owner_closing_rooms_keeps_the_rooms_other_platforms_sold(room, feed_for):
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9))))
    calendar_close_rooms_by_owner(room_type=room, first_night=SEP_8, last_night=SEP_9, rooms_closed=1)
    assert closed(room, SEP_8, SEP_9) == [2, 1]
    calendar_close_rooms_by_owner(room_type=room, first_night=SEP_8, last_night=SEP_9, rooms_closed=0)
    assert closed(room, SEP_8, SEP_9) == [1, 0]
    assert external_closed(room_type=room, start=SEP_8, end=SEP_10) == {SEP_8: 1}


def test_owner_closing_more_than_is_free_changes_no_night(room, feed_for):
    """Night 8: one room sold elsewhere and one booked here; night 9 is free. Closing one room on both
    is refused for the 8th, and the 9th stays open too."""
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9))))
    hold(room, check_in=SEP_8, check_out=SEP_9, payment=Booking.Payment.AT_HOMESTAY)
    with pytest.raises(NightsUnavailable) as refused:
        calendar_close_rooms_by_owner(room_type=room, first_night=SEP_8, last_night=SEP_9, rooms_closed=1)
    assert refused.value.nights == [SEP_8]
    assert closed(room, SEP_8, SEP_9) == [1, 0]


def test_owner_cannot_close_a_negative_number_of_rooms_next_to_imports(room, feed_for):
    calendar_feed_sync(feed=feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9))))
    with pytest.raises(ValidationError):
        calendar_close_rooms_by_owner(room_type=room, first_night=SEP_8, last_night=SEP_8, rooms_closed=-1)
    assert closed(room, SEP_8) == [1]


def test_owner_range_longer_than_a_year_is_refused(room):
    with pytest.raises(ValidationError) as refused:
        calendar_close_rooms_by_owner(
            room_type=room, first_night=SEP_8, last_night=SEP_8 + timedelta(days=400), rooms_closed=1
        )
    assert refused.value.code == "too_long"


def test_feed_address_must_be_http(room):
    with pytest.raises(ValidationError) as refused:
        calendar_feed_add(room_type=room, name="Airbnb", url="ftp://example.com/cal.ics")
    assert refused.value.code == "url"


def test_same_feed_cannot_be_added_twice(room):
    calendar_feed_add(room_type=room, name="Airbnb", url="https://example.com/cal.ics")
    with pytest.raises(ValidationError) as refused:
        calendar_feed_add(room_type=room, name="Airbnb again", url=" https://example.com/cal.ics ")
    assert refused.value.code == "duplicate"


def test_own_export_cannot_be_imported_back(room):
    export = calendar_export_regenerate(room_type=room)
    with pytest.raises(ValidationError) as refused:
        calendar_feed_add(
            room_type=room, name="Loop", url=f"https://lishi.example/en/owner/ical/{export.token}.ics"
        )
    assert refused.value.code == "url"


def test_regenerating_the_export_changes_its_secret(room):
    first = calendar_export_regenerate(room_type=room).token
    second = calendar_export_regenerate(room_type=room).token
    assert first != second
    assert len(second) >= 40


def _silent(handler):
    time.sleep(1)


BROKEN = {
    "huge": ((200, {}, b"BEGIN:VCALENDAR\r\n" + b"X" * 3000), "太大"),
    "silent": (_silent, "秒内没有完成响应"),
    "missing": ((404, {}, b"not here"), "404"),
}


@pytest.mark.parametrize("broken", BROKEN)
def test_huge_slow_or_missing_feed_fails_alone_and_keeps_its_nights(
    room, feed_for, feed_server, settings, broken
):
    settings.ICAL_SYNC_MAX_BYTES = 2000
    settings.ICAL_SYNC_TIMEOUT_SECONDS = 0.3
    good = feed_for(room, vcalendar(vevent("a", SEP_8, SEP_9)))
    bad = feed_for(room, vcalendar(vevent("t", SEP_9)), name="Tujia")
    calendar_feed_sync(feed=good)
    calendar_feed_sync(feed=bad)
    route, message = BROKEN[broken]
    feed_server.routes["/feed-1.ics"] = route
    bad = synced(feed=bad)
    assert bad.status == CalendarFeed.Status.FAILED
    assert message in bad.message
    assert closed(room, SEP_8, SEP_9) == [1, 1]
    assert synced(feed=good).status == CalendarFeed.Status.OK
