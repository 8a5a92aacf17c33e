"""Stripe events, after ``StripeCheckout.handle_webhook`` verified their signature.

Each event id is recorded once (``WebhookEvent``), in the same transaction as its effect: a replay is
answered and ignored, and an event whose handling failed is not recorded, so Stripe's retry handles it
again. Events may arrive twice and in any order; the handlers only move statuses forward and the
services are idempotent, so every order ends in the same state. Unknown event types are answered
and logged.

Money is checked before it counts: a paid session's ``amount_total`` (minor units, converted with the
currency's decimals) and ``currency`` (any case) go to ``payment_succeeded``, which confirms the booking
only when both are the payment's. Anything else never confirms: what arrived is recorded on the payment
and flagged for staff; in CNY it is refunded in full at once, in another currency it is left to staff
(see ``bookings.payments.services``).

Every correctly signed delivery gets a deliberate answer, never a 500 for what it contains (a 500 is
left for our own failures, a database that is down, where Stripe's retry helps):

* **200**: handled; a replay; a type we do not handle (its content is not read); a session, refund or
  charge that matches nothing of ours (logged as an error).
* **400** ``MalformedEvent``, logged as a warning, nothing recorded: the body is not a JSON object; the
  event's ``id`` or ``type`` is missing, not text, holds a NUL byte or is too long to store; or an event we
  handle lacks what we read: ``data.object``, a session's ``id``, a paid session's ``amount_total`` (a
  positive whole number) and ``currency``, a refund's ``id`` and ``status``, the ``amount`` of a refund
  made in the Stripe Dashboard, ``metadata`` or a charge's ``refunds`` that are not objects, a
  ``payment_intent`` that is not an id. Stripe never sends such an event; if one arrives, nothing of it
  is guessed (accepting it with a 200 could lose a payment we could not read). Stripe retries a 400 like
  any failure, which changes nothing, and shows the delivery as failed in its Dashboard, from where it
  can be sent again once understood.
"""

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Q

from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.services import (
    payment_status_advance,
    payment_succeeded,
    refund_record_outside,
    refund_status_set,
)
from common.money import from_minor_units, quantize

logger = logging.getLogger(__name__)

PROVIDER = "stripe_checkout"
REFUND_STATUSES = {
    "succeeded": Refund.Status.SUCCEEDED,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.FAILED,
}
REFERENCE_LENGTH = 255  # our provider reference columns
EVENT_TYPE_LENGTH = 100
# Stripe's minor units: two decimals, except these currencies (https://docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())  # noqa: SIM905
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})


class MalformedEvent(Exception):
    """A correctly signed event we cannot read (see the module's docstring): answered 400."""


def refund_status(stripe_status: str) -> str:
    """Our refund status for Stripe's (pending and requires_action are still on their way)."""
    return REFUND_STATUSES.get(stripe_status, Refund.Status.PENDING)


def stripe_amount(units: int, currency: str) -> Decimal:
    """An amount in Stripe's minor units of ``currency`` as a Decimal."""
    if currency.lower() in ZERO_DECIMAL:
        return quantize(units)
    if currency.lower() in THREE_DECIMAL:
        return quantize(Decimal(units) / 1000)
    return from_minor_units(units)


def _object(value: object, what: str) -> dict:
    if not isinstance(value, dict):
        raise MalformedEvent(f"{what} is missing or not an object")
    return value


def _text(stripe_object: dict, key: str, max_length: int = REFERENCE_LENGTH) -> str:
    value = stripe_object.get(key)
    if not isinstance(value, str) or not value or "\x00" in value or len(value) > max_length:
        raise MalformedEvent(f"{key} is missing or not a storable text")
    return value


def _optional_text(stripe_object: dict, key: str) -> str:
    return "" if stripe_object.get(key) in (None, "") else _text(stripe_object, key)


def _minor_units(stripe_object: dict, key: str) -> int:
    value = stripe_object.get(key)
    if type(value) is not int or value <= 0:
        raise MalformedEvent(f"{key} is missing or not a positive whole number")
    return value


def _metadata(stripe_object: dict, key: str) -> str:
    metadata = stripe_object.get("metadata")
    return "" if metadata is None else _optional_text(_object(metadata, "metadata"), key)


def _metadata_id(stripe_object: dict, key: str) -> int | None:
    value = _metadata(stripe_object, key)
    return int(value) if value.isascii() and value.isdigit() else None


def _payment_for_session(session: dict) -> Payment | None:
    """Our payment for a Checkout Session: by the session id, or by the ids in its metadata (the
    session may have been created while our answer got lost)."""
    session_id = _text(session, "id")
    payments = Payment.objects.filter(provider=PROVIDER).select_related("booking")
    payment = payments.filter(provider_reference=session_id).first()
    payment_id = _metadata_id(session, "payment")
    if payment is None and payment_id is not None:
        payable = _metadata(session, "payable")
        owner = Q(payable=payable) if payable else Q(booking__reference=_metadata(session, "booking"))
        payment = payments.filter(owner, pk=payment_id, provider_reference="").first()
    if payment is None:
        logger.error("Stripe Checkout Session %s matches no payment of ours", session_id)
    return payment


