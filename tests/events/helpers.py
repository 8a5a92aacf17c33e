"""Events, slots and tickets for the tests (the clock of conftest.py: 1 September 2026, 10:00 Beijing)."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from events.models import Event, TicketSlot
from events.services import ticket_register
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 9, 1)
_seq = count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def event(**fields) -> Event:
    n = next(_seq)
    fields.setdefault("village", fields.get("village") or factories.village())
    fields.setdefault("slug", f"event-{n}")
    fields.setdefault("kind", Event.Kind.EXHIBITION)
    fields.setdefault("title_zh_hans", f"葫芦文化艺术展{n}")
    fields.setdefault("title_en", f"Gourd art exhibition {n}")
    fields.setdefault("place_zh_hans", "葫芦文化园")
    fields.setdefault("starts_on", TODAY)
    fields.setdefault("ends_on", date(2026, 9, 10))
    fields.setdefault("is_published", True)
    return Event.objects.create(**fields)


def slot(
    *,
    event_: Event | None = None,
    day: date = TODAY,
    hour: int = 14,
    capacity: int = 10,
    price: Decimal | str = "0.00",
) -> TicketSlot:
    return TicketSlot.objects.create(
        event=event_ or event(),
        starts_at=at(day, hour),
        ends_at=at(day, hour + 3),
        capacity=capacity,
        price=Decimal(price),
    )


def register(
    slot_: TicketSlot, *, user=None, quantity: int = 1, name: str = "王小明", phone: str = "13800138000"
):
    return ticket_register(
        slot=slot_,
        holder=user or factories.user(),
        holder_name=name,
        holder_phone=phone,
        quantity=quantity,
    ).ticket
