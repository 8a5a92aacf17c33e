"""Read the nights an iCal feed of another platform says are taken.

An event covers the nights ``[start, end)``: for all-day events ``DTEND`` is the day after the last night
(RFC 5545: the end is exclusive; the classic off-by-one is to block the check-out day too). A missing
``DTEND`` means one day; ``DURATION`` works as well. Events with times count the nights from the start
date to the end date in Beijing time (floating times are taken as Beijing time). Cancelled and
transparent (free-time) events block nothing.

Repeating events (``RRULE``, ``RDATE``, ``EXDATE``, overrides by ``RECURRENCE-ID``: Google Calendar and
Outlook send them) are expanded by ``recurring_ical_events`` within the window asked for.

Every stay gets an identity of its own, so each takes its own room and a later sync of the same feed
finds it again (``FeedEvent.uid``, stored in ``ExternalNight.uid``):

* an event whose UID no other event of the feed has: the UID;
* an occurrence of a repeating event: ``UID/original start`` (``RECURRENCE-ID``), so an override
  replaces the occurrence it moves;
* events sharing a UID without being a series: ``UID#hash-n``;
* an event without a UID: ``no-uid-hash-n``.

``hash`` is a digest of the event's content without its time stamps (``DTSTAMP`` and the like change at
every download); ``n`` counts identical events in the order they come (two rooms sold for the same nights
are two identical events).

An event that cannot be read (dates that make no sense, a broken repeat rule) is left out and reported in
``FeedRead.bad``; the rest of the feed is read. A file that is not a calendar at all raises ``FeedError``.
"""

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import recurring_ical_events
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.sync.fetch import FeedError

MAX_EVENTS = 5000
MAX_OCCURRENCES = 20000  # stays of all the repeating events of a feed, within the window
UID_MAX_LENGTH = 255
NO_UID = "no-uid-"
VOLATILE = frozenset({"DTSTAMP", "LAST-MODIFIED", "CREATED", "SEQUENCE"})
REPEATING = ("RRULE", "RDATE", "RECURRENCE-ID")
READ_SECONDS = 20  # the most time a feed's repeating events may take to expand
EXPANSION_WINDOW = timedelta(days=31)  # expanded a month at a time, so the limits are checked as it goes
SUB_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
SUB_DAILY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
READ_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # the stay's identity within the feed (see the module's docstring)
    start: date  # the first night
    end: date  # the morning after the last night (exclusive)


@dataclass(frozen=True)
class BadEvent:
    uid: str  # as written in the feed; empty when the event has none
    label: str  # how the owner finds it: its UID or its place in the file


@dataclass
class FeedRead:
    events: list[FeedEvent] = field(default_factory=list)
    bad: list[BadEvent] = field(default_factory=list)


def _local_date(moment: date | datetime) -> date:
    if not isinstance(moment, datetime):
        return moment
    if timezone.is_naive(moment):
        return moment.date()
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _span(event: Event) -> tuple[date, date]:
    start, end = event.start, event.end
    if isinstance(start, datetime):
        return _local_date(start), _local_date(end)
    if end < start:
        raise ValueError("DTEND before DTSTART")
    return start, max(end, start + timedelta(days=1))


def _is_blocking(event: Event) -> bool:
    return (
        str(event.get("STATUS", "")).upper() != "CANCELLED"
        and str(event.get("TRANSP", "")).upper() != "TRANSPARENT"
    )


def _uid_of(event: Event) -> str:
    return str(event.get("UID", "")).strip()


def _label(event: Event, position: int) -> str:
    """How the owner can find an event in a message: its UID, or its place in the file."""
    return _uid_of(event)[:60] or f"#{position}"


