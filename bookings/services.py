"""Every change of a booking's state. Each service is atomic, locks the booking, returns the booking as
it is now (use the return value, the instance passed in is not refreshed), returns early when the
booking is already in the target state (payment webhooks repeat and arrive out of order) and refuses
other transitions with ``IllegalTransition``.

How a booking moves (``instant_book`` is the homestay's setting at the time of booking)::

    instant book, pay online      held (payment, BOOKING_PAYMENT_HOLD_MINUTES) --booking_confirm--> confirmed
    instant book, pay at homestay confirmed at once
    on request,   pay online      held (payment) --booking_confirm--> held (approval,
                                  BOOKING_REQUEST_HOLD_HOURS) --booking_approve--> confirmed
    on request,   pay at homestay held (approval) --booking_approve--> confirmed
    confirmed --booking_check_in--> checked_in --booking_check_out--> completed
    confirmed --booking_mark_no_show--> no_show
    held --booking_decline (owner)--> cancelled;  held/confirmed --booking_cancel--> cancelled
    held, hold time over --booking_expire / bookings_expire_due--> expired

On request the guest pays first and the owner answers within the request hold; a declined or expired
paid request is refunded in full (``refund_due``). A payment that arrives after its hold expired still
confirms the booking if the rooms are free (``booking_confirm`` takes them again), else it raises
``NightsUnavailable`` and the payment must be refunded.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import inventory
from bookings.activity import Action, BookingEvent, Source, event_record
from bookings.contacts import clean_name, validate_contact
from bookings.errors import NightsUnavailable
from bookings.guests import GuestDetails, validate_document
from bookings.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, Booking, BookingNight, Guest, RoomNight
from bookings.notices import booking_notices_queue
from bookings.policies import cancellation_refund
from bookings.pricing import MAX_QUOTED_NIGHTS, PriceBook, quote_from, stay_nights
from bookings.rules import stay_validate
from bookings.transitions import SYSTEM, transition_check
from common.clock import local_today
from common.compiled import CompiledQuery
from common.money import ZERO, quantize
from notifications.models import ContactPreference
from notifications.routing import signed_up_with_cache, signed_up_with_column
from villages.models import Photo, RoomType

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

Status = Booking.Status
Party = Booking.Party
SETTLED = (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED)

PAYMENT_HOLD_MINUTES = 15
REQUEST_HOLD_HOURS = 24


def payment_hold() -> timedelta:
    return timedelta(minutes=getattr(settings, "BOOKING_PAYMENT_HOLD_MINUTES", PAYMENT_HOLD_MINUTES))


def request_hold() -> timedelta:
    return timedelta(hours=getattr(settings, "BOOKING_REQUEST_HOLD_HOURS", REQUEST_HOLD_HOURS))


def lock_booking(booking: Booking) -> Booking:
    """Lock the booking's room type, then the booking (the lock order of ``bookings.inventory``)."""
    room_type_id = Booking.objects.values_list("room_type_id", flat=True).get(pk=booking.pk)
    inventory.lock_room_type(room_type_id)
    return Booking.objects.select_for_update(of=("self",)).select_related("homestay").get(pk=booking.pk)


def _counter(status: str) -> str:
    return inventory.HELD if status == Status.HELD else inventory.BOOKED


def _release_from(booking: Booking, first_night: date) -> None:
    """Give back the booking's rooms from ``first_night`` to the end of the stay."""
    nights = [night for night in stay_nights(booking.check_in, booking.check_out) if night >= first_night]
    inventory.release(
        room_type_id=booking.room_type_id,
        nights=nights,
        rooms=booking.rooms,
        counter=_counter(booking.status),
    )


def _paid_amount(booking: Booking) -> Decimal:
    return booking.total if booking.is_paid else ZERO


