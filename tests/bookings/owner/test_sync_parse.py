import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.sync.fetch import FeedError
from bookings.sync.parse import FeedEvent, FeedRead, feed_events, taken_nights
from tests.bookings.owner.ical import vcalendar, vevent

WINDOW = {"first": date(2026, 9, 1), "end": date(2027, 9, 1)}


def read(body: str | bytes) -> FeedRead:
    return feed_events(body.encode() if isinstance(body, str) else body, **WINDOW)


def nights(body: str) -> set[tuple[str, date]]:
    return taken_nights(read(body).events, **WINDOW)


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


def test_event_without_uid_is_known_by_its_content_and_keeps_that_identity():
    body = vcalendar(vevent(None, date(2026, 9, 8), date(2026, 9, 9)))
    (event,) = read(body).events
    assert event.uid.startswith("no-uid-") and event.uid.endswith("-0")
    assert (event.start, event.end) == (date(2026, 9, 8), date(2026, 9, 9))
    restamped = body.replace("DTSTAMP:20260801T000000Z", "DTSTAMP:20260905T120000Z")
    assert read(restamped).events == [event], "a new download time is the same event"


def test_byte_order_mark_and_blank_lines_before_the_calendar_are_accepted():
    body = "\ufeff\r\n" + vcalendar(vevent("a", date(2026, 9, 8), date(2026, 9, 9)))
    assert nights(body) == {("a", date(2026, 9, 8))}


def test_two_events_without_uid_on_the_same_nights_are_two_stays():
    """Two rooms sold elsewhere for the same nights: two identical events, each its own identity."""
    body = vcalendar(*[vevent(None, date(2026, 9, 8), date(2026, 9, 10))] * 2)
    first, second = read(body).events
    assert first.uid != second.uid
    assert len(nights(body)) == 4
    assert read(body).events == [first, second], "the same feed read again gives the same identities"


def test_events_sharing_a_uid_are_each_a_stay():
    body = vcalendar(
        vevent("same@vrbo", date(2026, 9, 8), date(2026, 9, 10)),
        vevent("same@vrbo", date(2026, 9, 9), date(2026, 9, 11)),
    )
    events = read(body).events
    assert len({event.uid for event in events}) == 2
    assert all(event.uid.startswith("same@vrbo#") for event in events)
    assert sorted(night for _uid, night in nights(body)) == [
        date(2026, 9, 8),
        date(2026, 9, 9),
        date(2026, 9, 9),
        date(2026, 9, 10),
    ]


def test_very_long_uid_fits_the_column_and_stays_distinct():
    long_a, long_b = "a" * 300, "a" * 299 + "b"
    body = vcalendar(vevent(long_a, date(2026, 9, 8)), vevent(long_b, date(2026, 9, 9)))
    uids = {event.uid for event in read(body).events}
    assert len(uids) == 2 and all(len(uid) <= 255 for uid in uids)


def test_empty_calendar_has_no_events():
    assert read(vcalendar()) == FeedRead()


def test_an_html_page_is_not_a_calendar():
    with pytest.raises(FeedError) as error:
        read(b"<!doctype html><html><body>Please sign in</body></html>")
    assert "不是日历" in error.value.message