def _digest(event: Event) -> str:
    """The event's content without its time stamps, as a short hex digest."""
    lines = sorted(
        f"{name}:{value.to_ical() if hasattr(value, 'to_ical') else value}"
        for name, values in event.items()
        if name.upper() not in VOLATILE
        for value in (values if isinstance(values, list) else [values])
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8", errors="replace")).hexdigest()[:16]


def _fit(identity: str) -> str:
    """The identity within the column's length; a long one keeps a digest of the whole."""
    if len(identity) <= UID_MAX_LENGTH:
        return identity
    return identity[: UID_MAX_LENGTH - 17] + "~" + hashlib.sha256(identity.encode()).hexdigest()[:16]


def _rules(event: Event) -> list:
    rules = event.get("RRULE", [])
    return rules if isinstance(rules, list) else [rules]


def _too_frequent(rule) -> bool:
    """A rule repeating within a day: no stay repeats so, and expanding it could take a very long time."""
    return str(rule.get("FREQ", [""])[0]).upper() in SUB_DAILY or any(
        part in rule for part in SUB_DAILY_PARTS
    )


def _recurrence_key(occurrence: Event) -> str:
    """The occurrence's original start (``RECURRENCE-ID``): what an override and its occurrence share."""
    recurrence = occurrence.get("RECURRENCE-ID")
    moment = recurrence.dt if recurrence is not None else occurrence.start
    return moment.strftime("%Y%m%dT%H%M%S" if isinstance(moment, datetime) else "%Y%m%d")


def _calendar(body: bytes) -> Calendar:
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if not text.upper().startswith("BEGIN:VCALENDAR"):
        raise FeedError(_("这个地址返回的不是日历文件 The address did not return a calendar file"))
    try:
        return Calendar.from_ical(text)
    except (ValueError, TypeError, KeyError, IndexError):
        raise FeedError(_("日历文件格式错误 The calendar file is malformed")) from None


def _too_many(limit: int) -> FeedError:
    return FeedError(
        _("日历中的事件太多(超过%(n)s个) The calendar has too many events (over %(n)s)") % {"n": limit}
    )


class _Reader:
    def __init__(self, calendar: Calendar, first: date, end: date):
        self.calendar, self.first, self.end = calendar, first, end
        self.read = FeedRead()
        self.seen: dict[str, int] = defaultdict(int)
        self.occurrences = 0
        self.max_occurrences = int(getattr(settings, "ICAL_SYNC_MAX_OCCURRENCES", MAX_OCCURRENCES))
        self.deadline = time.monotonic() + float(getattr(settings, "ICAL_SYNC_TIMEOUT_SECONDS", READ_SECONDS))

    def _numbered(self, base: str) -> str:
        number = self.seen[base]
        self.seen[base] += 1
        return f"{base}-{number}"

    def _count_occurrence(self) -> None:
        """Refuse the feed past ``max_occurrences`` stays."""
        self.occurrences += 1
        if self.occurrences > self.max_occurrences:
            raise _too_many(self.max_occurrences)

    def _in_time(self) -> None:
        """Refuse the feed past the time allowed for expanding its repeating events."""
        if time.monotonic() > self.deadline:
            raise FeedError(_("日历中的重复事件太复杂 The calendar's repeating events are too complex"))

    def plain(self, event: Event, identity: str | None, position: int) -> None:
        """A single event; ``identity`` ``None``: numbered by its content (no UID, or a shared one)."""
        if not _is_blocking(event):
            return
        if identity is None:
            uid = _uid_of(event)
            identity = self._numbered(f"{uid}#{_digest(event)}" if uid else f"{NO_UID}{_digest(event)}")
        try:
            start, end = _span(event)
        except READ_ERRORS:
            self.read.bad.append(BadEvent(uid=_uid_of(event), label=_label(event, position)))
            return
        self.read.events.append(FeedEvent(uid=_fit(identity), start=start, end=end))

    def series(self, uid: str, events: list[Event], position: int) -> None:
        """A repeating event with its overrides, expanded within the window; all or nothing. Without a
        UID the event stands alone, known by its content."""
        identity = uid or self._numbered(f"{NO_UID}{_digest(events[0])}")
        series = Calendar()
        if "X-WR-TIMEZONE" in self.calendar:
            series.add("X-WR-TIMEZONE", self.calendar["X-WR-TIMEZONE"])
        for component in self.calendar.walk("VTIMEZONE"):
            series.add_component(component)
        for event in events:
            series.add_component(event)
        stays: dict[str, FeedEvent] = {}
        try:
            if any(_too_frequent(rule) for event in events for rule in _rules(event)):
                raise ValueError("repeats more often than daily")
            query = recurring_ical_events.of(series)
            window = self.first
            while window < self.end:
                self._in_time()
                stop = min(window + EXPANSION_WINDOW, self.end)
                for occurrence in query.between(window, stop):
                    self._count_occurrence()
                    if _is_blocking(occurrence):
                        key = _fit(f"{identity}/{_recurrence_key(occurrence)}")
                        start, end = _span(occurrence)
                        stays[key] = FeedEvent(uid=key, start=start, end=end)
                window = stop
        except (recurring_ical_events.InvalidCalendar, *READ_ERRORS):
            self.read.bad.append(BadEvent(uid=uid, label=_label(events[0], position)))
            return
        self.read.events += stays.values()


def feed_events(body: bytes, *, first: date, end: date) -> FeedRead:
    """The blocking stays of a feed, repeating events expanded over ``[first, end)``, and the events that
    could not be read; raises ``FeedError`` when the file is not a readable calendar."""
    calendar = _calendar(body)
    events = [event for event in calendar.walk("VEVENT") if isinstance(event, Event)]
    max_events = int(getattr(settings, "ICAL_SYNC_MAX_EVENTS", MAX_EVENTS))
    if len(events) > max_events:
        raise _too_many(max_events)
    by_uid: dict[str, list[tuple[int, Event]]] = defaultdict(list)
    for position, event in enumerate(events, start=1):
        by_uid[_uid_of(event)].append((position, event))
    reader = _Reader(calendar, first, end)
    for uid, group in by_uid.items():
        if uid and any(name in event for _position, event in group for name in REPEATING):
            reader.series(uid, [event for _position, event in group], group[0][0])
            continue
        alone = bool(uid) and len(group) == 1
        for position, event in group:
            if not uid and any(name in event for name in REPEATING):
                reader.series("", [event], position)
            else:
                reader.plain(event, uid if alone else None, position)
    return reader.read


def taken_nights(events: list[FeedEvent], *, first: date, end: date) -> set[tuple[str, date]]:
    """``(uid, night)`` for every night of ``[first, end)`` an event covers."""
    taken: set[tuple[str, date]] = set()
    for event in events:
        night, stop = max(event.start, first), min(event.end, end)
        while night < stop:
            taken.add((event.uid, night))
            night += timedelta(days=1)
    return taken