def _expire(booking: Booking, now: datetime) -> bool:
    """Expire a held booking unless someone else already did: the conditional UPDATE makes two racers
    release its rooms once, whichever database. Every expiry is recorded and its guest told, whoever
    finds it (the scheduled job, or another guest's booking of the same nights)."""
    refund_due = booking.total if booking.is_paid else None
    done = Booking.objects.filter(pk=booking.pk, status=Status.HELD).update(
        status=Status.EXPIRED, refund_due=refund_due, updated_at=now
    )
    if done:
        _release_from(booking, booking.check_in)
        booking.status, booking.refund_due = Status.EXPIRED, refund_due
        event_record(
            booking=booking, action=Action.EXPIRED, role=SYSTEM, source=Source.SYSTEM, from_status=Status.HELD
        )
        booking_notices_queue(booking, actor_role=SYSTEM)
    return bool(done)


def holds_expire_stale(*, room_type_id: int, start: date, end: date, now: datetime) -> int:
    """Expire the held bookings of a room type whose hold is over and whose stay touches ``[start, end)``.
    The caller holds the room type's lock."""
    stale = Booking.objects.filter(
        room_type_id=room_type_id,
        status=Status.HELD,
        hold_expires_at__lte=now,
        check_in__lt=end,
        check_out__gt=start,
    ).order_by("id")
    return sum(_expire(booking, now) for booking in stale.select_for_update())


def _confirm(booking: Booking, now: datetime) -> None:
    booking.status = Status.CONFIRMED
    booking.confirmed_at = now
    booking.hold_expires_at = None


def booking_hold(
    *,
    room_type: RoomType,
    check_in: date,
    check_out: date,
    guests: int,
    rooms: int = 1,
    user: User | None = None,
    lead_guest_name: str,
    lead_guest_phone: str,
    payment: str = Booking.Payment.ONLINE,
    language: str = "zh-hans",
) -> Booking:
    """Take rooms for a stay and create the booking (held, or confirmed for instant-book pay-at-homestay).

    Raises ``ValidationError`` when a stay rule or the contact details are wrong and
    ``NightsUnavailable`` when a night is full; either way nothing changes.
    """
    try:
        return booking_made(
            room_type_id=room_type.pk,
            user=user,
            lead_guest_name=lead_guest_name,
            lead_guest_phone=lead_guest_phone,
            payment=payment,
            language=language,
            check_in=check_in,
            check_out=check_out,
            guests=guests,
            rooms=rooms,
        )
    except inventory.StayNotTaken as missed:
        raise nights_unavailable(missed) from None


def booking_made(*, then: Callable[[Booking], None] | None = None, **take: Any) -> Booking:
    """``booking_take(**take)`` in a transaction of its own, and ``then(booking)`` in the same transaction;
    booked again with a new reference in the rare case the random one exists. ``StayNotTaken`` comes out
    after the rollback, for the caller to answer (``nights_unavailable``, or the duplicate it found)."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                booking = booking_take(**take)
                if then is not None:
                    then(booking)
                return booking
        except ReferenceTaken:
            if attempt:
                raise
    raise AssertionError("unreachable")


class ReferenceTaken(Exception):
    """The random reference of a new booking exists already (about one chance in 10^12 per booking): the
    transaction is unusable, roll it back and book again."""


def nights_unavailable(missed: inventory.StayNotTaken) -> NightsUnavailable:
    """The refusal of a stay ``booking_take`` could not take, read after its transaction rolled back."""
    return NightsUnavailable(
        inventory.full_nights(missed.room_type_id, missed.nights, missed.rooms) or missed.nights
    )


@dataclass(frozen=True)
class SameStay:
    """The same stay booked by the same user since ``since``: ``booking_place``'s repeat (a double tap, a
    client retrying without an idempotency key), live (held or confirmed). Written once, as SQL on the
    booking table, for the statements that read it without building an ORM query each time
    (``booking_refused_early`` and ``inventory.take_stay``, on every attempt), and the query that
    fetches the booking found (``bookings``)."""

    user_id: int
    room_type_id: int
    check_in: date
    check_out: date
    guests: int
    rooms: int
    lead_guest_name: str
    lead_guest_phone: str
    since: datetime

    def condition(self) -> tuple[str, list]:
        """The SQL condition on the booking table's row (named by its table name) and its parameters."""
        table = connection.ops.quote_name(Booking._meta.db_table)
        columns = ["user_id", "room_type_id", "check_in", "check_out", "guests", "rooms"]
        columns += ["lead_guest_name", "lead_guest_phone"]
        equal = [f"{table}.{connection.ops.quote_name(column)} = %s" for column in columns]
        status, created = (f"{table}.{connection.ops.quote_name(c)}" for c in ("status", "created_at"))
        sql = " AND ".join([*equal, f"{status} IN (%s, %s)", f"{created} >= %s"])
        dates = map(connection.ops.adapt_datefield_value, (self.check_in, self.check_out))
        params = [self.user_id, self.room_type_id, *dates, self.guests, self.rooms]
        params += [self.lead_guest_name, self.lead_guest_phone, str(Status.HELD), str(Status.CONFIRMED)]
        return f"({sql})", [*params, connection.ops.adapt_datetimefield_value(self.since)]

    def select(self) -> tuple[str, list]:
        """A SELECT that finds a row when the stay was booked (``inventory.take_stay``'s ``unless``)."""
        condition, params = self.condition()
        table = connection.ops.quote_name(Booking._meta.db_table)
        return f"SELECT 1 FROM {table} WHERE {condition}", params  # noqa: S608 (names quoted, values bound)

    def bookings(self) -> QuerySet[Booking]:
        condition, params = self.condition()
        return Booking.objects.filter(RawSQL(condition, params, output_field=BooleanField()))  # noqa: S611


