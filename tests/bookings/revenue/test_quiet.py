"""Booking sums kept while a month is quiet (``bookings.revenue.quiet``): the dashboard's booking
figures and unsold nights come out the same as summed afresh, whatever happens to a booking after its
month was kept.

These tests commit (``transaction=True``): inside a transaction nothing is kept, by design. The clock
is the bookings tests' frozen one (1 September 2026, 10:00 Beijing), moved on so that bookings settle."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.calendar import calendar_close_rooms, room_type_set_room_count
from bookings.revenue import quiet as quiet_module
from bookings.revenue.periods import Period
from bookings.revenue.selectors import dashboard
from bookings.revenue.tally import tallies_forget
from tests import factories
from tests.bookings.revenue.helpers import cancel, paid_online, rule

pytestmark = pytest.mark.django_db(transaction=True)

OCTOBER_NOVEMBER = Period(date(2026, 10, 1), date(2026, 11, 30))


def _kept(name: str) -> dict[str, dict]:
    keys = [key.split(":", 2)[-1] for key in cache._cache if f"quiet:{name}:" in key]  # type: ignore[attr-defined]
    return cache.get_many(keys)


def _kept_months(name: str = "dashboard-bookings") -> list[str]:
    return sorted(key.rsplit(":", 1)[-1] for key in _kept(name))


def _fresh(period=OCTOBER_NOVEMBER):
    with transaction.atomic():  # nothing kept or read inside a transaction
        return dashboard(period=period).total


@pytest.fixture
def room_type(db):
    room_type = factories.room_type(room_count=3)
    rule(room_type.homestay.village, "0.10", "0.05")
    return room_type


def test_kept_months_give_the_same_figures_and_see_every_booking_saved_after(room_type, clock):
    first = paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    paid_online(room_type, check_in=date(2026, 11, 10), check_out=date(2026, 11, 11))
    clock.advance(minutes=20)
    before = dashboard(period=OCTOBER_NOVEMBER).total
    assert before == _fresh()
    assert _kept_months() == _kept_months("dashboard-unsold-nights") == ["2026-10-01", "2026-11-01"]
    assert (before.bookings, before.cancelled, before.room_nights) == (2, 0, 3)
    cancel(first)  # October's kept sums are now out of date: its booking was saved since
    paid_online(room_type, check_in=date(2026, 11, 20), check_out=date(2026, 11, 22))
    after = dashboard(period=OCTOBER_NOVEMBER).total
    assert after == _fresh()
    assert (after.bookings, after.cancelled, after.room_nights) == (2, 1, 3)


def test_a_quiet_month_is_not_summed_again(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    with CaptureQueriesContext(connection) as queries:
        again = dashboard(period=OCTOBER_NOVEMBER).total
    booking_sums = [q["sql"] for q in queries if "GROUP BY" in q["sql"] and '"bookings_booking"' in q["sql"]]
    assert booking_sums == []  # neither the bookings' figures nor the unsold nights were summed again
    assert again == _fresh()


def test_a_month_with_a_booking_saved_in_the_last_minutes_is_read_live(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    paid_online(room_type, check_in=date(2026, 11, 10), check_out=date(2026, 11, 11))  # just now
    assert dashboard(period=OCTOBER_NOVEMBER).total == _fresh()
    assert _kept_months() == ["2026-10-01"]
    clock.advance(minutes=11)
    dashboard(period=OCTOBER_NOVEMBER)
    assert _kept_months() == ["2026-10-01", "2026-11-01"]


def test_a_booking_committed_after_its_month_was_summed_is_seen(room_type, clock):
    """A transaction that saved a booking before the month was summed but committed after: its time
    saved is after the kept month's as-of time (``SETTLE`` before the sums were read)."""
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    started = clock.now + timedelta(minutes=15)
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    assert _kept_months() == ["2026-10-01", "2026-11-01"]
    clock.now = started  # the late transaction's own time, 5 minutes before the sums were read
    paid_online(room_type, check_in=date(2026, 10, 20), check_out=date(2026, 10, 21))
    clock.advance(minutes=5)
    assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 2 == _fresh().bookings


