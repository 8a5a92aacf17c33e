"""Reads the pages, the API and the planner share."""

from datetime import date, datetime

from django.core.validators import slug_re
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from events.models import Event, Ticket, TicketSlot


def _upcoming_slots(now: datetime) -> QuerySet[TicketSlot]:
    return TicketSlot.objects.filter(starts_at__gt=now).order_by("starts_at", "pk")


def events_upcoming(*, village: str | None = None, limit: int | None = None) -> list[Event]:
    """Published events with a slot still to start, soonest first; each with ``upcoming_slots``."""
    now = timezone.now()
    events = (
        Event.objects.filter(is_published=True, village__is_published=True)
        .filter(Exists(_upcoming_slots(now).filter(event=OuterRef("pk"))))
        .select_related("village")
        .prefetch_related(Prefetch("slots", queryset=_upcoming_slots(now), to_attr="upcoming_slots"))
        .order_by("starts_on", "village__order", "slug")
    )
    if village:
        # A slug that cannot be one (a NUL byte, which PostgreSQL refuses in text) finds no village.
        events = events.filter(village__slug=village) if slug_re.match(village) else events.none()
    found: list[Event] = list(events[:limit] if limit else events)
    found.sort(key=lambda event: (event.upcoming_slots[0].starts_at, event.pk))  # type: ignore[attr-defined]
    return found


def event_detail(*, village_slug: str | None = None, slug: str | None = None, pk: int | None = None) -> Event:
    """A published event with its slots still to start (``upcoming_slots``); ``Event.DoesNotExist``."""
    events = Event.objects.filter(is_published=True, village__is_published=True).select_related(
        "village", "attraction"
    )
    events = events.prefetch_related(
        Prefetch("slots", queryset=_upcoming_slots(timezone.now()), to_attr="upcoming_slots")
    )
    if pk is not None:
        return events.get(pk=pk)
    return events.get(village__slug=village_slug, slug=slug)


def tickets_for_holder(*, user) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(holder=user)
        .select_related("slot__event__village")
        .order_by("-slot__starts_at", "-pk")
    )


def ticket_by_code(*, code: str) -> Ticket:
    return Ticket.objects.select_related("slot__event__village", "checked_in_by").get(code=code)


def slot_for_staff(*, pk: int) -> TicketSlot:
    return TicketSlot.objects.select_related("event__village").get(pk=pk)


def slot_tickets(*, slot: TicketSlot) -> list[Ticket]:
    return list(slot.tickets.order_by("status", "created_at", "pk"))


def slots_on(*, day: date) -> QuerySet[TicketSlot]:
    """Slots of published events starting on ``day`` (Beijing time), for the trip planner."""
    return (
        TicketSlot.objects.filter(
            event__is_published=True,
            event__village__is_published=True,
            starts_at__date=day,
        )
        .select_related("event__village")
        .order_by("starts_at", "pk")
    )