def booking_refused_early(
    *, room_type_id: int, check_in: date, check_out: date, rooms: int, same_stay: SameStay | None
) -> NightsUnavailable | None:
    """The refusal of a stay some night of which is full, read without a lock or a transaction, or None
    when the stay must go the whole way (``booking_take``): nights free, a hold past its time that may
    free them, or the same stay sent again (``same_stay``: answered with that booking). Read in one light
    statement, so the many attempts on a sold-out night never queue on the room type's lock: a night
    full in a committed state may be refused, as it would be a moment later under the lock. Written in
    SQL, as ``inventory.take_stay`` is: every attempt runs it, and building it with the ORM (an EXISTS
    over two combined querysets) took more time than the database took to answer it."""
    nights = stay_nights(check_in, check_out) if 0 < (check_out - check_in).days <= MAX_QUOTED_NIGHTS else []
    if not nights or rooms < 1:
        return None
    quote, ops = connection.ops.quote_name, connection.ops
    booking, night = quote(Booking._meta.db_table), quote(RoomNight._meta.db_table)
    b, n = (lambda column: f"{booking}.{quote(column)}"), (lambda column: f"{night}.{quote(column)}")
    may_free = f"({b('status')} = %s AND {b('hold_expires_at')} <= %s)"
    may_free_params = [str(Status.HELD), ops.adapt_datetimefield_value(timezone.now())]
    if same_stay is not None:
        repeat, repeat_params = same_stay.condition()
        may_free, may_free_params = f"({may_free} OR {repeat})", may_free_params + repeat_params
    taken = " + ".join(n(counter) for counter in (inventory.BOOKED, inventory.HELD, inventory.CLOSED))
    # Names quoted by the backend, every value a parameter.
    sql = (
        f"SELECT {n('night')}, EXISTS(SELECT 1 FROM {booking} WHERE {b('room_type_id')} = %s "  # noqa: S608
        f"AND {b('check_in')} < %s AND {b('check_out')} > %s AND {may_free}) FROM {night} "
        f"WHERE {n('room_type_id')} = %s AND {n('night')} IN ({', '.join(['%s'] * len(nights))}) "
        f"AND {n('rooms_total')} < {taken} + %s ORDER BY {n('night')}"
    )
    stay = [ops.adapt_datefield_value(check_out), ops.adapt_datefield_value(check_in)]
    params = [room_type_id, *stay, *may_free_params, room_type_id]
    params += [*map(ops.adapt_datefield_value, nights), rooms]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        full = cursor.fetchall()
    if not full or any(answered for _night, answered in full):
        return None
    return NightsUnavailable([inventory.night_date(night) for night, _answered in full])