def test_malformed_calendar_is_refused():
    with pytest.raises(FeedError) as error:
        read(b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nBEGIN:VEVENT\r\n")
    assert "格式错误" in error.value.message


def test_event_ending_before_it_starts_is_reported_and_the_rest_read():
    body = vcalendar(
        vevent("backwards@other", date(2026, 9, 10), date(2026, 9, 8)), vevent("fine", date(2026, 9, 12))
    )
    result = read(body)
    assert [(bad.uid, bad.label) for bad in result.bad] == [("backwards@other", "backwards@other")]
    assert result.events == [FeedEvent(uid="fine", start=date(2026, 9, 12), end=date(2026, 9, 13))]


def test_event_with_unreadable_dates_is_reported():
    result = read(vcalendar(vevent("broken", "not-a-date", "20260910")))
    assert [bad.uid for bad in result.bad] == ["broken"] and result.events == []


def test_event_without_a_start_is_reported_by_uid_or_by_place():
    body = vcalendar(
        "BEGIN:VEVENT\r\nUID:nostart\r\nDTSTAMP:20260801T000000Z\r\nEND:VEVENT",
        "BEGIN:VEVENT\r\nDTSTAMP:20260801T000000Z\r\nSUMMARY:Blocked\r\nEND:VEVENT",
    )
    assert [bad.label for bad in read(body).bad] == ["nostart", "#2"]


def test_weekly_event_is_expanded_with_its_exception_and_its_override():
    """Weekly on Tuesday nights from 8 September, four times; the 15th is taken out (EXDATE) and the 22nd
    moved to two nights from the 23rd (RECURRENCE-ID)."""
    moved = vevent(
        "weekly@google", date(2026, 9, 23), date(2026, 9, 25), **{"recurrence-id;value=date": "20260922"}
    )
    body = vcalendar(
        vevent(
            "weekly@google",
            date(2026, 9, 8),
            date(2026, 9, 9),
            rrule="FREQ=WEEKLY;COUNT=4",
            **{"exdate;value=date": "20260915"},
        ),
        moved,
    )
    assert sorted(nights(body)) == [
        ("weekly@google/20260908", date(2026, 9, 8)),
        ("weekly@google/20260922", date(2026, 9, 23)),
        ("weekly@google/20260922", date(2026, 9, 24)),
        ("weekly@google/20260929", date(2026, 9, 29)),
    ]


def test_endless_repeat_is_expanded_within_the_window_only():
    body = vcalendar(vevent("daily", date(2020, 1, 1), date(2020, 1, 2), rrule="FREQ=DAILY"))
    taken = nights(body)
    assert len(taken) == (WINDOW["end"] - WINDOW["first"]).days
    assert min(night for _uid, night in taken) == WINDOW["first"]


def test_cancelled_occurrence_of_a_series_blocks_nothing():
    body = vcalendar(
        vevent("w", date(2026, 9, 8), date(2026, 9, 9), rrule="FREQ=WEEKLY;COUNT=2"),
        vevent(
            "w",
            date(2026, 9, 15),
            date(2026, 9, 16),
            status="CANCELLED",
            **{"recurrence-id;value=date": "20260915"},
        ),
    )
    assert nights(body) == {("w/20260908", date(2026, 9, 8))}


def test_repeating_event_without_uid_is_expanded_with_a_stable_identity():
    body = vcalendar(vevent(None, date(2026, 9, 8), date(2026, 9, 9), rrule="FREQ=WEEKLY;COUNT=2"))
    taken = sorted(nights(body))
    assert [night for _uid, night in taken] == [date(2026, 9, 8), date(2026, 9, 15)]
    assert all(uid.startswith("no-uid-") for uid, _night in taken)
    assert sorted(nights(body)) == taken


def test_broken_repeat_rule_is_one_bad_event_and_the_rest_is_read():
    body = vcalendar(
        vevent("bad-rule", date(2026, 9, 8), date(2026, 9, 9), rrule="FREQ=SOMETIMES"),
        vevent("stay", date(2026, 9, 10), date(2026, 9, 12)),
    )
    result = read(body)
    assert [bad.uid for bad in result.bad] == ["bad-rule"]
    assert [event.uid for event in result.events] == ["stay"]


def test_too_many_events_are_refused(settings):
    settings.ICAL_SYNC_MAX_EVENTS = 3
    body = vcalendar(*(vevent(f"e{n}", date(2026, 9, 8)) for n in range(4)))
    with pytest.raises(FeedError) as error:
        read(body)
    assert "太多" in error.value.message


def test_too_many_occurrences_are_refused(settings):
    settings.ICAL_SYNC_MAX_OCCURRENCES = 50
    body = vcalendar(vevent("daily", date(2026, 9, 1), rrule="FREQ=DAILY"))
    with pytest.raises(FeedError) as error:
        read(body)
    assert "太多" in error.value.message


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=MINUTELY;COUNT=5", "FREQ=DAILY;BYHOUR=1,2,3"])
def test_event_repeating_within_a_day_is_reported_not_expanded(rule):
    body = vcalendar(vevent("often", "20260901T000000Z", "20260901T003000Z", rrule=rule))
    assert [bad.uid for bad in read(body).bad] == ["often"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_either_parse_or_fail_with_a_feed_error(body):
    with contextlib.suppress(FeedError):
        read(b"BEGIN:VCALENDAR\r\n" + body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("BEGIN:VEVENTDSTARUID;=0123456789\r\n"), max_size=300))
def test_calendar_like_text_either_parses_or_fails_with_a_feed_error(body):
    with contextlib.suppress(FeedError):
        read("BEGIN:VCALENDAR\r\n" + body + "\r\nEND:VCALENDAR\r\n")


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("FREQ=DAILYWEEKMONTHCOUNTBYDAYINTERVAL;,0123456789-+MOTUSA"), max_size=60
    )
)
def test_any_repeat_rule_is_read_or_reported_never_an_error(rule):
    body = vcalendar(
        vevent("r", date(2026, 9, 8), date(2026, 9, 9), rrule=rule), vevent("s", date(2026, 9, 20))
    )
    result = read(body)
    assert FeedEvent(uid="s", start=date(2026, 9, 20), end=date(2026, 9, 21)) in result.events
