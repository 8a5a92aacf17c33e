"""Stripe Checkout, turned on by ``STRIPE_SECRET_KEY`` and ``STRIPE_WEBHOOK_SECRET``.

Amounts go to Stripe in fen (CNY minor units). Payment methods come from ``STRIPE_PAYMENT_METHODS``
(card by default; ``alipay`` and ``wechat_pay`` where the Stripe account's country supports them).
Every create call carries the idempotency key stored on our record, so a retry after a timeout can
never open a second session or send a second refund.

Hold and session expiry: Stripe wants a Checkout Session to live at least 30 minutes, our payment hold
is 15 minutes by default. The session lives ``SESSION_MINIMUM`` (31 minutes, one to spare for clock
differences) or until the hold ends if that is later, and the booking's hold is extended to the
session's end. So a guest on the payment page never pays for rooms that were given away, and a session
never outlives its hold; a payment that still arrives late (an async method, a delayed webhook) goes
through the late-payment path of ``bookings.payments.services``. A cancelled booking's open session is
expired explicitly (``cancel_payment``).

Every call to Stripe gives up in time, because a guest's request (or a webhook's) waits for it and
gunicorn kills a worker after 30 s (docs/deployment.md); Stripe's library alone would wait 80 s a try,
three tries. Here each call has a connect timeout (``PAYMENT_PROVIDER_CONNECT_TIMEOUT``, 3 s), a read
timeout (``PAYMENT_PROVIDER_READ_TIMEOUT``, 6 s: the longest silence while Stripe answers) and
``PAYMENT_PROVIDER_RETRIES`` (1) more try after a timeout, a dropped connection, a 409 or a 5xx, half a
second later: about 2 x (3 + 6) + 0.5 = 18.5 s at worst (a slow DNS lookup comes on top). A call that
still fails is a retryable ``PaymentProviderError``: the guest is asked to try again (503) and keeps the
hold; a refund is sent again later with the same idempotency key (``refunds_send_due``).
"""

import functools
import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from bookings.payments.base import (
    ANY_CLIENT,
    PaymentClient,
    PaymentProvider,
    PaymentProviderError,
    PaymentStart,
    RefundResult,
)
from bookings.payments.models import Payment, Refund
from bookings.payments.payables import payable_of
from bookings.payments.webhooks import PROVIDER, MalformedEvent, refund_status, stripe_event_handle
from common.money import to_minor_units

if TYPE_CHECKING:
    from stripe.params import RefundCreateParams
    from stripe.params.checkout import SessionCreateParams

logger = logging.getLogger(__name__)

SESSION_MINIMUM = timedelta(minutes=31)
DEFAULT_METHODS = ["card"]
WEBHOOK_TOLERANCE_SECONDS = 300
CHECKOUT_LOCALES = {"zh-hans": "zh", "en": "en"}
RETRYABLE_ERRORS = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def _provider_error(error: stripe.StripeError) -> PaymentProviderError:
    return PaymentProviderError(
        f"Stripe: {error.user_message or error.__class__.__name__}",
        retryable=isinstance(error, RETRYABLE_ERRORS),
    )


@functools.cache
def _http_client(connect_timeout: float, read_timeout: float) -> stripe.HTTPClient:
    """One client (and its connection pool) per pair of timeouts, shared by every call."""
    return stripe.RequestsClient(timeout=(connect_timeout, read_timeout))


def _product_name(booking: Booking) -> str:
    with translation.override(booking.language):
        return f"{booking.homestay.name} · {booking.room_type.name}"


def _product_description(booking: Booking) -> str:
    return (
        f"{booking.check_in.isoformat()} → {booking.check_out.isoformat()} · "
        f"{booking.nights}晚 nights · {booking.rooms}间 rooms · {booking.reference}"
    )


