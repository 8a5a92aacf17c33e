"""Read the nights an iCal feed of another platform says are taken.

An event covers the nights ``[start, end)``: for all-day events ``DTEND`` is the day after the last night
(RFC 5545: the end is exclusive; the classic off-by-one is to block the check-out day too). A missing
``DTEND`` means one day; ``DURATION`` works as well. Events with times count the nights from the start
date to the end date in Beijing time (floating times are taken as Beijing time). Cancelled and
transparent (free-time) events block nothing. Repeating events (``RRULE``) are refused: booking platforms
never send them, and guessing would block wrong nights.

Anything not understood raises ``FeedError`` naming the event: a sync that half-understood a feed
would give back nights the other platform has sold.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings.sync.fetch import FeedError

MAX_EVENTS = 5000
UID_MAX_LENGTH = 255


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    start: date  # the first night
    end: date  # the morning after the last night (exclusive)


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


def _uid(event: Event, start: date, end: date) -> str:
    """The event's UID; without one, its dates are what identifies it."""
    uid = str(event.get("UID", "")).strip()
    return uid[:UID_MAX_LENGTH] if uid else f"no-uid-{start:%Y%m%d}-{end:%Y%m%d}"


def _is_blocking(event: Event) -> bool:
    return (
        str(event.get("STATUS", "")).upper() != "CANCELLED"
        and str(event.get("TRANSP", "")).upper() != "TRANSPARENT"
    )


def _label(event: Event, position: int) -> str:
    """How the owner can find an event in a message: its UID, or its place in the file."""
    return str(event.get("UID", "")).strip()[:60] or f"#{position}"


def _calendar(body: bytes) -> Calendar:
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if not text.upper().startswith("BEGIN:VCALENDAR"):
        raise FeedError(_("这个地址返回的不是日历文件 The address did not return a calendar file"))
    try:
        return Calendar.from_ical(text)
    except (ValueError, TypeError, KeyError, IndexError):
        raise FeedError(_("日历文件格式错误 The calendar file is malformed")) from None


def feed_events(body: bytes) -> list[FeedEvent]:
    """The blocking events of a feed, in the order they came; raises ``FeedError``."""
    events = [event for event in _calendar(body).walk("VEVENT") if isinstance(event, Event)]
    max_events = int(getattr(settings, "ICAL_SYNC_MAX_EVENTS", MAX_EVENTS))
    if len(events) > max_events:
        raise FeedError(
            _("日历中的事件太多(超过%(n)s个) The calendar has too many events (over %(n)s)")
            % {"n": max_events}
        )
    parsed = []
    for position, event in enumerate(events, start=1):
        if not _is_blocking(event):
            continue
        if "RRULE" in event:
            raise FeedError(
                _("日历中的事件“%(uid)s”是重复事件,暂不支持 Event “%(uid)s” repeats, which is not supported")
                % {"uid": _label(event, position)}
            )
        try:
            start, end = _span(event)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            raise FeedError(
                _("日历中的事件“%(uid)s”日期无法识别 The dates of event “%(uid)s” cannot be read")
                % {"uid": _label(event, position)}
            ) from None
        parsed.append(FeedEvent(uid=_uid(event, start, end), start=start, end=end))
    return parsed


def taken_nights(events: list[FeedEvent], *, first: date, end: date) -> set[tuple[str, date]]:
    """``(uid, night)`` for every night of ``[first, end)`` an event covers."""
    taken: dict[str, set[date]] = defaultdict(set)
    for event in events:
        night, stop = max(event.start, first), min(event.end, end)
        while night < stop:
            taken[event.uid].add(night)
            night += timedelta(days=1)
    return {(uid, night) for uid, nights in taken.items() for night in nights}
