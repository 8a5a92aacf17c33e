"""Events in the trip planner: a time slot of a village's event (``events``) chosen as a stop. It is
visited only on its day, from its start to its end, at the event's place (the event's coordinates)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from events.models import TicketSlot
from villages.models import Village
from villages.selectors import DayHours

PICK_DAYS_AHEAD = 60
"""The form offers the slots of the next 60 days."""


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, timezone.get_default_timezone())


@dataclass(frozen=True)
class EventPlace:
    slot: TicketSlot

    @property
    def pk(self) -> int:
        return self.slot.pk

    @property
    def slug(self) -> str:
        return self.slot.event.slug

    @property
    def name(self):
        return self.slot.event.title

    @property
    def name_zh_hans(self) -> str:
        return getattr(self.slot.event, "title_zh_hans", "") or ""

    @property
    def name_en(self) -> str:
        return getattr(self.slot.event, "title_en", "") or ""

    @property
    def latitude(self):
        return self.slot.event.latitude

    @property
    def longitude(self):
        return self.slot.event.longitude

    @property
    def coordinates(self) -> tuple[float, float]:
        return (float(self.latitude), float(self.longitude))

    @property
    def village(self) -> Village:
        return self.slot.event.village

    @property
    def day(self) -> date:
        return _local(self.slot.starts_at).date()

    @property
    def minutes(self) -> int:
        """The visit: the slot's length, cut at midnight (a trip's day ends then)."""
        start, end = _local(self.slot.starts_at), _local(self.slot.ends_at)
        midnight = datetime.combine(
            start.date() + timedelta(days=1), datetime.min.time(), tzinfo=start.tzinfo
        )
        return max(5, int((min(end, midnight) - start).total_seconds() // 60))

    def hours_on(self, day: date) -> DayHours:
        """Open only during the slot, only on its day."""
        if day != self.day:
            return DayHours(day, None, None)
        start = _local(self.slot.starts_at)
        return DayHours(day, start.time(), (start + timedelta(minutes=self.minutes)).time())

    def get_absolute_url(self) -> str:
        return self.slot.event.get_absolute_url()


def _slots() -> QuerySet[TicketSlot]:
    return TicketSlot.objects.filter(
        event__is_published=True, event__village__is_published=True
    ).select_related("event__village")


def event_slots_on(*, ids: set[int], first_day: date, days: int) -> dict[int, TicketSlot]:
    """The chosen slots that start on a day of the trip (Beijing time) and have not started yet."""
    found = {}
    last_day = first_day + timedelta(days=days - 1)
    for slot in _slots().filter(pk__in=ids, starts_at__gt=timezone.now()):
        if first_day <= _local(slot.starts_at).date() <= last_day:
            found[slot.pk] = slot
    return found


def event_slots_to_pick() -> list[TicketSlot]:
    now = timezone.now()
    return list(
        _slots()
        .filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=PICK_DAYS_AHEAD))
        .order_by("starts_at", "pk")
    )
