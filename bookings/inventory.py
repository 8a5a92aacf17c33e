"""Room counters per room type and night (``RoomNight``). Booked and held rooms change only relatively,
with ``F()``; closed rooms are set by the owner (``bookings.calendar``) under the same constraint.

Taking rooms is one ``UPDATE ... SET rooms_held = rooms_held + n``: the database's CHECK constraint
``rooms_booked + rooms_held + rooms_closed <= rooms_total`` refuses an oversell, whatever the
application believed a moment before. On PostgreSQL concurrent updates of a row queue on its row lock
and the second one is checked against the first one's result; on SQLite writers take turns
(``transaction_mode`` IMMEDIATE). A release below zero breaks the other CHECK constraint: a bug, never a
quiet double release.

Lock order, so PostgreSQL never deadlocks: room type (``FOR NO KEY UPDATE``), then bookings in id order,
then room nights. Every writer of a room type's nights goes through ``lock_room_type`` first, so writers
of one room type simply take turns. These helpers run inside the services' transactions.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F

from bookings.errors import NightsUnavailable
from bookings.models import RoomNight
from villages.models import RoomType

HELD = "rooms_held"
BOOKED = "rooms_booked"
CLOSED = "rooms_closed"


def lock_room_type(room_type_id: int) -> RoomType:
    return (
        RoomType.objects.select_for_update(no_key=True, of=("self",))
        .select_related("homestay")
        .get(pk=room_type_id)
    )


def ensure_nights(room_type: RoomType, nights: list[date]) -> None:
    """Create the missing rows, all rooms free. ``room_type`` must be locked (fresh ``room_count``)."""
    RoomNight.objects.bulk_create(
        [
            RoomNight(room_type_id=room_type.pk, night=night, rooms_total=room_type.room_count)
            for night in nights
        ],
        ignore_conflicts=True,
    )


def full_nights(room_type_id: int, nights: list[date], rooms: int) -> list[date]:
    rows = RoomNight.objects.filter(room_type_id=room_type_id, night__in=nights)
    return [row.night for row in rows if row.rooms_free < rooms]


def _shift(room_type_id: int, nights: list[date], **deltas: int) -> int:
    return RoomNight.objects.filter(room_type_id=room_type_id, night__in=nights).update(
        **{counter: F(counter) + delta for counter, delta in deltas.items()}
    )


def take(*, room_type: RoomType, nights: list[date], rooms: int, counter: str) -> None:
    """Add ``rooms`` to ``counter`` on every night, or raise ``NightsUnavailable`` and change nothing."""
    ensure_nights(room_type, nights)
    try:
        with transaction.atomic():
            updated = _shift(room_type.pk, nights, **{counter: rooms})
    except IntegrityError:
        raise NightsUnavailable(full_nights(room_type.pk, nights, rooms) or nights) from None
    if updated != len(nights):
        raise NightsUnavailable(nights)


def release(*, room_type_id: int, nights: list[date], rooms: int, counter: str) -> None:
    if nights:
        _shift(room_type_id, nights, **{counter: -rooms})


def move(*, room_type_id: int, nights: list[date], rooms: int, source: str, target: str) -> None:
    """Turn held rooms into booked ones: the total taken does not change."""
    _shift(room_type_id, nights, **{source: -rooms, target: rooms})
