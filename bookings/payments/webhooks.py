"""Stripe events, after ``StripeCheckout.handle_webhook`` verified their signature.

Each event id is recorded once (``WebhookEvent``), in the same transaction as its effect: a replay is
answered and ignored, and an event whose handling failed is not recorded, so Stripe's retry handles it
again. Events may arrive twice and in any order; the handlers only move statuses forward and the
services are idempotent, so every order ends in the same state. Unknown event types are answered
and logged.
"""

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction

from bookings.money import from_minor_units
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.services import (
    payment_status_advance,
    payment_succeeded,
    refund_record_outside,
    refund_status_set,
)

logger = logging.getLogger(__name__)

PROVIDER = "stripe_checkout"
REFUND_STATUSES = {
    "succeeded": Refund.Status.SUCCEEDED,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.FAILED,
}


def refund_status(stripe_status: str) -> str:
    """Our refund status for Stripe's (pending and requires_action are still on their way)."""
    return REFUND_STATUSES.get(stripe_status, Refund.Status.PENDING)


def _metadata_id(stripe_object: dict, key: str) -> int | None:
    value = (stripe_object.get("metadata") or {}).get(key, "")
    return int(value) if str(value).isdigit() else None


def _payment_for_session(session: dict) -> Payment | None:
    """Our payment for a Checkout Session: by the session id, or by the ids in its metadata (the
    session may have been created while our answer got lost)."""
    payments = Payment.objects.filter(provider=PROVIDER).select_related("booking")
    payment = payments.filter(provider_reference=session["id"]).first()
    payment_id = _metadata_id(session, "payment")
    if payment is None and payment_id is not None:
        booking = (session.get("metadata") or {}).get("booking", "")
        payment = payments.filter(pk=payment_id, booking__reference=booking, provider_reference="").first()
    if payment is None:
        logger.error("Stripe Checkout Session %s matches no payment of ours", session["id"])
    return payment


def _references(session: dict) -> dict[str, str]:
    return {
        "provider_reference": session["id"],
        "provider_payment_reference": session.get("payment_intent") or "",
    }


def session_completed(session: dict) -> None:
    """The guest finished Checkout: paid now, or (async methods) the money comes later."""
    payment = _payment_for_session(session)
    if payment is None:
        return
    if session.get("payment_status") == "paid":
        payment_succeeded(payment=payment, **_references(session))
    else:
        payment_status_advance(payment=payment, status=Payment.Status.PROCESSING, **_references(session))


def session_paid(session: dict) -> None:
    payment = _payment_for_session(session)
    if payment is not None:
        payment_succeeded(payment=payment, **_references(session))


def _session_closed(status: str) -> Callable[[dict], None]:
    def handle(session: dict) -> None:
        payment = _payment_for_session(session)
        if payment is not None:
            payment_status_advance(payment=payment, status=status, **_references(session))

    return handle


def _refund_for(stripe_refund: dict) -> Refund | None:
    refunds = Refund.objects.filter(payment__provider=PROVIDER).select_related("payment", "booking")
    refund = refunds.filter(provider_reference=stripe_refund["id"]).first()
    refund_id = _metadata_id(stripe_refund, "refund")
    if refund is None and refund_id is not None:
        refund = refunds.filter(pk=refund_id, provider_reference="").first()
    if refund is not None:
        return refund
    payment = Payment.objects.filter(
        provider=PROVIDER, provider_payment_reference=stripe_refund.get("payment_intent") or "-"
    ).first()
    if payment is None:
        logger.error("Stripe refund %s matches no payment of ours", stripe_refund["id"])
        return None
    return refund_record_outside(
        payment=payment,
        amount=from_minor_units(stripe_refund["amount"]),
        provider_reference=stripe_refund["id"],
    )


def refund_changed(stripe_refund: dict) -> None:
    refund = _refund_for(stripe_refund)
    if refund is not None:
        refund_status_set(
            refund=refund,
            status=refund_status(stripe_refund["status"]),
            provider_reference=stripe_refund["id"],
        )


def charge_refunded(charge: dict) -> None:
    """Older API versions list the charge's refunds here; newer ones send refund.* events for each."""
    refunds = (charge.get("refunds") or {}).get("data") or []
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


def stripe_event_handle(event: dict) -> None:
    event_id, event_type = event["id"], event["type"]
    with transaction.atomic():
        if not _event_record(event_id, event_type):
            logger.info("Stripe event %s (%s) already handled", event_id, event_type)
            return
        handler = HANDLERS.get(event_type)
        if handler is None:
            logger.info("Stripe event %s of type %s is not handled", event_id, event_type)
            return
        handler(event["data"]["object"])