def room_types_locked() -> QuerySet[RoomType]:
    """Room types read with ``inventory.lock_room_type``'s lock."""
    return RoomType.objects.select_for_update(no_key=True, of=("self",))


class BookingReads(TypedDict):
    """What ``_locked_for_booking`` reads beside the room type (the guest's two only with a guest; the
    price columns are ``PriceBook``'s)."""

    stale_holds: bool
    arrival_min_nights: int | None
    guest_channel: str | None
    guest_language: str | None
    guest_signed_up_with: str | None
    cover_id: int | None
    cover_image: str | None
    cover_alt_zh_hans: str | None
    cover_alt_en: str | None


# The homestay's cover photo, which the booking's answer shows: read with the lock, not after it.
COVER_COLUMNS = {
    "cover_id": "pk",
    "cover_image": "image",
    "cover_alt_zh_hans": "alt_zh_hans",
    "cover_alt_en": "alt_en",
}


def _booking_reads(
    *, room_type_id: int, check_in: date, check_out: date, now: datetime, guest_id: int | None
) -> QuerySet[RoomType]:
    """``_locked_for_booking``'s query (see there), built by ``LOCKED_FOR_BOOKING`` once per shape."""
    stale = Booking.objects.filter(
        room_type=OuterRef("pk"),
        status=Status.HELD,
        hold_expires_at__lte=now,
        check_in__lt=check_out,
        check_out__gt=check_in,
    )
    arrival = RoomNight.objects.filter(room_type=OuterRef("pk"), night=check_in)
    cover = Photo.objects.filter(homestay=OuterRef("homestay_id")).order_by("position", "id")
    columns = {
        "stale_holds": Exists(stale),
        "arrival_min_nights": Subquery(arrival.values("min_nights_override")[:1]),
        **PriceBook.columns(start=check_in, end=check_out),
        **{column: Subquery(cover.values(field)[:1]) for column, field in COVER_COLUMNS.items()},
    }
    if guest_id is not None:
        preference = ContactPreference.objects.filter(user=guest_id)
        columns["guest_channel"] = Subquery(preference.values("channel")[:1])
        columns["guest_language"] = Subquery(preference.values("language")[:1])
        columns["guest_signed_up_with"] = signed_up_with_column(guest_id)
    return (
        room_types_locked()
        .select_related(
            "homestay__village",
            "homestay__owner__contact_preference",
            "homestay__owner__phone",
            "homestay__payment_choice",
        )
        .annotate(**columns)
        .filter(pk=room_type_id)
    )


# Built and compiled by the ORM once, not on every booking: that took longer than the database's answer.
LOCKED_FOR_BOOKING = CompiledQuery(_booking_reads)


def _locked_for_booking(
    room_type_id: int, *, check_in: date, check_out: date, now: datetime, guest: User | None
) -> "WithAnnotations[RoomType, BookingReads]":
    """``inventory.lock_room_type``'s lock, and in the same query what a booking reads besides its nights:
    the homestay (its village, owner and payment choice), the arrival night's minimum stay, whether held
    bookings past their hold touch the stay, the holidays and price rules of the stay
    (``PriceBook.columns``), and the contact preferences of the guest and the owner (for the notices)."""
    room_type = cast(  # the annotations are built in a dict, which the stubs cannot follow
        "WithAnnotations[RoomType, BookingReads]",
        LOCKED_FOR_BOOKING.get(
            room_type_id=room_type_id,
            check_in=check_in,
            check_out=check_out,
            now=now,
            guest_id=guest.pk if guest is not None else None,
        ),
    )
    if guest is not None:
        known = None
        channel, language = room_type.guest_channel, room_type.guest_language
        if channel is not None and language is not None:  # both NOT NULL: a row, or neither
            known = ContactPreference(user=guest, channel=channel, language=language)
        ContactPreference.user.field.remote_field.set_cached_value(guest, known)
        if room_type.guest_signed_up_with is not None:
            signed_up_with_cache(guest, room_type.guest_signed_up_with)
    cover = []
    if room_type.cover_id is not None:
        cover = [
            Photo(
                pk=room_type.cover_id,
                homestay_id=room_type.homestay_id,
                image=room_type.cover_image,
                alt_zh_hans=room_type.cover_alt_zh_hans or "",
                alt_en=room_type.cover_alt_en or "",
            )
        ]
    known_related(room_type.homestay, photos=cover)
    return room_type


