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

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

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
    return list(full_nights_query(room_type_id, nights, rooms).values_list("night", flat=True))


def full_nights_query(room_type_id: int, nights: list[date], rooms: int) -> QuerySet[RoomNight]:
    """The nights of ``nights`` without ``rooms`` free rooms, in order."""
    taken = F(BOOKED) + F(HELD) + F(CLOSED) + rooms
    rows = RoomNight.objects.filter(room_type_id=room_type_id, night__in=nights, rooms_total__lt=taken)
    return rows.order_by("night")


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


@dataclass
class StayNotTaken(Exception):
    """``take_stay`` took nothing: a night is full, or ``unless`` found a row. The database refused inside
    the transaction, which is unusable now: let it roll back, then look at the nights (``full_nights``)."""

    room_type_id: int
    nights: list[date]
    rooms: int


def take_stay(
    *,
    room_type: RoomType,
    nights: list[date],
    rooms: int,
    counter: str,
    unless: tuple[str, list] | None = None,
) -> dict[date, Decimal | None]:
    """Add ``rooms`` to ``counter`` on every night in one statement, creating the missing rows, and answer
    each night's price override; or raise ``StayNotTaken``. ``room_type`` must be locked: its rows are
    created with its ``room_count``, and a query run after the lock sees every earlier booking of it.

    ``unless``: a SELECT (its SQL and parameters); take nothing when it finds a row (the duplicate-stay
    check of ``booking_place``, ``services.SameStay.select``), read in the same statement. The CHECK
    constraint refuses an oversell as in ``take``; unlike ``take`` there is no savepoint to roll back to
    (two statements fewer): the caller's transaction ends with the exception. ``nights`` must be in
    order, so writers of overlapping stays lock rows in one order.
    """
    quote = connection.ops.quote_name
    table = quote(RoomNight._meta.db_table)
    # A row inserted is stamped like every change of the rooms for sale (``RoomNightQuerySet``).
    columns = [
        "room_type_id",
        "night",
        "rooms_total",
        BOOKED,
        HELD,
        CLOSED,
        "price_override",
        "capacity_changed_at",
    ]
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    params: list = []
    for night in nights:
        params += [room_type.pk, connection.ops.adapt_datefield_value(night), room_type.room_count]
        params += [rooms if counter == BOOKED else 0, rooms if counter == HELD else 0, 0, None, stamp]
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(nights))
    counter_column = quote(counter)
    # Names quoted by the backend, every value a parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES {placeholders} "  # noqa: S608
        f"ON CONFLICT ({quote('room_type_id')}, {quote('night')}) DO UPDATE SET "
        f"{counter_column} = {table}.{counter_column} + EXCLUDED.{counter_column}"
    )
    if unless is not None:
        unless_sql, unless_params = unless
        sql += f" WHERE NOT EXISTS ({unless_sql})"
        params += unless_params
    sql += f" RETURNING {quote('night')}, {quote('price_override')}"
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    except IntegrityError:
        raise StayNotTaken(room_type.pk, nights, rooms) from None
    if len(rows) != len(nights):
        raise StayNotTaken(room_type.pk, nights, rooms)
    return {night_date(night): _decimal(price) for night, price in rows}


def night_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite answers text


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value)).quantize(Decimal("0.01"))  # SQLite answers a float


def release(*, room_type_id: int, nights: list[date], rooms: int, counter: str) -> None:
    if nights:
        _shift(room_type_id, nights, **{counter: -rooms})


def move(*, room_type_id: int, nights: list[date], rooms: int, source: str, target: str) -> None:
    """Turn held rooms into booked ones: the total taken does not change."""
    _shift(room_type_id, nights, **{source: -rooms, target: rooms})
