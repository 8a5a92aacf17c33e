"""Sums of rows that are written once, kept between requests: exact because the rows never change.

The dashboard adds up hundreds of thousands of rows for a long period: the ledger's entries (the lodging
money of ``selectors``, the shop's and tickets' sales of ``sectors``) and the booked nights. Neither ever
changes a row once it is written (DESIGN invariant 6 for the ledger; ``BookingNight`` likewise: the
models refuse, and on PostgreSQL triggers refuse any client), so a sum of the rows up to a given one
stays true for ever. A ``Tally`` adds a whole month's rows up to a **mark** once, keeps those sums in
the cache, and on every later request adds only the rows written after the mark, read live. The report
is still computed from the rows alone, every time exact to the fen: what the cache holds is a partial
sum of rows that cannot change, never a stored total that writes would have to keep up to date.

The mark is the last row written more than ``SETTLE`` ago. Ids grow as rows are written, so every
smaller id was taken by a transaction that began earlier; an application transaction lasts seconds
(requests are cut at 30 s), so by then it has committed or rolled back and no row at or below the mark
can still appear. (On SQLite, which writes one transaction at a time, this holds at once.) A command
that writes rows dated in the past inside one long transaction (``bookings.demo_activity``) calls
``tallies_forget`` when it is done, as should whoever restores a database. Each cached month also
remembers its mark's id and fingerprint, checked on every use: a database restored from a backup or
rolled back, whose ids now name other rows, is summed afresh.

Only whole months are kept; the partial months at a period's ends are read live, as are the rows
after the marks. A month whose mark falls more than ``REFRESH_AFTER`` ids behind is summed again up to
the current mark, so what is read live stays small. Calls inside a transaction (a command, a test)
read every month live: below the mark there could be the transaction's own rows, not yet committed, if
it has been open longer than ``SETTLE`` (or its clock was moved, as tests do).
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import Expression, Q, Value
from django.utils import timezone

from bookings.ledger import LedgerEntry
from bookings.revenue.periods import Period, month_after, month_period

SETTLE = timedelta(minutes=10)
REFRESH_AFTER = 20_000  # entries written since a month's mark before it is summed again
CACHE_SECONDS = 7 * 24 * 3600
LAST_ROWS = 200  # newest rows looked at for the mark before searching by time
VERSION = 1  # change when what a tally adds up changes meaning
GENERATION = "tally:generation"  # raised by ``tallies_forget``: every kept sum is then summed afresh


@dataclass(frozen=True)
class Tally:
    """What one report adds up, from a table whose rows are only ever inserted (``model``).

    ``rows(period, up_to)`` runs the report's own indexed query for a period, rows up to id ``up_to``
    (all when None), yielding ``(month, *keys, *values)``; with ``per_month`` it is given one month (or
    part of one) at a time and leaves the month out, for an index that groups by day more cheaply than
    by month. For the rows after the marks, read one by one: ``condition`` selects the same rows,
    ``day`` names the date they count on, ``keys`` the fields they are grouped by and ``values`` what
    each row adds. ``written`` is the time a row was written (a field or a relation's), ``fingerprint``
    the fields that tell a mark's row from another that took its id."""

    name: str
    model: type[models.Model]
    condition: Q
    day: str
    keys: tuple[str, ...]
    values: tuple[str | Expression, ...]
    rows: Callable[[Period, int | None], Iterable[tuple]]
    written: str
    fingerprint: tuple[str, ...]
    per_month: bool = False

    @property
    def cache_prefix(self) -> str:
        shape = f"{VERSION}|{self.model._meta.label}|{self.condition}|{self.day}|{self.keys}|{self.values}"
        return f"tally:{self.name}:{hashlib.sha1(shape.encode(), usedforsecurity=False).hexdigest()[:12]}"


def ledger_tally(
    name: str,
    *,
    condition: Q,
    day: str,
    keys: tuple[str, ...],
    rows: Callable[[Period, int | None], Iterable[tuple]],
    per_month: bool = False,
) -> Tally:
    """A tally of ledger entries: each adds its amount, and counts once."""
    return Tally(
        name,
        model=LedgerEntry,
        condition=condition,
        day=day,
        keys=keys,
        values=("amount", Value(1)),
        rows=rows,
        written="created_at",
        fingerprint=("idempotency_key", "created_at"),
        per_month=per_month,
    )


@dataclass(frozen=True)
class Mark:
    id: int
    fingerprint: tuple


def settled_mark(spec: Tally, now: datetime | None = None) -> Mark | None:
    """The last row written more than ``SETTLE`` ago (None while there is none). The last rows are
    read newest first by their primary key: only when all of those are younger is the time searched."""
    cutoff = (now or timezone.now()) - SETTLE
    newest = spec.model._default_manager.order_by("-pk").values_list("pk", spec.written, *spec.fingerprint)
    for pk, written, *fingerprint in newest[:LAST_ROWS]:
        if written <= cutoff:
            return Mark(pk, tuple(fingerprint))
    row = newest.filter(**{f"{spec.written}__lte": cutoff}).first()
    return Mark(row[0], tuple(row[2:])) if row else None


def tallies_forget() -> None:
    """Forget every kept sum: the next request sums every month afresh."""
    try:
        cache.incr(GENERATION)
    except ValueError:  # not in the cache yet
        cache.set(GENERATION, 1, None)


def _pieces(period: Period) -> tuple[list[date], list[Period]]:
    """The period's whole months, and the parts of months at its ends."""
    whole, partial = [], []
    for month in period.months():
        full = month_period(month)
        if period.start <= full.start and full.end <= period.end:
            whole.append(month)
        else:
            partial.append(Period(max(period.start, full.start), min(period.end, full.end)))
    return whole, partial


def _valid(spec: Tally, kept: dict[str, dict], now_mark: Mark) -> dict[str, dict]:
    """The kept months whose mark is still the row it was, and not too far behind."""
    ids = {entry["mark"][0] for entry in kept.values()}
    found = {
        pk: tuple(fingerprint)
        for pk, *fingerprint in spec.model._default_manager.filter(pk__in=ids).values_list(
            "pk", *spec.fingerprint
        )
    }
    return {
        cache_key: entry
        for cache_key, entry in kept.items()
        if found.get(entry["mark"][0]) == entry["mark"][1] and now_mark.id - entry["mark"][0] <= REFRESH_AFTER
    }


def _runs(months: list[date]) -> list[Period]:
    """Consecutive months joined into periods, one query each."""
    runs: list[list[date]] = []
    for month in months:
        if runs and month_after(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return [Period(run[0], month_after(run[-1]) - timedelta(days=1)) for run in runs]


def _rows(spec: Tally, period: Period, up_to: int | None) -> Iterable[tuple]:
    if not spec.per_month:
        yield from spec.rows(period, up_to)
        return
    for month in period.months():
        piece = Period(max(period.start, month), min(period.end, month_after(month) - timedelta(days=1)))
        for row in spec.rows(piece, up_to):
            yield (month, *row)


def _month_sums(spec: Tally, run: Period, up_to: int) -> dict[date, list[tuple]]:
    """Each month's rows up to id ``up_to``, grouped: ``{month: [(*keys, *values)]}``.

    SQLite's indexes hold the row id, so the report's index answers "up to the mark" alone. PostgreSQL's
    do not: it would read every table row. There the whole months are summed from the index and the rows
    after the mark taken off, both in one snapshot (REPEATABLE READ): the rows up to the mark are
    settled, so both see all of them."""
    months: dict[date, list[tuple]] = {month: [] for month in run.months()}
    if connection.vendor != "postgresql":
        for month, *rest in _rows(spec, run, up_to):
            months[month].append(tuple(rest))
        return months
    width = 1 + len(spec.keys)
    with transaction.atomic():
        connection.cursor().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        sums = {tuple(row[:width]): list(row[width:]) for row in _rows(spec, run, None)}
        for row in _live(spec, dict.fromkeys(months, up_to)):
            cell = sums[tuple(row[:width])]  # the same snapshot: every row after the mark is in the sums
            for index, value in enumerate(row[width:]):
                cell[index] -= value
    for (month, *keys), values in sums.items():
        months[month].append((*keys, *values))
    return months


def tally(spec: Tally, period: Period, *, now: datetime | None = None) -> list[tuple]:
    """The period's entries added up by month and the tally's keys: ``(month, *keys, amount, count)``,
    a key in as many parts as it was read in (a kept month, the entries after its mark); the parts add
    up to the sums."""
    whole, partial = _pieces(period)
    # Inside a transaction the entries at or below a mark may be this transaction's own, not yet
    # committed (a long command, or a test whose clock jumps): nothing is kept or taken then.
    mark = None if connection.in_atomic_block or not whole else settled_mark(spec, now)
    if mark is None:
        return list(_rows(spec, period, None))
    parts = [row for piece in partial for row in _rows(spec, piece, None)]
    generation = cache.get(GENERATION, 0)
    cache_keys = {month: f"{spec.cache_prefix}:{generation}:{month.isoformat()}" for month in whole}
    kept = _valid(spec, cache.get_many(cache_keys.values()), mark)
    fresh: dict[str, dict] = {}
    missing = [month for month, cache_key in cache_keys.items() if cache_key not in kept]
    for run in _runs(missing):
        for month, rows in _month_sums(spec, run, mark.id).items():
            fresh[cache_keys[month]] = {"mark": (mark.id, mark.fingerprint), "rows": rows}
    if fresh:
        cache.set_many(fresh, CACHE_SECONDS)
    marks: dict[date, int] = {}
    for month, cache_key in cache_keys.items():
        entry = kept.get(cache_key) or fresh[cache_key]
        marks[month] = entry["mark"][0]
        parts += [(month, *rest) for rest in entry["rows"]]
    parts += _live(spec, marks)
    return parts


def _live(spec: Tally, marks: dict[date, int]) -> list[tuple]:
    """The kept months' rows written after their marks, read one by one from the primary key (the
    months are picked here: a date range would lead the database to an index of dates instead)."""
    live = (
        spec.model._default_manager.filter(spec.condition, pk__gt=min(marks.values()))
        .values_list("pk", spec.day, *spec.keys, *spec.values)
        .order_by()
    )
    parts = []
    for pk, day, *rest in live:
        month = day.replace(day=1) if day is not None else None
        if month in marks and pk > marks[month]:
            parts.append((month, *rest))
    return parts
