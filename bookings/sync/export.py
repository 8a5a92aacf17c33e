"""A room type's calendar as an iCal feed (RFC 5545) for the other platforms: an all-day event for each run
of nights with no room left for what happened here: booked or held for a guest here, or closed by the
owner. Rooms closed because another platform's calendar says so are left out, as Airbnb, Booking.com
and VRBO leave out what they import: a platform that re-exports every closed date (Booking.com does)
would otherwise send our own closing back to us, and the two calendars would keep each other closed.
So each platform must import the calendars of the others directly, not through this one.

It says nothing about guests: no names, phones or references, only that the nights are taken."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from bookings.pricing import MAX_QUOTED_NIGHTS
from bookings.selectors import room_type_calendar
from bookings.sync.selectors import external_closed
from common.clock import local_today
from villages.models import RoomType

PRODUCT_ID = "-//Lishi Rural Tourism//Homestay calendar//ZH"
UID_DOMAIN = "lishi-tourism"
SUMMARIES = {"booked": "已订满 Not available", "closed": "不可订 Closed"}


@dataclass(frozen=True)
class TakenRun:
    kind: str  # "booked" or "closed"
    start: date
    end: date  # the morning after the last night (DTEND is exclusive)


def taken_runs(*, room_type: RoomType, start: date, end: date) -> list[TakenRun]:
    """Runs of consecutive nights of ``[start, end)`` with no room free for what happened here, of one
    kind each: ``closed`` when the owner closed every room, else ``booked``."""
    imported = external_closed(room_type=room_type, start=start, end=end)
    runs: list[TakenRun] = []
    for night in room_type_calendar(room_type=room_type, start=start, end=end):
        closed_here = night.rooms_closed - imported.get(night.night, 0)
        if night.rooms_free + imported.get(night.night, 0) > 0:
            continue
        kind = "closed" if closed_here >= night.rooms_total else "booked"
        last = runs[-1] if runs else None
        if last and last.kind == kind and last.end == night.night:
            runs[-1] = TakenRun(kind, last.start, night.night + timedelta(days=1))
        else:
            runs.append(TakenRun(kind, night.night, night.night + timedelta(days=1)))
    return runs


def room_type_ical(*, room_type: RoomType) -> bytes:
    """The feed: from today (Beijing time) for as far as prices are quoted (a year)."""
    today = local_today()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # modeltranslation adds the per-language columns at run time; the Django plugin cannot see them.
    name = f"{room_type.homestay.name_zh_hans} · {room_type.name_zh_hans}"  # type: ignore[attr-defined]
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for run in taken_runs(room_type=room_type, start=today, end=today + timedelta(days=MAX_QUOTED_NIGHTS)):
        event = Event()
        event.add("uid", f"{run.start:%Y%m%d}-{run.end:%Y%m%d}-{run.kind}-{room_type.pk}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", run.start)
        event.add("dtend", run.end)
        event.add("summary", SUMMARIES[run.kind])
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
