"""Reads of calendar sync: rooms held closed by imported calendars, feeds, and conflicts to show."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from bookings.models import Booking, BookingNight, RoomNight
from bookings.selectors import FREE_ROOMS
from bookings.sync.models import CalendarFeed, ExternalNight
from common.clock import local_today
from villages.models import RoomType

OCCUPYING = (Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN)


def external_closed(*, room_type: RoomType, start: date, end: date) -> dict[date, int]:
    """Rooms closed on each night of ``[start, end)`` because another platform's calendar says so."""
    nights = ExternalNight.objects.filter(
        feed__room_type=room_type, blocking=True, night__gte=start, night__lt=end
    ).values_list("night", flat=True)
    return dict(Counter(nights))


def feeds_for_room_type(*, room_type: RoomType) -> QuerySet[CalendarFeed]:
    today = local_today()
    return room_type.calendar_feeds.annotate(
        conflicts=Count(
            "nights", filter=Q(nights__blocking=False, nights__dismissed=False, nights__night__gte=today)
        ),
        blocked=Count("nights", filter=Q(nights__blocking=True, nights__night__gte=today)),
    ).order_by("id")


def feeds_needing_attention(*, owner) -> QuerySet[CalendarFeed]:
    """The owner's feeds whose last sync failed or skipped events, or that have nights in conflict from
    today on."""
    today = local_today()
    conflict = Q(nights__blocking=False, nights__dismissed=False, nights__night__gte=today)
    return (
        CalendarFeed.objects.filter(room_type__homestay__owner=owner)
        .annotate(conflicts=Count("nights", filter=conflict))
        .filter(Q(status__in=[CalendarFeed.Status.FAILED, CalendarFeed.Status.PARTIAL]) | Q(conflicts__gt=0))
        .select_related("room_type__homestay")
        .order_by("room_type__homestay__order", "room_type__order", "id")
    )


@dataclass(frozen=True)
class Conflict:
    id: int  # the ``ExternalNight`` the owner decides on
    feed: CalendarFeed
    night: date
    references: list[str]  # bookings made here that occupy the night (none: the owner closed it)
    rooms_free: int  # rooms free here now: the owner can accept the conflict as a closed room


def conflicts_for_room_type(*, room_type: RoomType) -> list[Conflict]:
    """Nights from today on that another platform has taken but no room was free for here when the event
    came, and that the owner has not decided on yet."""
    rows = list(
        ExternalNight.objects.filter(
            feed__room_type=room_type, blocking=False, dismissed=False, night__gte=local_today()
        )
        .select_related("feed")
        .order_by("night", "feed_id", "uid")
    )
    nights = {row.night for row in rows}
    free = {
        night: row_free
        for night, row_free in RoomNight.objects.filter(room_type=room_type, night__in=nights).values_list(
            "night", FREE_ROOMS
        )
    }
    taken_here: dict[date, list[str]] = {}
    for night, reference in (
        BookingNight.objects.filter(room_type=room_type, night__in=nights, booking__status__in=OCCUPYING)
        .order_by("night", "booking__reference")
        .values_list("night", "booking__reference")
    ):
        taken_here.setdefault(night, []).append(reference)
    return [
        Conflict(
            row.pk,
            row.feed,
            row.night,
            taken_here.get(row.night, []),
            free.get(row.night, room_type.room_count),
        )
        for row in rows
    ]