class StripeCheckout(PaymentProvider):
    identifier = PROVIDER
    name = _("在线支付 Pay online")
    booking_payment = Booking.Payment.ONLINE
    button_label = _("银行卡支付(境外客人) Card (guests from abroad)")
    # Tests put a fake stripe.HTTPClient here; None means Stripe's default client.
    http_client: stripe.HTTPClient | None = None

    def is_configured(self) -> bool:
        return bool(getattr(settings, "STRIPE_SECRET_KEY", "")) and bool(
            getattr(settings, "STRIPE_WEBHOOK_SECRET", "")
        )

    def client(self) -> stripe.StripeClient:
        http_client = self.http_client or _http_client(
            float(settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT), float(settings.PAYMENT_PROVIDER_READ_TIMEOUT)
        )
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            http_client=http_client,
            max_network_retries=settings.PAYMENT_PROVIDER_RETRIES,
        )

    def payment_methods(self) -> list[str]:
        return list(getattr(settings, "STRIPE_PAYMENT_METHODS", DEFAULT_METHODS))

    def payment_expires_at(self, *, hold_expires_at: datetime | None, now: datetime) -> datetime:
        earliest = now + SESSION_MINIMUM
        return earliest if hold_expires_at is None else max(hold_expires_at, earliest)

    def session_params(self, *, payment: Payment, success_url: str, cancel_url: str) -> "SessionCreateParams":
        payable = payable_of(payment)
        if payable is None:
            booking = payment.for_booking
            number, language = booking.reference, booking.language
            metadata = {"booking": booking.reference, "payment": str(payment.pk)}
            product: dict[str, str] = {
                "name": _product_name(booking),
                "description": _product_description(booking),
            }
        else:
            number, language = payable.number, payable.language
            metadata = {"payable": payable.reference, "payment": str(payment.pk)}
            product = {"name": payable.title, "description": payable.number}
        methods = self.payment_methods()
        assert payment.expires_at is not None  # payment_expires_at always gives Stripe payments one
        params: SessionCreateParams = {
            "mode": "payment",
            "client_reference_id": number,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": to_minor_units(payment.amount),
                        "product_data": {"name": product["name"], "description": product["description"]},
                    },
                }
            ],
            # API version 2026-09-30.endive (the one this SDK sends) took payment_method_types away.
            "allowed_payment_method_types": methods,
            "expires_at": int(payment.expires_at.timestamp()),
            "success_url": success_url,
            "cancel_url": cancel_url,
            "locale": CHECKOUT_LOCALES.get(language, "auto"),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        if "wechat_pay" in methods:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        return params

    def start_payment(
        self, *, payment: Payment, success_url: str, cancel_url: str, client: PaymentClient = ANY_CLIENT
    ) -> PaymentStart:
        params = self.session_params(payment=payment, success_url=success_url, cancel_url=cancel_url)
        try:
            session = self.client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": f"checkout-{payment.idempotency_key}"}
            )
        except stripe.StripeError as error:
            raise _provider_error(error) from error
        assert session.url is not None  # a hosted Checkout Session always has its page
        return PaymentStart(redirect_url=session.url, provider_reference=session.id)

    def cancel_payment(self, *, payment: Payment) -> None:
        if not payment.provider_reference:
            return
        try:
            self.client().v1.checkout.sessions.expire(payment.provider_reference)
        except stripe.InvalidRequestError as error:
            # Already completed or expired: the events tell what happened.
            logger.info("Checkout Session %s not expired: %s", payment.provider_reference, error.user_message)
        except stripe.StripeError as error:
            raise _provider_error(error) from error

    def refund(self, *, refund: Refund) -> RefundResult:
        payment = refund.payment
        params: RefundCreateParams = {
            "payment_intent": payment.provider_payment_reference,
            "amount": to_minor_units(refund.amount),
            "reason": "duplicate" if refund.reason == Refund.Reason.DUPLICATE else "requested_by_customer",
            "metadata": (
                {"payable": refund.payable, "refund": str(refund.pk)}
                if refund.payable
                else {"booking": refund.for_booking.reference, "refund": str(refund.pk)}
            ),
        }
        try:
            created = self.client().v1.refunds.create(
                params=params, options={"idempotency_key": f"refund-{refund.idempotency_key}"}
            )
        except stripe.StripeError as error:
            raise _provider_error(error) from error
        return RefundResult(provider_reference=created.id, status=refund_status(created.status or ""))

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        """Verify the signature on the raw body (400 when it is wrong or stale), then handle the event
        (400 when it cannot be read: ``bookings.payments.webhooks`` says which)."""
        try:
            stripe.WebhookSignature.verify_header(
                request.body,
                request.headers.get("Stripe-Signature"),
                settings.STRIPE_WEBHOOK_SECRET,
                getattr(settings, "STRIPE_WEBHOOK_TOLERANCE", WEBHOOK_TOLERANCE_SECONDS),
            )
        except (stripe.SignatureVerificationError, ValueError) as error:
            logger.warning("Stripe webhook refused: %s", error)
            return HttpResponseBadRequest("invalid signature")
        try:
            event = json.loads(request.body)
        except (ValueError, RecursionError) as error:
            logger.warning("Stripe webhook refused: the body is not JSON (%s)", error.__class__.__name__)
            return HttpResponseBadRequest("malformed event")
        try:
            stripe_event_handle(event)
        except MalformedEvent as error:
            logger.warning("Stripe webhook refused as malformed: %s", error)
            return HttpResponseBadRequest("malformed event")
        return HttpResponse("ok")