def test_a_stay_across_two_months_is_taken_off_both_when_cancelled(room_type, clock):
    across = paid_online(room_type, check_in=date(2026, 10, 30), check_out=date(2026, 11, 2))
    clock.advance(minutes=20)
    assert dashboard(period=OCTOBER_NOVEMBER).total.room_nights == 3
    cancel(across)
    figures = dashboard(period=OCTOBER_NOVEMBER)
    assert figures.total.room_nights == 0 == _fresh().room_nights
    assert [row.figures.room_nights for row in figures.months] == [0, 0]


def test_a_kept_month_checked_quiet_long_after_is_moved_forward(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    as_of = {key: entry["as_of"] for key, entry in _kept("dashboard-bookings").items()}
    clock.advance(hours=2)
    dashboard(period=OCTOBER_NOVEMBER)
    moved = {key: entry["as_of"] for key, entry in _kept("dashboard-bookings").items()}
    assert moved.keys() == as_of.keys()
    assert all(moved[key] - as_of[key] == timedelta(hours=2) for key in as_of)


def test_an_out_of_date_month_is_dropped_while_its_bookings_are_busy(room_type, clock):
    """So that its old as-of time does not make every request read the bookings saved since."""
    booking = paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    cancel(booking)
    dashboard(period=OCTOBER_NOVEMBER)
    assert _kept_months() == ["2026-11-01"]


def test_a_month_kept_from_another_database_is_summed_afresh(room_type, clock):
    """A backup restored: the newest booking when the month was summed is not that booking any more."""
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    for key, entry in _kept("dashboard-bookings").items():
        entry["anchor"] = (entry["anchor"][0], "LS-ANOTHER-DATABASE")
        entry["rows"] = [(homestay, 999, 999, 999, *rest) for homestay, _b, _c, _x, *rest in entry["rows"]]
        cache.set(key, entry)
    assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 1


def test_forgotten_sums_are_summed_afresh(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    tallies_forget()
    with CaptureQueriesContext(connection) as queries:
        assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 1
    assert any("GROUP BY" in q["sql"] and '"bookings_booking"' in q["sql"] for q in queries)


def test_nothing_is_kept_inside_a_transaction(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    with transaction.atomic():
        assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 1
    assert _kept_months() == []


def test_partial_months_at_the_ends_are_read_live(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    period = Period(date(2026, 10, 3), date(2026, 11, 30))
    assert dashboard(period=period).total.bookings == 1
    assert _kept_months() == ["2026-11-01"]


def test_a_booking_saved_touches_its_arrival_month_or_every_month_of_its_nights(room_type, clock):
    since = clock.now
    paid_online(room_type, check_in=date(2027, 1, 31), check_out=date(2027, 3, 2))  # 30 nights
    saved = timezone.now()
    assert quiet_module.bookings_saved(spans=False)(since) == {date(2027, 1, 1): saved}
    assert quiet_module.bookings_saved(spans=True)(since) == dict.fromkeys(
        [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)], saved
    )
    paid_online(room_type, check_in=date(2027, 4, 29), check_out=date(2027, 5, 1))  # leaves on the 1st
    touched = quiet_module.bookings_saved(spans=True)(since)
    assert touched is not None
    assert date(2027, 4, 1) in touched
    assert date(2027, 5, 1) not in touched


# --- the available room-nights -------------------------------------------------------------------


def test_rooms_closed_in_a_kept_month_are_seen(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    before = dashboard(period=OCTOBER_NOVEMBER).total.available
    assert _kept_months("dashboard-inventory") == ["2026-10-01", "2026-11-01"]
    calendar_close_rooms(
        room_type=room_type, first_night=date(2026, 11, 3), last_night=date(2026, 11, 4), rooms_closed=2
    )
    after = dashboard(period=OCTOBER_NOVEMBER).total
    assert after.available == before - 4 == _fresh().available
    assert _kept_months("dashboard-inventory") == ["2026-10-01"]  # November: changed just now


def test_a_room_count_changed_after_a_month_was_kept_is_seen(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    assert dashboard(period=OCTOBER_NOVEMBER).total.available == 3 * 61
    clock.set("2026-10-16 12:00")  # 5 rooms from today on; the nights with a row before keep their 3
    room_type_set_room_count(room_type=room_type, room_count=5)
    clock.advance(minutes=20)
    assert dashboard(period=OCTOBER_NOVEMBER).total.available == 5 * 61 - 2 * 2 == _fresh().available


def test_nights_added_by_bookings_have_their_month_summed_again(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    calendar_close_rooms(
        room_type=room_type, first_night=date(2026, 11, 3), last_night=date(2026, 11, 3), rooms_closed=1
    )
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    paid_online(room_type, check_in=date(2026, 11, 2), check_out=date(2026, 11, 6))  # new inventory rows
    paid_online(room_type, check_in=date(2026, 10, 20), check_out=date(2026, 10, 22))
    assert dashboard(period=OCTOBER_NOVEMBER).total == _fresh()
    assert _kept_months("dashboard-inventory") == []  # both months' new rows were stamped just now
    clock.advance(minutes=20)
    assert dashboard(period=OCTOBER_NOVEMBER).total == _fresh()
    assert _kept_months("dashboard-inventory") == ["2026-10-01", "2026-11-01"]


def test_when_many_bookings_were_saved_lately_everything_is_read_live(room_type, clock, monkeypatch):
    """An import or a demo year saves thousands at once: reading them all would cost more than the sums."""
    monkeypatch.setattr(quiet_module, "MOST_SAVED", 1)
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    paid_online(room_type, check_in=date(2026, 11, 5), check_out=date(2026, 11, 7))
    assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 2
    assert _kept_months() == []
    clock.advance(minutes=20)  # settled: the search for saves starts ten minutes ago and finds none
    assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 2
    assert _kept_months() == ["2026-10-01", "2026-11-01"]


def test_a_month_kept_before_its_nights_had_rows_is_summed_again_after_a_room_count_change(room_type, clock):
    """The month was kept with no inventory rows; a booking then adds rows (stamped), and the room count
    changes once those nights are past (their rows keep the old count)."""
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    assert "2026-10-01" in _kept_months("dashboard-inventory")
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)  # October summed again: its new rows were stamped
    clock.set("2026-10-16 12:00")
    room_type_set_room_count(room_type=room_type, room_count=5)
    clock.advance(minutes=20)
    assert dashboard(period=OCTOBER_NOVEMBER).total.available == 5 * 61 - 2 * 2 == _fresh().available


def test_a_change_long_before_the_next_request_is_still_seen(room_type, clock):
    """The search for changes starts at the oldest kept as-of time, not ten minutes back."""
    booking = paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    clock.advance(minutes=1)
    cancel(booking)
    clock.advance(hours=3)  # the next request comes long after: the cancellation is older than SETTLE
    assert dashboard(period=OCTOBER_NOVEMBER).total.cancelled == 1 == _fresh().cancelled


def test_a_change_at_the_very_as_of_time_counts_as_a_change(room_type, clock):
    booking = paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    (as_of,) = {entry["as_of"] for entry in _kept("dashboard-bookings").values()}
    clock.now = as_of  # a transaction that saved exactly then
    cancel(booking)
    clock.advance(minutes=30)
    assert dashboard(period=OCTOBER_NOVEMBER).total.cancelled == 1


def test_a_month_that_changed_is_not_moved_forward(room_type, clock):
    booking = paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    clock.advance(hours=2)
    cancel(booking)
    dashboard(period=OCTOBER_NOVEMBER)
    assert _kept_months() == ["2026-11-01"]  # October dropped, not moved forward past its change


def test_too_many_changes_drop_the_kept_months_so_the_search_starts_afresh(room_type, clock, monkeypatch):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    assert _kept_months() == ["2026-10-01", "2026-11-01"]
    monkeypatch.setattr(quiet_module, "MOST_SAVED", 1)
    paid_online(room_type, check_in=date(2026, 11, 5), check_out=date(2026, 11, 7))
    paid_online(room_type, check_in=date(2026, 11, 15), check_out=date(2026, 11, 17))
    assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 3
    assert _kept_months() == []
    clock.advance(minutes=20)  # settled: the search starts ten minutes back and finds nothing
    assert dashboard(period=OCTOBER_NOVEMBER).total.bookings == 3
    assert _kept_months() == ["2026-10-01", "2026-11-01"]


def test_a_quiet_month_reads_no_inventory_rows_again(room_type, clock):
    paid_online(room_type, check_in=date(2026, 10, 5), check_out=date(2026, 10, 7))
    clock.advance(minutes=20)
    dashboard(period=OCTOBER_NOVEMBER)
    with CaptureQueriesContext(connection) as queries:
        dashboard(period=OCTOBER_NOVEMBER)
    assert not [q for q in queries if "GROUP BY" in q["sql"] and '"bookings_roomnight"' in q["sql"]]
