"""One use case per action on a booking, called by every entry point: the booking pages, the API, the
owner console, the payment webhooks (through ``bookings.payments.services``) and the scheduled jobs.

Each use case validates, changes state through ``bookings.services`` in one transaction, writes one
activity event (``bookings.activity``) and queues the notices the new state calls for
(``bookings.notices``, sent by the worker after commit). Calls to a payment provider (refunds, closing
a payment page still open) happen after the transaction, through ``bookings.payments.services``, which
is safe to repeat. So whichever way an action arrives, it ends in the same state, ledger entries,
activity event and notifications.

Each returns an ``Outcome``: the booking as it is now, and whether this call changed it (``False`` when
it was already done: a repeated click, a replayed request, a webhook delivered twice).

Errors: ``IllegalTransition`` (the transition table says no), ``NightsUnavailable`` and Django's
``ValidationError`` (bad input) from the services, unchanged; the entry points map them to answers
(``bookings.api`` in one place, with ninja's exception handlers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import services
from bookings.activity import Action, BookingEvent, Source, event_new, event_record
from bookings.contacts import validate_contact
from bookings.guests import GuestDetails
from bookings.inventory import StayNotTaken
from bookings.models import Booking
from bookings.notices import booking_notices_queue, reminder_queue
from bookings.payments.base import AT_HOMESTAY
from bookings.payments.models import Refund
from bookings.payments.services import (
    payment_mark_paid_at_homestay,
    refund_cash_handed_back,
    refund_for_cancellation,
)
from bookings.services import lock_booking
from bookings.transitions import GUEST, OWNER, STAFF, SYSTEM, TRANSITIONS, transition_check
from common.clock import local_today
from villages.models import RoomType

Status = Booking.Status
DUPLICATE_WINDOW = timedelta(minutes=10)
PARTY = {
    GUEST: Booking.Party.GUEST,
    OWNER: Booking.Party.OWNER,
    STAFF: Booking.Party.PLATFORM,
    SYSTEM: Booking.Party.PLATFORM,
}


@dataclass(frozen=True)
class Actor:
    """Who acts (``role`` from ``bookings.transitions``), through which entry point
    (``bookings.activity.Source``), and the user when there is one."""

    role: str
    source: str
    user: User | None = None


SCHEDULE = Actor(SYSTEM, Source.SYSTEM)


@dataclass(frozen=True)
class Outcome:
    booking: Booking
    changed: bool


def _allowed(actor: Actor, action: str) -> None:
    if actor.role not in TRANSITIONS[action].roles:
        raise ValueError(f"role {actor.role!r} may not {action}")


def _record(booking: Booking, *, before: str, action: str, actor: Actor, note: str = "") -> BookingEvent:
    event = event_record(
        booking=booking,
        action=action,
        role=actor.role,
        source=actor.source,
        from_status=before,
        actor=actor.user,
        note=note,
    )
    booking_notices_queue(booking, actor_role=actor.role)
    return event


def booking_place(
    *,
    actor: Actor,
    room_type: RoomType | int,
    check_in: date,
    check_out: date,
    guests: int,
    rooms: int = 1,
    lead_guest_name: str,
    lead_guest_phone: str,
    payment: str = Booking.Payment.ONLINE,
    language: str = "zh-hans",
    accept: Callable[[RoomType], None] | None = None,
) -> Outcome:
    """Book a stay. The same user sending the same stay again within ``DUPLICATE_WINDOW`` (a double tap,
    a reload, a client retrying without an idempotency key) gets the booking made moments ago
    (``changed=False``), never a second one: the check is read in the statement that takes the rooms,
    after the room type's lock, so simultaneous submissions take turns and the later ones find the first
    one's booking. A guest who really wants a second, identical booking books more rooms in one booking
    or names another lead guest.

    ``room_type`` may be given by its id; ``RoomType.DoesNotExist`` when there is none. ``accept`` is
    called with the locked room type before anything changes and may refuse by raising (the API's check
    that the homestay takes the way of paying). A new booking comes back with its nights and its event,
    so an answer built from it reads nothing more."""
    user = actor.user
    room_type_id = room_type if isinstance(room_type, int) else room_type.pk
    stay: dict[str, Any] = {"check_in": check_in, "check_out": check_out, "guests": guests, "rooms": rooms}
    name, phone = validate_contact(name=lead_guest_name, phone=lead_guest_phone)
    same_stay = None
    if user is not None:
        same_stay = services.SameStay(
            user_id=user.pk,
            room_type_id=room_type_id,
            lead_guest_name=name,
            lead_guest_phone=phone,
            since=timezone.now() - DUPLICATE_WINDOW,
            **stay,
        )
    refusal = services.booking_refused_early(
        room_type_id=room_type_id, check_in=check_in, check_out=check_out, rooms=rooms, same_stay=same_stay
    )
    if refusal is not None:
        raise refusal

    def placed(booking: Booking) -> BookingEvent:
        return event_new(
            booking=booking,
            action=Action.PLACED,
            role=actor.role,
            source=actor.source,
            from_status="",
            actor=actor.user,
        )

    try:
        booking = services.booking_made(
            room_type_id=room_type_id,
            user=user,
            lead_guest_name=name,
            lead_guest_phone=phone,
            payment=payment,
            language=language,
            unless=same_stay,
            accept=accept,
            event=placed,
            then=lambda booking: booking_notices_queue(booking, actor_role=actor.role),
            **stay,
        )
    except StayNotTaken as missed:
        duplicate = same_stay.bookings().order_by("-created_at").first() if same_stay is not None else None
        if duplicate is not None:
            return Outcome(duplicate, changed=False)
        raise services.nights_unavailable(missed) from None
    return Outcome(booking, changed=True)


def _change(booking: Booking, *, actor: Actor, action: str, event: str, change, note: str = "") -> Outcome:
    _allowed(actor, action)
    with transaction.atomic():
        before = lock_booking(booking)
        after = change(before)
        changed = after.status != before.status
        if changed:
            _record(after, before=before.status, action=event, actor=actor, note=note)
    return Outcome(after, changed)


def booking_decline(*, booking: Booking, actor: Actor, reason: str = "") -> Outcome:
    """Turn down a request: everything paid goes back, a payment page still open is closed."""
    outcome = _change(
        booking,
        actor=actor,
        action="decline",
        event=Action.DECLINED,
        change=lambda b: services.booking_decline(booking=b, reason=reason),
        note=reason,
    )
    refund_for_cancellation(booking=outcome.booking)
    return outcome


def booking_cancel(*, booking: Booking, actor: Actor, reason: str = "") -> Outcome:
    """Cancel: the refund the policy gives (all of it when the owner or the platform cancels) goes back
    the way it was paid, and a payment page still open is closed. Safe to repeat: a second call refunds
    nothing more."""
    outcome = _change(
        booking,
        actor=actor,
        action="cancel",
        event=Action.CANCELLED,
        change=lambda b: services.booking_cancel(booking=b, by=PARTY[actor.role], reason=reason),
        note=reason,
    )
    refund_for_cancellation(booking=outcome.booking)
    return outcome


def _transition(action: str, event: str, service: Callable[..., Booking]) -> Callable[..., Outcome]:
    """A use case that is one state change and nothing more: approve, check in, check out, no-show."""

    def use_case(*, booking: Booking, actor: Actor) -> Outcome:
        return _change(booking, actor=actor, action=action, event=event, change=lambda b: service(booking=b))

    use_case.__name__ = use_case.__qualname__ = f"booking_{action}"
    use_case.__doc__ = f"``{action}`` through ``bookings.services.{service.__name__}``, recorded and told."
    return use_case


booking_approve = _transition("approve", Action.APPROVED, services.booking_approve)
booking_check_in = _transition("check_in", Action.CHECKED_IN, services.booking_check_in)
booking_check_out = _transition("check_out", Action.CHECKED_OUT, services.booking_check_out)
booking_no_show = _transition("no_show", Action.NO_SHOW, services.booking_mark_no_show)


def booking_expire(*, booking: Booking, actor: Actor = SCHEDULE) -> Outcome:
    """Expire one held booking whose hold is over (the services record it: every expiry does, also
    the ones found lazily while another guest books); a paid request is refunded."""
    _allowed(actor, "expire")
    with transaction.atomic():
        before = lock_booking(booking).status
        after = services.booking_expire(booking=booking)
    refund_for_cancellation(booking=after)
    return Outcome(after, after.status != before)


def bookings_expire_due() -> int:
    """Expire every held booking whose hold is over (the ``expire_holds`` job); each is recorded and its
    guest told, like any expiry. Refunds of paid requests follow in ``refunds_send_due``."""
    return services.bookings_expire_due()


def guests_register(*, booking: Booking, actor: Actor, guests: list[GuestDetails]) -> Outcome:
    """Register the guests' documents at check-in (实名登记). The event records how many, never who."""
    _allowed(actor, "register")
    with transaction.atomic():
        locked = lock_booking(booking)
        rows = services.guests_register(booking=locked, guests=guests, by=actor.user)
        event_record(
            booking=locked,
            action=Action.GUESTS_REGISTERED,
            role=actor.role,
            source=actor.source,
            from_status=locked.status,
            actor=actor.user,
            note=_("%(n)s位入住人 %(n)s guest(s)") % {"n": len(rows)},
        )
    return Outcome(locked, changed=True)