def booking_take(
    *,
    room_type_id: int,
    check_in: date,
    check_out: date,
    guests: int,
    rooms: int = 1,
    user: User | None = None,
    lead_guest_name: str,
    lead_guest_phone: str,
    payment: str = Booking.Payment.ONLINE,
    language: str = "zh-hans",
    unless: SameStay | None = None,
    accept: Callable[[RoomType], None] | None = None,
    event: Callable[[Booking], BookingEvent] | None = None,
) -> Booking:
    """``booking_hold``'s work inside the caller's transaction, in as few queries as it takes (one read
    with the room type's lock, one statement taking the rooms, the inserts): ``booking_place`` runs it
    with the activity event and the notices in one transaction of about ten statements.

    Raises ``RoomType.DoesNotExist``; what ``accept`` raises (it sees the locked room type before anything
    changes); ``ValidationError`` for a stay rule or the contact details; and, with the transaction no
    longer usable (roll it back), ``inventory.StayNotTaken`` when a night is full or ``unless`` found a row
    (see ``inventory.take_stay``) and ``ReferenceTaken``. The caller turns ``StayNotTaken`` into
    ``NightsUnavailable`` after the rollback (``nights_unavailable``). ``event`` makes the booking's first
    activity event (``activity.event_new``), inserted with it; the booking comes back with it in
    ``booking.events.all()``."""
    now = timezone.now()
    room_type = _locked_for_booking(room_type_id, check_in=check_in, check_out=check_out, now=now, guest=user)
    homestay = room_type.homestay
    name, phone = validate_contact(name=lead_guest_name, phone=lead_guest_phone)
    if payment not in Booking.Payment.values:
        raise ValueError(f"unknown payment method {payment!r}")
    if accept is not None:
        accept(room_type)
    nights = stay_validate(
        room_type=room_type,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        rooms=rooms,
        arrival_override=room_type.arrival_min_nights,
        arrival_override_known=True,
    )
    booking = Booking(
        reference=_random_reference(),
        user=user,
        homestay=homestay,
        room_type=room_type,
        check_in=check_in,
        check_out=check_out,
        guests=guests,
        rooms=rooms,
        payment=payment,
        needs_approval=not homestay.instant_book,
        lead_guest_name=name,
        lead_guest_phone=phone,
        language=language,
    )
    if payment == Booking.Payment.AT_HOMESTAY and homestay.instant_book:
        _confirm(booking, now)
    else:
        booking.status = Status.HELD
        booking.hold_expires_at = now + (
            payment_hold() if payment == Booking.Payment.ONLINE else request_hold()
        )
    if room_type.stale_holds:
        holds_expire_stale(room_type_id=room_type.pk, start=check_in, end=check_out, now=now)
    overrides = inventory.take_stay(
        room_type=room_type,
        nights=nights,
        rooms=rooms,
        counter=_counter(booking.status),
        unless=unless.select() if unless is not None else None,
    )
    priced = quote_from(
        PriceBook.from_columns(room_type, overrides), room_type=room_type, nights=nights, rooms=rooms
    )
    booking.total = priced.total
    booking.full_clean(
        exclude=["user", "homestay", "room_type"], validate_unique=False, validate_constraints=False
    )
    night_rows = [
        BookingNight(booking=booking, room_type=room_type, night=night.night, rooms=rooms, price=night.price)
        for night in priced.nights
    ]
    first_event = event(booking) if event is not None else None
    _insert_new(booking, night_rows, first_event)
    known_related(booking, booked_nights=night_rows, registered_guests=[], refunds=[])
    if first_event is not None:
        known_related(booking, events=[first_event])
    return booking


