"""Alipay (支付宝) through ``python-alipay-sdk`` (the ``alipay`` module), turned on by the application's
keys (docs/payments.md): mobile web pay (``alipay.trade.wap.pay``) on phones, desktop page pay
(``alipay.trade.page.pay``) elsewhere, RSA2 signatures both ways.

Ids and idempotency: our order number (``out_trade_no``) is the payment's idempotency key and our
refund request number (``out_request_no``) the refund's, so a refund sent again after a timeout is the
same refund at Alipay. The payment's ``provider_reference`` is the order number,
``provider_payment_reference`` Alipay's ``trade_no`` (what its statements list); a refund's
``provider_reference`` is its request number (Alipay gives refunds no id of their own). Amounts go as
yuan strings with two decimals, exactly as stored.

Notifications (``handle_webhook``): a form POST signed by Alipay (RSA2 over the sorted parameters,
``sign`` and ``sign_type`` left out), checked with Alipay's public key and our app id; one older than
``NOTIFY_MAX_AGE`` (Alipay retries for about 25 hours) is refused. Each ``notify_id`` is handled once. A
notification with ``out_biz_no`` reports a refund. Payment states go through ``trade_apply``, which a
query on the guest's return (``payment_sync``) and ``payments_sync_due`` use too, so every path calls
the same services as Stripe's webhooks. The answer ``success`` stops Alipay's retries; anything else
(``fail``, 400) makes it send again.

Profit sharing (``bookings.payments.splits``, ``alipay_split``): a trade of an owner who authorised our
application is made in their name (``app_auth_token`` on every request about it, ``_Client.acting_for``)
and frozen for royalty (``extend_params.royalty_freeze``).

Timeouts: the SDK's calls go through ``urlopen`` with one timeout, here
``PAYMENT_PROVIDER_CONNECT_TIMEOUT`` + ``PAYMENT_PROVIDER_READ_TIMEOUT``, tried
``PAYMENT_PROVIDER_RETRIES`` more times after a network failure.
"""

import copy
import functools
import logging
import time
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.error import HTTPError, URLError
from zoneinfo import ZoneInfo

from alipay import AliPay as AliPayClient
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bookings.activity import Source
from bookings.models import Booking
from bookings.payments.base import (
    ANY_CLIENT,
    PaymentClient,
    PaymentProvider,
    PaymentProviderError,
    PaymentStart,
    RefundResult,
)
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.payables import payable_of
from bookings.payments.services import (
    payment_status_advance,
    payment_succeeded,
    refund_record_outside,
    refund_status_set,
)
from bookings.payments.splits import alipay_auth_token, alipay_order_extra
from common.money import quantize

logger = logging.getLogger(__name__)

PROVIDER = "alipay"
GATEWAY = "https://openapi.alipay.com/gateway.do"
CHINA = ZoneInfo("Asia/Shanghai")
NOTIFY_MAX_AGE = timedelta(hours=48)
SUCCESS = "10000"
RETRYABLE_CODES = {"20000", "20001"}  # service unavailable, authorisation trouble on Alipay's side
RETRYABLE_SUB_CODES = {"ACQ.SYSTEM_ERROR", "isp.unknow-error", "aop.ACQ.SYSTEM_ERROR"}
PAID_STATES = {"TRADE_SUCCESS", "TRADE_FINISHED"}
SUBJECT_LENGTH = 256


class MalformedNotification(Exception):
    """A correctly signed notification or answer we cannot read: nothing of it is guessed."""


def yuan(amount: Decimal) -> str:
    """The amount as Alipay wants it: yuan with two decimals, exactly as stored."""
    if quantize(amount) != amount:
        raise ValueError(f"{amount} is not a whole number of fen")
    return f"{quantize(amount):.2f}"


def _amount(data: dict, key: str) -> Decimal:
    value = data.get(key)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise MalformedNotification(f"{key} is not an amount") from None
    if not amount.is_finite() or amount <= 0 or quantize(amount) != amount:
        raise MalformedNotification(f"{key} is not a positive amount in fen")
    return quantize(amount)


def _text(data: dict, key: str, max_length: int = 255) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or "\x00" in value or len(value) > max_length:
        raise MalformedNotification(f"{key} is missing or not a storable text")
    return value


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