class _References(TypedDict):
    provider_reference: str
    provider_payment_reference: str


class _Received(TypedDict):
    amount: Decimal
    currency: str


def _references(session: dict) -> _References:
    return {
        "provider_reference": _text(session, "id"),
        "provider_payment_reference": _optional_text(session, "payment_intent"),
    }


def _received(session: dict) -> _Received:
    """What Stripe says the guest paid, for ``payment_succeeded`` to compare with the payment."""
    currency = _text(session, "currency", max_length=3)
    return {"amount": stripe_amount(_minor_units(session, "amount_total"), currency), "currency": currency}


def session_completed(session: dict) -> None:
    """The guest finished Checkout: paid now, or (async methods) the money comes later."""
    payment = _payment_for_session(session)
    if payment is None:
        return
    if session.get("payment_status") == "paid":
        payment_succeeded(payment=payment, **_references(session), **_received(session))
    else:
        payment_status_advance(payment=payment, status=Payment.Status.PROCESSING, **_references(session))


def session_paid(session: dict) -> None:
    payment = _payment_for_session(session)
    if payment is not None:
        payment_succeeded(payment=payment, **_references(session), **_received(session))


def _session_closed(status: str) -> Callable[[dict], None]:
    def handle(session: dict) -> None:
        payment = _payment_for_session(session)
        if payment is not None:
            payment_status_advance(payment=payment, status=status, **_references(session))

    return handle


def _refund_for(stripe_refund: dict) -> Refund | None:
    refund_id = _text(stripe_refund, "id")
    refunds = Refund.objects.filter(payment__provider=PROVIDER).select_related("payment", "booking")
    refund = refunds.filter(provider_reference=refund_id).first()
    metadata_id = _metadata_id(stripe_refund, "refund")
    if refund is None and metadata_id is not None:
        refund = refunds.filter(pk=metadata_id, provider_reference="").first()
    if refund is not None:
        return refund
    payment = Payment.objects.filter(
        provider=PROVIDER, provider_payment_reference=_optional_text(stripe_refund, "payment_intent") or "-"
    ).first()
    if payment is None:
        logger.error("Stripe refund %s matches no payment of ours", refund_id)
        return None
    return refund_record_outside(
        payment=payment,
        amount=stripe_amount(_minor_units(stripe_refund, "amount"), payment.currency),
        provider_reference=refund_id,
    )


def refund_changed(stripe_refund: dict) -> None:
    status = _text(_object(stripe_refund, "refund"), "status")
    refund = _refund_for(stripe_refund)
    if refund is not None:
        refund_status_set(refund=refund, status=refund_status(status), provider_reference=stripe_refund["id"])


def charge_refunded(charge: dict) -> None:
    """Older API versions list the charge's refunds here; newer ones send refund.* events for each."""
    listed = charge.get("refunds")
    refunds = [] if listed is None else _object(listed, "refunds").get("data") or []
    if not isinstance(refunds, list):
        raise MalformedEvent("refunds.data is not a list")
    if not refunds:
        logger.info("Stripe charge %s refunded: details follow in refund events", charge.get("id"))
    for stripe_refund in refunds:
        refund_changed(stripe_refund)


HANDLERS: dict[str, Callable[[dict], None]] = {
    "checkout.session.completed": session_completed,
    "checkout.session.async_payment_succeeded": session_paid,
    "checkout.session.async_payment_failed": _session_closed(Payment.Status.FAILED),
    "checkout.session.expired": _session_closed(Payment.Status.EXPIRED),
    "refund.created": refund_changed,
    "refund.updated": refund_changed,
    "refund.failed": refund_changed,
    "charge.refunded": charge_refunded,
}


def _event_record(event_id: str, event_type: str) -> bool:
    """Record the event; False when it was recorded before (a replay)."""
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(provider=PROVIDER, event_id=event_id, event_type=event_type)
    except IntegrityError:
        return False
    return True


def stripe_event_handle(event: object) -> None:
    """Handle one event (the parsed body). Raises ``MalformedEvent`` when it cannot be read; nothing of
    it is recorded then."""
    event = _object(event, "the event")
    event_id, event_type = _text(event, "id"), _text(event, "type", max_length=EVENT_TYPE_LENGTH)
    try:
        with transaction.atomic():
            if not _event_record(event_id, event_type):
                logger.info("Stripe event %s (%s) already handled", event_id, event_type)
                return
            handler = HANDLERS.get(event_type)
            if handler is None:
                logger.info("Stripe event %s of type %s is not handled", event_id, event_type)
                return
            handler(_object(_object(event.get("data"), "data").get("object"), "data.object"))
    except MalformedEvent as error:
        raise MalformedEvent(f"{event_type} {event_id}: {error}") from error