def known_related(obj: Any, **related: list) -> None:
    """Record rows of an object's relations known without reading them (a booking just made has these
    nights, no guests, no refunds; its homestay this cover), as ``prefetch_related`` would: ``.all()``
    answers them, any other query on the relation reads the database."""
    cache = obj.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in related.items():
        queryset = getattr(obj, name).all()
        queryset._result_cache, queryset._prefetch_done = list(rows), True
        cache[getattr(type(obj), name).rel.related_name or name] = queryset


def _random_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(REFERENCE_LENGTH))


def _insert_new(booking: Booking, nights: list[BookingNight], event: BookingEvent | None) -> None:
    """Insert the booking, its nights and its first event: one statement on PostgreSQL (data-modifying
    WITH), three elsewhere. ``ReferenceTaken`` when the reference exists."""
    try:
        if connection.vendor != "postgresql":
            booking.save(force_insert=True)
            BookingNight.objects.bulk_create(nights)
            if event is not None:
                event.booking = booking
                event.save(force_insert=True)
            return
        rows = _insert_together(booking, nights, event)
    except IntegrityError as error:
        if "reference" in str(error):
            raise ReferenceTaken from error
        raise
    booking.pk = rows[0][0]
    _inserted(booking)
    for night, (_booking_id, night_id, _event_id) in zip(nights, rows, strict=True):
        night.pk, night.booking = night_id, booking
        _inserted(night)
    if event is not None:
        event.pk, event.booking = rows[0][2], booking
        _inserted(event)


def _inserted(row) -> None:
    row._state.adding, row._state.db = False, connection.alias


def _insert_together(booking: Booking, nights: list[BookingNight], event: BookingEvent | None) -> list[tuple]:
    """PostgreSQL: ``WITH new_booking AS (INSERT booking), new_event AS (INSERT event) INSERT nights``,
    answering (booking id, night id, event id) per night. Names are quoted by the backend, every value
    is a parameter."""
    quote = connection.ops.quote_name
    meta = Booking._meta
    query = InsertQuery(Booking)
    query.insert_values([f for f in meta.local_concrete_fields if f is not meta.auto_field], [booking])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    ((booking_sql, params),) = compiler.as_sql()
    parts = [f"WITH new_booking AS ({booking_sql})"]
    params = list(params)
    event_id = "NULL"
    if event is not None:
        fields = [
            f for f in BookingEvent._meta.local_concrete_fields if f is not BookingEvent._meta.auto_field
        ]
        values = []
        for field in fields:
            if field.attname == "booking_id":
                values.append("(SELECT id FROM new_booking)")
            else:
                values.append("%s")
                params.append(field.get_db_prep_save(field.pre_save(event, add=True), connection))
        columns = ", ".join(quote(cast(str, field.column)) for field in fields)  # concrete: never None
        parts.append(
            f", new_event AS (INSERT INTO {quote(BookingEvent._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({', '.join(values)}) RETURNING id)"
        )
        event_id = "(SELECT id FROM new_event)"
    night_columns = ", ".join(map(quote, ["booking_id", "room_type_id", "night", "rooms", "price"]))
    parts.append(
        f" INSERT INTO {quote(BookingNight._meta.db_table)} ({night_columns}) "  # noqa: S608
        "SELECT new_booking.id, night.* FROM new_booking, "
        "unnest(%s::bigint[], %s::date[], %s::integer[], %s::numeric[]) AS night "
        f"RETURNING {quote('booking_id')}, {quote('id')}, {event_id}"
    )
    params += [
        [night.room_type_id for night in nights],
        [night.night for night in nights],
        [night.rooms for night in nights],
        [night.price for night in nights],
    ]
    with connection.cursor() as cursor:
        cursor.execute("".join(parts), params)
        return cursor.fetchall()


