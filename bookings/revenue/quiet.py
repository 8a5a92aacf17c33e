"""Sums by month of rows that change, kept between requests while the month is quiet.

The ledger and the booked nights never change a row, so ``bookings.revenue.tally`` keeps their sums
up to a mark. Bookings do change (a held booking is confirmed, a confirmed one cancelled, checked in,
completed), but every change saves the booking and with it ``updated_at`` (``Booking.save`` and
``BookingQuerySet.update`` make sure of it), its arrival and departure never change, and no booking is
ever deleted. So a month's sums over the bookings it holds stay true until one of those bookings is
saved again, and the bookings saved since a moment are few and found by the index on ``updated_at``.

The inventory rows are the same kind of thing: the dashboard's available room-nights depend on each
night's rooms for sale (``rooms_total``, ``rooms_closed``) and on which nights have a row, and every
row inserted and every change of those stamps ``RoomNight.capacity_changed_at`` (``RoomNightQuerySet``).
What is kept for a month is its correction per room type (the rooms for sale less the room count, over
the nights that have a row) beside the room count it was taken from; a room count changed since (which
updates only the nights from today on) has the month summed again.

A ``QuietMonths`` adds up whole months of one report (the dashboard's booking figures by arrival
month, the nights of unsold bookings and the inventory corrections by night) and keeps each month's
rows in the cache with an **as-of** time. A month is kept only while quiet (nothing of it changed
since ``SETTLE`` ago), and its as-of time is then ``SETTLE`` before its sums were read. A change not
yet committed when they were read was made by a transaction still open, which began less than
``SETTLE`` earlier (requests are cut at 30 s; the task worker's and commands' transactions are as short,
and a bulk import that holds one open longer calls ``tallies_forget`` when done), so its time is after
the as-of time, given writers' clocks that agree to well within ``SETTLE``. On every request
one query reads the changes since the oldest as-of time (for bookings: their arrival, departure and
time saved); a kept month changed after its as-of time is summed again, the others are used as kept.
When more than ``MOST_SAVED`` changed since, everything is read live and the kept months are dropped,
so the search starts afresh ten minutes back. A month found quiet more than
``ADVANCE`` after its as-of time has it moved forward, so that query stays short.

As in ``tally``: only whole months are kept (the partial months at a period's ends are read live);
calls inside a transaction read everything live; ``tallies_forget`` drops these too (its generation
is in every key); each kept month remembers the newest booking when it was summed, checked on every
use, so a database restored from an older backup is summed afresh.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from bookings.models import Booking, RoomNight
from bookings.revenue.periods import Period, month_after
from bookings.revenue.tally import CACHE_SECONDS, GENERATION, SETTLE, _pieces, _runs

ADVANCE = timedelta(hours=1)
MOST_SAVED = 5_000  # bookings saved since the oldest as-of time beyond which everything is read live
VERSION = 1  # change when what is kept changes meaning


Changes = Callable[[datetime], dict[date, datetime] | None]


@dataclass(frozen=True)
class QuietMonths:
    """A report by month. ``rows(period)`` runs its query for a period of whole months (or the parts
    of months at a period's ends), yielding ``(month, *rest)``. ``changes(since)`` answers each month's
    latest change since ``since`` (``bookings_saved``, ``capacity_changed``), or None when there are
    too many to read."""

    name: str
    rows: Callable[[Period], Iterable[tuple]]
    changes: Changes

    @property
    def cache_prefix(self) -> str:
        shape = f"{VERSION}|{self.name}"
        return f"quiet:{self.name}:{hashlib.sha1(shape.encode(), usedforsecurity=False).hexdigest()[:12]}"


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_after(month)
    return months


def _latest(changes: Iterable[tuple[list[date], datetime]]) -> dict[date, datetime]:
    latest: dict[date, datetime] = {}
    for months, at in changes:
        for month in months:
            if month not in latest or latest[month] < at:
                latest[month] = at
    return latest


def bookings_saved(*, spans: bool) -> Changes:
    """Changes are bookings saved: each touches its arrival month, or with ``spans`` every month of
    its nights."""

    def changes(since: datetime) -> dict[date, datetime] | None:
        query = Booking.objects.filter(updated_at__gte=since).values_list(
            "check_in", "check_out", "updated_at"
        )
        saved = list(query.order_by()[: MOST_SAVED + 1])
        if len(saved) > MOST_SAVED:
            return None
        return _latest(
            (_months(check_in, check_out - timedelta(days=1) if spans else check_in), updated_at)
            for check_in, check_out, updated_at in saved
        )

    return changes


def capacity_changed(since: datetime) -> dict[date, datetime] | None:
    """Changes are nights whose rooms for sale changed (``RoomNight.capacity_changed_at``)."""
    query = RoomNight.objects.filter(capacity_changed_at__gte=since).values_list(
        "night", "capacity_changed_at"
    )
    changed = list(query.order_by()[: MOST_SAVED + 1])
    if len(changed) > MOST_SAVED:
        return None
    return _latest(([night.replace(day=1)], at) for night, at in changed if at is not None)


def _newest_booking() -> tuple | None:
    return Booking.objects.order_by("-pk").values_list("pk", "reference").first()


def quiet_months(
    spec: QuietMonths,
    period: Period,
    *,
    still_true: Callable[[list[tuple]], bool] | None = None,
    now: datetime | None = None,
) -> list[tuple]:
    """The report's rows for the period, ``(month, *rest)``: whole months kept while quiet, the rest
    read live. ``still_true(rows)``: whether a kept month's rows (without the month) still hold for
    what the caller knows has changed (the room counts, for the inventory)."""
    whole, partial = _pieces(period)
    if connection.in_atomic_block or not whole:
        return list(spec.rows(period))
    cutoff = (now or timezone.now()) - SETTLE
    generation = cache.get(GENERATION, 0)
    cache_keys = {month: f"{spec.cache_prefix}:{generation}:{month.isoformat()}" for month in whole}
    kept = _restored_dropped(cache.get_many(cache_keys.values()))
    since = min([cutoff, *(entry["as_of"] for entry in kept.values())])
    saved = spec.changes(since)
    if saved is None:  # too many changes to read: everything live, and the search starts afresh
        cache.delete_many(cache_keys.values())
        return list(spec.rows(period))
    parts = [row for piece in partial for row in spec.rows(piece)]
    missing, store, stale = [], {}, []
    for month, cache_key in cache_keys.items():
        entry = kept.get(cache_key)
        if entry is not None and (
            (month in saved and saved[month] >= entry["as_of"])  # changed since its sums were read
            or (still_true is not None and not still_true(entry["rows"]))
        ):
            entry = None
            stale.append(cache_key)
        if entry is None:
            missing.append(month)
            continue
        parts += [(month, *rest) for rest in entry["rows"]]
        if _quiet(month, saved, cutoff) and cutoff - entry["as_of"] > ADVANCE:
            store[cache_key] = {**entry, "as_of": cutoff}  # still true now: nothing changed since
    for run in _runs(missing):
        months: dict[date, list[tuple]] = {month: [] for month in run.months()}
        for month, *rest in spec.rows(run):
            months[month].append(tuple(rest))
        for month, rows in months.items():
            parts += [(month, *rest) for rest in rows]
            if _quiet(month, saved, cutoff):
                store[cache_keys[month]] = {"as_of": cutoff, "rows": rows}
    if fresh := [entry for entry in store.values() if "anchor" not in entry]:
        anchor = _newest_booking()  # read only when a month is summed to be kept: a warm request skips it
        for entry in fresh:
            entry["anchor"] = anchor
    if store:
        cache.set_many(store, CACHE_SECONDS)
    if stale := [key for key in stale if key not in store]:
        cache.delete_many(stale)  # so that its old as-of time no longer widens the search for changes
    return parts


def _quiet(month: date, saved: dict[date, datetime], cutoff: datetime) -> bool:
    """Nothing of the month changed since ``SETTLE`` ago."""
    return month not in saved or saved[month] < cutoff


def _restored_dropped(kept: dict[str, dict]) -> dict[str, dict]:
    """The kept months whose newest booking, when they were summed, is still that booking (not so in
    a database restored from an older backup)."""
    anchors = {entry["anchor"][0] for entry in kept.values() if entry["anchor"] is not None}
    found = dict(Booking.objects.filter(pk__in=anchors).values_list("pk", "reference")) if anchors else {}
    return {
        key: entry
        for key, entry in kept.items()
        if entry["anchor"] is None or found.get(entry["anchor"][0]) == entry["anchor"][1]
    }