class _Client(AliPayClient):
    """The SDK's client with its timestamp in Beijing time (it uses the server's local time, and
    Alipay refuses requests whose timestamp is far from its own)."""

    _app_auth_token = ""

    def build_body(self, method, biz_content=None, **kwargs):
        data = super().build_body(method, biz_content, **kwargs)
        data["timestamp"] = datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S")
        if self._app_auth_token:  # acting for an owner who authorised our application (分账)
            data["app_auth_token"] = self._app_auth_token
        return data

    def acting_for(self, app_auth_token: str) -> "_Client":
        """This client, its requests made for the owner whose ``app_auth_token`` it is."""
        if not app_auth_token:
            return self
        clone = copy.copy(self)
        clone._app_auth_token = app_auth_token
        return clone


@functools.cache
def _client(
    appid: str, private_key: str, public_key: str, gateway: str, notify_url: str, timeout: float
) -> _Client:
    client = _Client(
        appid=appid,
        app_notify_url=notify_url,
        app_private_key_string=private_key,
        alipay_public_key_string=public_key,
        sign_type="RSA2",
        config=AliPayConfig(timeout=timeout),
    )
    client._gateway = gateway  # the SDK has no option for its host; tests use a local fake
    return client


def _payment_for(out_trade_no: str) -> Payment | None:
    payment = (
        Payment.objects.filter(provider=PROVIDER, idempotency_key=out_trade_no)
        .select_related("booking")
        .first()
    )
    if payment is None:
        logger.error("Alipay order %s matches no payment of ours", out_trade_no)
    return payment


def trade_apply(trade: dict, *, source: str = Source.WEBHOOK) -> Payment | None:
    """Record what Alipay says about an order (a notification or a query's answer)."""
    out_trade_no = _text(trade, "out_trade_no")
    payment = _payment_for(out_trade_no)
    if payment is None:
        return None
    state = _text(trade, "trade_status", max_length=32)
    if state in PAID_STATES:
        return payment_succeeded(
            payment=payment,
            provider_reference=out_trade_no,
            provider_payment_reference=_text(trade, "trade_no"),
            source=source,
            amount=_amount(trade, "total_amount"),
            currency="CNY",  # Alipay's domestic trades are in CNY, the only currency our orders ask for
        )
    if state == "TRADE_CLOSED":
        if trade.get("trade_no") and payment.status == Payment.Status.SUCCEEDED:
            return payment  # closed after a full refund: the refund is recorded on its own
        return payment_status_advance(
            payment=payment, status=Payment.Status.EXPIRED, provider_reference=out_trade_no
        )
    return payment  # WAIT_BUYER_PAY: nothing yet


def refund_apply(notification: dict, *, source: str = Source.WEBHOOK) -> Refund | None:
    """A notification about a refund (it carries ``out_biz_no``, our refund request number): Alipay
    notifies only refunds that went through."""
    out_request_no = _text(notification, "out_biz_no")
    refunds = Refund.objects.filter(payment__provider=PROVIDER).select_related("payment", "booking")
    refund = refunds.filter(idempotency_key=out_request_no).first()
    if refund is None:
        payment = _payment_for(_text(notification, "out_trade_no"))
        if payment is None:
            return None
        refund = refund_record_outside(
            payment=payment, amount=_amount(notification, "refund_fee"), provider_reference=out_request_no
        )
    return refund_status_set(
        refund=refund, status=Refund.Status.SUCCEEDED, provider_reference=out_request_no, source=source
    )


def _subject(booking: Booking) -> str:
    with translation.override(booking.language):
        return f"{booking.homestay.name} {booking.room_type.name} {booking.reference}"[:SUBJECT_LENGTH]