def _retake(booking: Booking, now: datetime, counter: str) -> None:
    """Take an expired booking's rooms again (a late payment; ``transition_check`` saw the dates)."""
    room_type = RoomType.objects.get(pk=booking.room_type_id)
    holds_expire_stale(room_type_id=room_type.pk, start=booking.check_in, end=booking.check_out, now=now)
    nights = stay_nights(booking.check_in, booking.check_out)
    inventory.take(room_type=room_type, nights=nights, rooms=booking.rooms, counter=counter)
    booking.refund_due = None


@transaction.atomic
def booking_confirm(*, booking: Booking) -> Booking:
    """The guest's online payment has arrived: confirm, or wait for the owner's approval (on request)."""
    booking = lock_booking(booking)
    if booking.is_paid or (booking.payment == Booking.Payment.AT_HOMESTAY and booking.status in SETTLED):
        return booking
    transition_check(booking, "confirm")
    now = timezone.now()
    awaits_owner = booking.needs_approval and booking.approved_at is None
    if booking.status == Status.EXPIRED:
        _retake(booking, now, inventory.HELD if awaits_owner else inventory.BOOKED)
    elif not awaits_owner:
        nights = stay_nights(booking.check_in, booking.check_out)
        inventory.move(
            room_type_id=booking.room_type_id,
            nights=nights,
            rooms=booking.rooms,
            source=inventory.HELD,
            target=inventory.BOOKED,
        )
    booking.paid_at = now
    if awaits_owner:
        booking.status = Status.HELD
        booking.hold_expires_at = now + request_hold()
    else:
        _confirm(booking, now)
    booking.save()
    return booking


@transaction.atomic
def booking_approve(*, booking: Booking) -> Booking:
    """The owner accepts a request (on-request homestays). A request past its answer time that nobody
    has expired yet can still be accepted: its rooms were never given back."""
    booking = lock_booking(booking)
    if booking.approved_at is not None or booking.status in SETTLED:
        return booking
    transition_check(booking, "approve")
    now = timezone.now()
    inventory.move(
        room_type_id=booking.room_type_id,
        nights=stay_nights(booking.check_in, booking.check_out),
        rooms=booking.rooms,
        source=inventory.HELD,
        target=inventory.BOOKED,
    )
    booking.approved_at = now
    _confirm(booking, now)
    booking.save()
    return booking


def _cancel(booking: Booking, *, by: str, reason: str, refund: Decimal) -> None:
    _release_from(booking, booking.check_in)
    booking.status = Status.CANCELLED
    booking.cancelled_by = by
    booking.cancel_reason = reason[:200]
    booking.cancelled_at = timezone.now()
    booking.refund_due = quantize(refund)
    booking.save()


@transaction.atomic
def booking_decline(*, booking: Booking, reason: str = "") -> Booking:
    """The owner turns down a held booking; whatever was paid is refunded in full."""
    booking = lock_booking(booking)
    if booking.status == Status.CANCELLED:
        return booking
    transition_check(booking, "decline")
    _cancel(booking, by=Party.OWNER, reason=reason, refund=_paid_amount(booking))
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by: str, reason: str = "") -> Booking:
    """Cancel a held or confirmed booking up to its arrival day; sets ``refund_due``.

    ``by`` is a ``Booking.Party``. The guest gets what the homestay's cancellation policy gives
    (``bookings.policies``); a cancellation by the owner or the platform, or of a booking not yet
    confirmed, refunds everything paid.
    """
    if by not in Party.values:
        raise ValueError(f"unknown party {by!r}")
    booking = lock_booking(booking)
    if booking.status == Status.CANCELLED:
        return booking
    transition_check(booking, "cancel")
    today = local_today()
    _cancel(booking, by=by, reason=reason, refund=cancellation_refund(booking=booking, by=by, today=today))
    return booking


@transaction.atomic
def booking_expire(*, booking: Booking) -> Booking:
    """Expire a held booking whose hold time is over, giving its rooms back."""
    booking = lock_booking(booking)
    if booking.status == Status.EXPIRED:
        return booking
    transition_check(booking, "expire")
    now = timezone.now()
    _expire(booking, now)
    booking.refresh_from_db()
    return booking


