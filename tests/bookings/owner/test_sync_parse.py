import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.sync.fetch import FeedError
from bookings.sync.parse import FeedEvent, feed_events, taken_nights
from tests.bookings.owner.ical import vcalendar, vevent

WINDOW = {"first": date(2026, 9, 1), "end": date(2027, 9, 1)}


def nights(body: str) -> set[tuple[str, date]]:
    return taken_nights(feed_events(body.encode()), **WINDOW)


def test_all_day_event_does_not_block_the_check_out_day():
    """DTEND of an all-day event is exclusive: a stay 8-10 September is the nights of the 8th and 9th."""
    body = vcalendar(vevent("a", date(2026, 9, 8), date(2026, 9, 10)))
    assert nights(body) == {("a", date(2026, 9, 8)), ("a", date(2026, 9, 9))}


def test_all_day_event_without_an_end_is_one_night():
    assert nights(vcalendar(vevent("a", date(2026, 9, 8)))) == {("a", date(2026, 9, 8))}


def test_all_day_event_ending_the_day_it_starts_is_one_night():
    body = vcalendar(vevent("a", date(2026, 9, 8), date(2026, 9, 8)))
    assert nights(body) == {("a", date(2026, 9, 8))}


def test_duration_in_days_gives_the_nights():
    body = vcalendar(vevent("a", date(2026, 9, 8), None, duration="P3D"))
    assert {night for _uid, night in nights(body)} == {date(2026, 9, 8), date(2026, 9, 9), date(2026, 9, 10)}


def test_timed_event_counts_nights_in_beijing_time():
    """17:00 UTC on the 7th is 01:00 on the 8th in Beijing: the stay starts on the night of the 8th."""
    body = vcalendar(vevent("a", "20260907T170000Z", "20260910T030000Z"))
    assert {night for _uid, night in nights(body)} == {date(2026, 9, 8), date(2026, 9, 9)}


def test_timed_event_within_one_day_blocks_no_night():
    body = vcalendar(vevent("a", "20260908T100000Z", "20260908T120000Z"))
    assert nights(body) == set()


def test_cancelled_and_free_time_events_block_nothing():
    body = vcalendar(
        vevent("gone", date(2026, 9, 8), date(2026, 9, 9), status="CANCELLED"),
        vevent("free", date(2026, 9, 8), date(2026, 9, 9), transp="TRANSPARENT"),
    )
    assert nights(body) == set()


def test_nights_outside_the_window_are_left_out():
    body = vcalendar(vevent("long", date(2020, 1, 1), date(2099, 1, 1)))
    taken = nights(body)
    assert len(taken) == (WINDOW["end"] - WINDOW["first"]).days
    assert min(night for _uid, night in taken) == WINDOW["first"]


def test_event_without_uid_is_known_by_its_dates():
    body = vcalendar(vevent(None, date(2026, 9, 8), date(2026, 9, 9)))
    assert feed_events(body.encode()) == [
        FeedEvent(uid="no-uid-20260908-20260909", start=date(2026, 9, 8), end=date(2026, 9, 9))
    ]


def test_byte_order_mark_and_blank_lines_before_the_calendar_are_accepted():
    body = "\ufeff\r\n" + vcalendar(vevent("a", date(2026, 9, 8), date(2026, 9, 9)))
    assert nights(body) == {("a", date(2026, 9, 8))}


def test_empty_calendar_has_no_events():
    assert feed_events(vcalendar().encode()) == []


def test_an_html_page_is_not_a_calendar():
    with pytest.raises(FeedError) as error:
        feed_events(b"<!doctype html><html><body>Please sign in</body></html>")
    assert "不是日历" in error.value.message


def test_malformed_calendar_is_refused():
    with pytest.raises(FeedError) as error:
        feed_events(b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nBEGIN:VEVENT\r\n")
    assert "格式错误" in error.value.message


def test_event_ending_before_it_starts_is_refused_naming_it():
    body = vcalendar(vevent("backwards@other", date(2026, 9, 10), date(2026, 9, 8)))
    with pytest.raises(FeedError) as error:
        feed_events(body.encode())
    assert "backwards@other" in error.value.message


def test_event_with_unreadable_dates_is_refused():
    body = vcalendar(vevent("broken", "not-a-date", "20260910"))
    with pytest.raises(FeedError):
        feed_events(body.encode())


def test_event_without_a_start_is_refused():
    body = vcalendar("BEGIN:VEVENT\r\nUID:nostart\r\nDTSTAMP:20260801T000000Z\r\nEND:VEVENT")
    with pytest.raises(FeedError) as error:
        feed_events(body.encode())
    assert "nostart" in error.value.message


def test_repeating_events_are_refused_rather_than_guessed():
    body = vcalendar(vevent("weekly", date(2026, 9, 8), date(2026, 9, 9), rrule="FREQ=WEEKLY;COUNT=4"))
    with pytest.raises(FeedError) as error:
        feed_events(body.encode())
    assert "重复" in error.value.message


def test_too_many_events_are_refused(settings):
    settings.ICAL_SYNC_MAX_EVENTS = 3
    body = vcalendar(*(vevent(f"e{n}", date(2026, 9, 8)) for n in range(4)))
    with pytest.raises(FeedError) as error:
        feed_events(body.encode())
    assert "太多" in error.value.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_either_parse_or_fail_with_a_feed_error(body):
    with contextlib.suppress(FeedError):
        feed_events(b"BEGIN:VCALENDAR\r\n" + body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("BEGIN:VEVENTDSTARUID;=0123456789\r\n"), max_size=300))
def test_calendar_like_text_either_parses_or_fails_with_a_feed_error(body):
    with contextlib.suppress(FeedError):
        feed_events(("BEGIN:VCALENDAR\r\n" + body + "\r\nEND:VCALENDAR\r\n").encode())