def booking_paid_at_homestay(*, booking: Booking, actor: Actor) -> Outcome:
    """The owner took the guest's money at the homestay."""
    _allowed(actor, "paid")
    with transaction.atomic():
        locked = lock_booking(booking)
        was_paid = locked.is_paid
        payment_mark_paid_at_homestay(booking=locked, by=actor.user)
        after = Booking.objects.get(pk=locked.pk)
        if not was_paid:
            event_record(
                booking=after,
                action=Action.PAID_AT_HOMESTAY,
                role=actor.role,
                source=actor.source,
                from_status=locked.status,
                actor=actor.user,
            )
    return Outcome(after, changed=not was_paid)


def cash_refund_handed_back(*, booking: Booking, actor: Actor) -> Outcome:
    """The owner handed the cash refund back: the ledger posts it now and the guest is told. Refuses when
    no cash refund is waiting (``IllegalTransition``)."""
    _allowed(actor, "cash_refunded")
    cash = Refund.objects.filter(booking=booking, payment__provider=AT_HOMESTAY)
    with transaction.atomic():
        locked = lock_booking(booking)
        pending = list(cash.filter(status=Refund.Status.PENDING).order_by("id"))
        if not pending and cash.filter(status=Refund.Status.SUCCEEDED).exists():
            return Outcome(locked, changed=False)  # a second tap: already recorded
        transition_check(locked, "cash_refunded")
        for refund in pending:
            refund_cash_handed_back(refund=refund, by=actor.user, source=actor.source)
    return Outcome(Booking.objects.get(pk=booking.pk), changed=True)


def reminders_queue_due() -> int:
    """Queue the day-before reminder (address, the host's phone, how to get there) for every confirmed
    stay that starts tomorrow, Beijing time (the daily ``booking_reminders`` job). Each booking is
    reminded once however often the job runs; a stay cancelled before the worker sends it is skipped."""
    tomorrow = local_today() + timedelta(days=1)
    due = Booking.objects.filter(status=Status.CONFIRMED, check_in=tomorrow).select_related(
        "homestay__owner", "user"
    )
    count = 0
    for booking in due.order_by("id"):
        with transaction.atomic():
            reminder_queue(booking)
        count += 1
    return count