def bookings_expire_due() -> int:
    """Expire every held booking whose hold is over (the ``expire_holds`` command). Each booking in its
    own transaction, so a long run never blocks guests. Returns how many were expired."""
    now = timezone.now()
    due = Booking.objects.filter(status=Status.HELD, hold_expires_at__lte=now).order_by("id")
    expired = 0
    for booking in due.only("pk"):
        with transaction.atomic():
            locked = lock_booking(booking)
            if (
                locked.status == Status.HELD
                and locked.hold_expires_at is not None
                and locked.hold_expires_at <= now
                and _expire(locked, now)
            ):
                expired += 1
    return expired


@transaction.atomic
def booking_check_in(*, booking: Booking) -> Booking:
    """The guest has arrived: from the check-in date until the last night (Beijing time)."""
    booking = lock_booking(booking)
    if booking.status == Status.CHECKED_IN:
        return booking
    transition_check(booking, "check_in")
    booking.status = Status.CHECKED_IN
    booking.checked_in_at = timezone.now()
    booking.save()
    return booking


@transaction.atomic
def booking_check_out(*, booking: Booking) -> Booking:
    """The guest has left (→ completed). Leaving early gives back the nights from today on."""
    booking = lock_booking(booking)
    if booking.status == Status.COMPLETED:
        return booking
    transition_check(booking, "check_out")
    _release_from(booking, local_today())
    booking.status = Status.COMPLETED
    booking.completed_at = timezone.now()
    booking.save()
    return booking


@transaction.atomic
def booking_mark_no_show(*, booking: Booking) -> Booking:
    """The guest never came: possible from the day after arrival; the nights from today on are given
    back for sale, the missed ones stay charged (no refund)."""
    booking = lock_booking(booking)
    if booking.status == Status.NO_SHOW:
        return booking
    transition_check(booking, "no_show")
    _release_from(booking, local_today())
    booking.status = Status.NO_SHOW
    booking.refund_due = ZERO
    booking.save()
    return booking


def _guest_error(position: int, error: ValidationError) -> ValidationError:
    return ValidationError(
        _("第%(n)s位入住人:%(message)s Guest %(n)s: %(message)s")
        % {"n": position, "message": error.messages[0]},
        code=error.code,
    )


def _validated_guests(booking: Booking, guests: list[GuestDetails]) -> list[Guest]:
    if not 1 <= len(guests) <= booking.guests:
        raise ValidationError(
            _("请登记1到%(n)s位入住人 Register between 1 and %(n)s guests") % {"n": booking.guests},
            code="guest_count",
        )
    rows = []
    for position, details in enumerate(guests, start=1):
        try:
            name = clean_name(details.name)
            number = validate_document(details.document_type, details.document_number)
        except ValidationError as error:
            raise _guest_error(position, error) from None
        rows.append(
            Guest(
                booking=booking,
                name=name,
                document_type=details.document_type,
                document_number=number,
                is_lead=details.is_lead,
            )
        )
    if len({(row.document_type, row.document_number) for row in rows}) < len(rows):
        raise ValidationError(_("同一证件登记了两次 The same document is registered twice"), code="duplicate")
    leads = sum(row.is_lead for row in rows)
    if leads > 1:
        raise ValidationError(_("只能有一位主要联系人 Only one guest can be the lead guest"), code="lead")
    if not leads:
        rows[0].is_lead = True
    return rows


@transaction.atomic
def guests_register(*, booking: Booking, guests: list[GuestDetails], by: User | None = None) -> list[Guest]:
    """Register the guests' identity documents at check-in (实名登记), replacing any earlier
    registration of the booking. The first guest is the lead unless one is marked. ``by`` is the user
    (the owner) who registers them; checking that they may is the caller's job."""
    booking = lock_booking(booking)
    transition_check(booking, "register")
    rows = _validated_guests(booking, guests)
    for row in rows:
        row.registered_by = by
    Guest.objects.filter(booking=booking).delete()
    return Guest.objects.bulk_create(rows)