class Alipay(PaymentProvider):
    identifier = PROVIDER
    name = _("支付宝 Alipay")
    booking_payment = Booking.Payment.ONLINE

    def is_configured(self) -> bool:
        return all(
            _setting(name) for name in ("ALIPAY_APP_ID", "ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY")
        )

    def client(self) -> _Client:
        try:
            return _client(
                _setting("ALIPAY_APP_ID"),
                _setting("ALIPAY_APP_PRIVATE_KEY"),
                _setting("ALIPAY_PUBLIC_KEY"),
                _setting("ALIPAY_GATEWAY") or GATEWAY,
                settings.SITE_URL.rstrip("/") + reverse("payments:alipay_notify"),
                float(settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT)
                + float(settings.PAYMENT_PROVIDER_READ_TIMEOUT),
            )
        except (ValueError, IndexError, TypeError) as error:  # keys that do not load
            logger.error("Alipay client not ready: %s", error)
            raise PaymentProviderError(f"Alipay: keys do not load ({error})", retryable=True) from error

    def _call(self, what: str, call, token: str = "") -> dict:
        """Call Alipay, trying again after a network failure; the answer's signature is checked by the
        SDK. Returns the answer when its code is 10000; raises ``PaymentProviderError`` otherwise (with
        ``code`` and ``sub_code`` in the message)."""
        tries = 1 + int(settings.PAYMENT_PROVIDER_RETRIES)
        failure = PaymentProviderError(f"Alipay {what}: not tried", retryable=True)
        for attempt in range(tries):
            try:
                answer = call(self.client().acting_for(token))
            except (URLError, TimeoutError, OSError) as error:
                retryable = not isinstance(error, HTTPError) or error.code >= 500
                failure = PaymentProviderError(
                    f"Alipay {what}: {error.__class__.__name__}", retryable=retryable
                )
                if not retryable:
                    raise failure from error
            except AliPayValidationError as error:
                logger.error("Alipay %s: the answer's signature does not verify", what)
                raise PaymentProviderError(
                    f"Alipay {what}: answer not signed by Alipay", retryable=True
                ) from error
            except (AliPayException, ValueError, KeyError, AttributeError) as error:  # unsigned error answers
                raise PaymentProviderError(f"Alipay {what}: {error}"[:300], retryable=True) from error
            else:
                if not isinstance(answer, dict):
                    raise PaymentProviderError(f"Alipay {what}: unreadable answer", retryable=True)
                code, sub_code = str(answer.get("code", "")), str(answer.get("sub_code", ""))
                if code == SUCCESS:
                    return answer
                retryable = code in RETRYABLE_CODES or sub_code in RETRYABLE_SUB_CODES
                failure = PaymentProviderError(
                    f"Alipay {what}: {code} {sub_code}".strip(), retryable=retryable
                )
                if not retryable:
                    raise failure
            if attempt + 1 < tries:
                time.sleep(0.5 * (attempt + 1))
        raise failure

    def payment_expires_at(self, *, hold_expires_at: datetime | None, now: datetime) -> datetime:
        return max(hold_expires_at or now + timedelta(minutes=30), now + timedelta(minutes=5))

    def start_payment(
        self, *, payment: Payment, success_url: str, cancel_url: str, client: PaymentClient = ANY_CLIENT
    ) -> PaymentStart:
        """The signed address of Alipay's page (built here, nothing is sent): mobile web pay on a phone,
        page pay elsewhere. The order itself ends at the payment's end (``time_expire``)."""
        assert payment.expires_at is not None  # payment_expires_at always gives one
        api = self.client().acting_for(alipay_auth_token(payment=payment, opening=True))
        payable = payable_of(payment)
        params: dict[str, Any] = {
            "subject": (
                _subject(payment.for_booking)
                if payable is None
                else f"{payable.title} {payable.number}"[:SUBJECT_LENGTH]
            ),
            "out_trade_no": payment.idempotency_key,
            "total_amount": yuan(payment.amount),
            "return_url": success_url,
            "time_expire": payment.expires_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
            "passback_params": payment.for_booking.reference if payable is None else payable.reference,
            **alipay_order_extra(payment=payment),
        }
        if client.mobile:
            signed = api.api_alipay_trade_wap_pay(quit_url=cancel_url, **params)
        else:
            signed = api.api_alipay_trade_page_pay(**params)
        return PaymentStart(
            redirect_url=f"{api._gateway}?{signed}", provider_reference=payment.idempotency_key
        )

    def cancel_payment(self, *, payment: Payment) -> None:
        if not payment.provider_reference:
            return
        try:
            self._call(
                "close",
                lambda api: api.api_alipay_trade_close(out_trade_no=payment.idempotency_key),
                alipay_auth_token(payment=payment),
            )
        except PaymentProviderError as error:
            if error.retryable:
                raise
            # ACQ.TRADE_NOT_EXIST (never opened: it ends by time_expire), or already paid or closed.
            logger.info("Alipay order %s not closed: %s", payment.idempotency_key, error.message)

    def payment_sync(self, *, payment: Payment) -> None:
        if not payment.provider_reference:
            return
        try:
            answer = self._call(
                "query",
                lambda api: api.api_alipay_trade_query(out_trade_no=payment.idempotency_key),
                alipay_auth_token(payment=payment),
            )
        except PaymentProviderError as error:
            if "TRADE_NOT_EXIST" in error.message:
                return  # the guest has not opened Alipay's page yet
            raise
        try:
            trade_apply(answer, source=Source.SYSTEM)
        except MalformedNotification as error:
            raise PaymentProviderError(f"Alipay query: {error}", retryable=True) from error

    def refund(self, *, refund: Refund) -> RefundResult:
        payment = refund.payment
        number = refund.idempotency_key
        answer = self._call(
            "refund",
            lambda api: api.api_alipay_trade_refund(
                refund_amount=yuan(refund.amount),
                out_trade_no=payment.idempotency_key,
                out_request_no=number,
                refund_reason=str(refund.get_reason_display())[:80],
            ),
            alipay_auth_token(payment=payment),
        )
        if answer.get("fund_change") == "Y":
            return RefundResult(provider_reference=number, status=Refund.Status.SUCCEEDED)
        # "N": already refunded by an earlier try, or not yet: the refund query says which.
        found = self._call(
            "refund query",
            lambda api: api.api_alipay_trade_fastpay_refund_query(
                out_request_no=number, out_trade_no=payment.idempotency_key
            ),
            alipay_auth_token(payment=payment),
        )
        done = found.get("refund_status") == "REFUND_SUCCESS"
        return RefundResult(
            provider_reference=number, status=Refund.Status.SUCCEEDED if done else Refund.Status.PENDING
        )

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        params = request.POST.dict()
        signature = params.pop("sign", "")
        try:
            verified = bool(signature) and self.client().verify(dict(params), signature)
        except (AliPayException, ValueError, TypeError) as error:  # unknown sign_type, a signature not base64
            logger.warning("Alipay notification refused: %s", error)
            verified = False
        if not verified:
            logger.warning("Alipay notification refused: the signature does not verify")
            return HttpResponseBadRequest("fail")
        if params.get("app_id") != _setting("ALIPAY_APP_ID"):
            logger.warning("Alipay notification refused: it is for app %s", params.get("app_id"))
            return HttpResponseBadRequest("fail")
        try:
            notified = datetime.strptime(_text(params, "notify_time", 19), "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=CHINA
            )
        except (MalformedNotification, ValueError):
            return HttpResponseBadRequest("fail")
        if abs(datetime.now(CHINA) - notified) > NOTIFY_MAX_AGE:
            logger.warning("Alipay notification refused: sent at %s", notified)
            return HttpResponseBadRequest("fail")
        try:
            notification_handle(params)
        except MalformedNotification as error:
            logger.warning("Alipay notification refused as malformed: %s", error)
            return HttpResponseBadRequest("fail")
        return HttpResponse("success", content_type="text/plain")


def notification_handle(params: dict) -> None:
    """One verified notification, its ``notify_id`` recorded once in the same transaction as its
    effect: a replay changes nothing, a failed one is handled again when Alipay resends it."""
    notify_id = _text(params, "notify_id")
    kind = _text(params, "notify_type", max_length=100)
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(provider=PROVIDER, event_id=notify_id, event_type=kind)
        except IntegrityError:
            logger.info("Alipay notification %s already handled", notify_id)
            return
        if params.get("out_biz_no"):
            if params.get("trade_status") in PAID_STATES | {"TRADE_CLOSED"} and params.get("gmt_payment"):
                trade_apply({**params, "trade_status": "TRADE_SUCCESS"})  # paid, surely, if refunded
            refund_apply(params)
        else:
            trade_apply(params)
