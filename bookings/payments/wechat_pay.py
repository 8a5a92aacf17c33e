"""WeChat Pay (API v3) through ``wechatpayv3``, turned on by the merchant's keys (docs/payments.md).

Where the guest pays: H5 (WeChat Pay's page opened from a phone browser other than WeChat's: the guest
is sent to ``h5_url``) or Native (a desktop: our page shows ``code_url`` as a QR code to scan with
WeChat, ``views.wechat_code``), or JSAPI inside WeChat: in its browser, for a guest who signed in through
the official account (their openid there, ``PaymentClient.openid``), our page hands the signed prepay to
``WeixinJSBridge`` (``views.wechat_jsapi``); in the mini-program the API answers the parameters of
``wx.requestPayment``. A JSAPI payment keeps ``jsapi_mark(appid, prepay_id)`` as its ``redirect_url``
(as a Native one keeps its ``weixin://`` code), so a payment opened for another app or kind is closed
and replaced when the guest pays from elsewhere (``payment_fits``). A guest in WeChat's browser who did
not sign in through WeChat gets the QR page, which WeChat lets them long-press to pay.

Ids and idempotency: our order number (``out_trade_no``) is the payment's idempotency key and our
refund number (``out_refund_no``) the refund's, so a call repeated after a timeout opens no second order
and sends no second refund (WeChat Pay answers a repeated order with the same prepay). The payment's
``provider_reference`` is that order number, ``provider_payment_reference`` WeChat's ``transaction_id``
(what its bills list, for the daily reconciliation), the refund's ``provider_reference`` its
``refund_id``. Amounts go in fen, from the Decimal yuan exactly.

Notifications (``handle_webhook``): the signature over ``timestamp\\nnonce\\nbody\\n`` is checked with the
platform public key (``WECHATPAY_PUBLIC_KEY`` and its id) or the platform certificates (downloaded into
``WECHATPAY_CERT_DIR``), a timestamp more than five minutes off is refused, and the resource is
decrypted with the APIv3 key (AES-256-GCM). Each notification id is handled once (``WebhookEvent``).
What a notification says, an order query says too: both go through ``transaction_apply`` and
``refund_apply``, which call the same services as Stripe's webhooks (ledger, activity, notices; a late
payment for nights already taken refunded automatically; another amount or currency never confirms).
Lost notifications are made up for by a query when the guest returns (``payment_sync``) and on a
schedule by ``services.payments_sync_due``, which ``manage.py expire_holds`` runs first (cron every 5
minutes, docs/deployment.md). A refund the platform makes on its own after a notification (a late
payment for nights already taken, another amount) is sent by the task worker, so the notification is
answered at once, within WeChat Pay's 5 s.

Timeouts: like Stripe's calls, each gives up after ``PAYMENT_PROVIDER_CONNECT_TIMEOUT`` +
``PAYMENT_PROVIDER_READ_TIMEOUT`` and is tried ``PAYMENT_PROVIDER_RETRIES`` more times after a network
failure or a 5xx (with the same order or refund number), well within gunicorn's 30 s; the calls of one
payment start (a replaced order takes a query, a close and a new order) share one deadline
(``services.payment_start``).
"""

import functools
import json
import logging
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wechatpayv3 import WeChatPay as WeChatPayClient
from wechatpayv3 import WeChatPayType

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
from bookings.payments.payables import payable_of, provider_text
from bookings.payments.services import (
    payment_status_advance,
    payment_succeeded,
    refund_record_outside,
    refund_status_set,
)
from bookings.payments.splits import partner_mode, wechat_order_extra, wechat_sub_mchid
from common.money import from_minor_units, quantize, to_minor_units

logger = logging.getLogger(__name__)

PROVIDER = "wechat_pay"
API_URL = "https://api.mch.weixin.qq.com"
NOTIFY_TOLERANCE_SECONDS = 300
DEFAULT_PAY_WINDOW = timedelta(minutes=30)
MINIMUM_PAY_WINDOW = timedelta(minutes=5)  # WeChat Pay refuses an order that ends within a minute
CHINA = ZoneInfo("Asia/Shanghai")
DESCRIPTION_LENGTH = 127  # bytes, WeChat Pay's limit
RETRYABLE_CODES = {"SYSTEM_ERROR", "FREQUENCY_LIMITED", "SYSTEMERROR", "BANKERROR"}
REFUND_STATUSES = {
    "SUCCESS": Refund.Status.SUCCEEDED,
    "CLOSED": Refund.Status.FAILED,
    "ABNORMAL": Refund.Status.FAILED,
    "PROCESSING": Refund.Status.PENDING,
}
CLOSED_STATES = {"CLOSED": Payment.Status.EXPIRED, "REVOKED": Payment.Status.EXPIRED}


JSAPI_MARK = "wechat-jsapi:"  # a JSAPI payment's redirect_url: wechat-jsapi:<appid>:prepay_id=<prepay_id>


def jsapi_mark(appid: str, prepay_id: str) -> str:
    return f"{JSAPI_MARK}{appid}:prepay_id={prepay_id}"


def jsapi_prepay(payment: Payment) -> tuple[str, str] | None:
    """``(appid, package)`` of a JSAPI payment (``package`` is ``prepay_id=...``); None for another."""
    if not payment.redirect_url.startswith(JSAPI_MARK):
        return None
    appid, _, package = payment.redirect_url.removeprefix(JSAPI_MARK).partition(":")
    return appid, package


class MalformedNotification(Exception):
    """A correctly signed notification or answer we cannot read: nothing of it is guessed."""


def fen(amount: Decimal) -> int:
    """Yuan to fen, exactly: an amount with more than two decimals is a bug, never rounded here."""
    if quantize(amount) != amount:
        raise ValueError(f"{amount} is not a whole number of fen")
    return to_minor_units(amount)


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "")


@functools.cache
def _client(
    mchid: str,
    appid: str,
    private_key: str,
    serial: str,
    apiv3_key: str,
    public_key: str,
    public_key_id: str,
    cert_dir: str,
    api_url: str,
    notify_url: str,
    timeout: tuple[float, float],
    partner: bool = False,
) -> WeChatPayClient:
    """One client per configuration: building one loads the keys (and, in certificate mode without
    certificates in ``cert_dir`` yet, downloads them from WeChat Pay)."""
    client = WeChatPayClient(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid=mchid,
        private_key=private_key,
        cert_serial_no=serial,
        appid=appid,
        apiv3_key=apiv3_key,
        notify_url=notify_url,
        cert_dir=cert_dir or None,
        timeout=timeout,
        public_key=public_key or None,
        public_key_id=public_key_id or None,
        partner_mode=partner,  # service-provider mode, for profit sharing (bookings.payments.splits)
    )
    # The SDK has no option for its host; tests point it at a local fake of WeChat Pay.
    client._core._gate_way = api_url.rstrip("/")
    return client


def _received(transaction_: dict) -> dict[str, Any]:
    amount = transaction_.get("amount")
    if not isinstance(amount, dict):
        raise MalformedNotification("amount is missing")
    total, currency = amount.get("total"), amount.get("currency") or "CNY"
    if type(total) is not int or total <= 0 or not isinstance(currency, str) or len(currency) != 3:
        raise MalformedNotification("amount.total is not a positive whole number of fen")
    return {"amount": from_minor_units(total), "currency": currency}


def _text(data: dict, key: str, max_length: int = 255) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or "\x00" in value or len(value) > max_length:
        raise MalformedNotification(f"{key} is missing or not a storable text")
    return value


def transaction_apply(transaction_: dict, *, source: str = Source.WEBHOOK) -> Payment | None:
    """Record what WeChat Pay says about an order (a notification's resource or a query's answer)."""
    out_trade_no = _text(transaction_, "out_trade_no")
    payment = (
        Payment.objects.filter(provider=PROVIDER, idempotency_key=out_trade_no)
        .select_related("booking")
        .first()
    )
    if payment is None:
        logger.error("WeChat Pay order %s matches no payment of ours", out_trade_no)
        return None
    state = _text(transaction_, "trade_state", max_length=32)
    if state in ("SUCCESS", "REFUND"):  # REFUND: paid, then (partly) refunded
        return payment_succeeded(
            payment=payment,
            provider_reference=out_trade_no,
            provider_payment_reference=_text(transaction_, "transaction_id"),
            source=source,
            **_received(transaction_),
        )
    if state in CLOSED_STATES:
        return payment_status_advance(
            payment=payment, status=CLOSED_STATES[state], provider_reference=out_trade_no
        )
    if state == "PAYERROR":
        return payment_status_advance(
            payment=payment, status=Payment.Status.FAILED, provider_reference=out_trade_no
        )
    if state in ("USERPAYING", "ACCEPT"):
        return payment_status_advance(payment=payment, status=Payment.Status.PROCESSING)
    return payment  # NOTPAY: nothing yet


def refund_apply(wechat_refund: dict, *, source: str = Source.WEBHOOK) -> Refund | None:
    """Record what WeChat Pay says about a refund (a refund notification or a refund's answer)."""
    out_refund_no = _text(wechat_refund, "out_refund_no")
    refund_id = _text(wechat_refund, "refund_id")
    status = wechat_refund.get("refund_status") or wechat_refund.get("status")
    if not isinstance(status, str):
        raise MalformedNotification("refund_status is missing")
    refunds = Refund.objects.filter(payment__provider=PROVIDER).select_related("payment", "booking")
    refund = (
        refunds.filter(idempotency_key=out_refund_no).first()
        or refunds.filter(provider_reference=refund_id).first()
    )
    if refund is None:
        payment = Payment.objects.filter(
            provider=PROVIDER, idempotency_key=wechat_refund.get("out_trade_no") or "-"
        ).first()
        if payment is None:
            logger.error("WeChat Pay refund %s matches no payment of ours", refund_id)
            return None
        amount = wechat_refund.get("amount")
        units = amount.get("refund") if isinstance(amount, dict) else None
        if type(units) is not int or units <= 0:
            raise MalformedNotification("amount.refund is not a positive whole number of fen")
        refund = refund_record_outside(
            payment=payment, amount=from_minor_units(units), provider_reference=refund_id
        )
    return refund_status_set(
        refund=refund,
        status=REFUND_STATUSES.get(status, Refund.Status.PENDING),
        provider_reference=refund_id,
        source=source,
    )


def _description(booking: Booking) -> str:
    with translation.override(booking.language):
        text = f"{booking.homestay.name} {booking.room_type.name} {booking.reference}"
    while len(text.encode()) > DESCRIPTION_LENGTH:
        text = text[:-1]
    return text


class WeChatPay(PaymentProvider):
    identifier = PROVIDER
    name = _("微信支付 WeChat Pay")
    booking_payment = Booking.Payment.ONLINE

    def is_configured(self) -> bool:
        needed = ["WECHATPAY_MCHID", "WECHATPAY_APPID", "WECHATPAY_PRIVATE_KEY", "WECHATPAY_CERT_SERIAL_NO"]
        keys = all(_setting(name) for name in [*needed, "WECHATPAY_APIV3_KEY"])
        platform = bool(_setting("WECHATPAY_PUBLIC_KEY") and _setting("WECHATPAY_PUBLIC_KEY_ID")) or bool(
            _setting("WECHATPAY_CERT_DIR")
        )
        return keys and platform

    def client(self) -> WeChatPayClient:
        try:
            return _client(
                _setting("WECHATPAY_MCHID"),
                _setting("WECHATPAY_APPID"),
                _setting("WECHATPAY_PRIVATE_KEY"),
                _setting("WECHATPAY_CERT_SERIAL_NO"),
                _setting("WECHATPAY_APIV3_KEY"),
                _setting("WECHATPAY_PUBLIC_KEY"),
                _setting("WECHATPAY_PUBLIC_KEY_ID"),
                _setting("WECHATPAY_CERT_DIR"),
                _setting("WECHATPAY_API_URL") or API_URL,
                settings.SITE_URL.rstrip("/") + reverse("payments:wechat_notify"),
                (
                    float(settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT),
                    float(settings.PAYMENT_PROVIDER_READ_TIMEOUT),
                ),
                partner_mode(),
            )
        except Exception as error:  # the SDK raises bare Exception for keys it cannot load
            logger.error("WeChat Pay client not ready: %s", error)
            raise PaymentProviderError(f"WeChat Pay: {error}", retryable=True) from error

    def _call(self, what: str, call) -> tuple[int, dict]:
        """Call WeChat Pay, trying again after a network failure or a 5xx; the answer's signature is
        checked by the SDK. Returns the status code and the JSON answer (empty for 204)."""
        tries = 1 + int(settings.PAYMENT_PROVIDER_RETRIES)
        for attempt in range(tries):
            try:
                code, message = call(self.client())
            except requests.RequestException as error:
                failure = PaymentProviderError(
                    f"WeChat Pay {what}: {error.__class__.__name__}", retryable=True
                )
            except PaymentProviderError:
                raise
            except Exception as error:  # the SDK's: an answer whose signature does not verify
                logger.error("WeChat Pay %s: %s", what, error)
                raise PaymentProviderError(f"WeChat Pay {what}: {error}", retryable=True) from error
            else:
                try:
                    body = json.loads(message) if message else {}
                except (TypeError, ValueError):
                    body = {}
                if not isinstance(body, dict):
                    body = {}
                if 200 <= code < 300:
                    return code, body
                error_code = str(body.get("code", ""))
                retryable = code >= 500 or code == 429 or error_code in RETRYABLE_CODES
                failure = PaymentProviderError(
                    f"WeChat Pay {what}: {code} {error_code} {body.get('message', '')}".strip(),
                    retryable=retryable,
                )
                if not retryable:
                    raise failure
            if attempt + 1 < tries:
                time.sleep(0.5 * (attempt + 1))
        raise failure

    def payment_expires_at(self, *, hold_expires_at: datetime | None, now: datetime) -> datetime:
        earliest = now + MINIMUM_PAY_WINDOW
        return max(hold_expires_at or now + DEFAULT_PAY_WINDOW, earliest)

    def start_payment(
        self, *, payment: Payment, success_url: str, cancel_url: str, client: PaymentClient = ANY_CLIENT
    ) -> PaymentStart:
        assert payment.expires_at is not None  # payment_expires_at always gives one
        jsapi = bool(client.openid and client.appid)
        h5 = client.mobile and not client.in_wechat and not jsapi
        payable = payable_of(payment)
        params: dict[str, Any] = {
            "description": (
                _description(payment.for_booking)
                if payable is None
                else provider_text(payable, DESCRIPTION_LENGTH)
            ),
            "out_trade_no": payment.idempotency_key,
            "amount": {"total": fen(payment.amount), "currency": payment.currency.upper()},
            "time_expire": payment.expires_at.astimezone(CHINA).isoformat(timespec="seconds"),
            "attach": payment.for_booking.reference if payable is None else payable.reference,
            **wechat_order_extra(payment=payment),
        }
        if h5:
            params["scene_info"] = {"payer_client_ip": client.ip or "127.0.0.1", "h5_info": {"type": "Wap"}}
        if jsapi:  # the official account's or the mini-program's AppID, bound to the merchant
            params |= {"appid": client.appid, "payer": {"openid": client.openid}}
        pay_type = WeChatPayType.JSAPI if jsapi else WeChatPayType.H5 if h5 else WeChatPayType.NATIVE
        _code, body = self._call("order", lambda api: api.pay(pay_type=pay_type, **params))
        if jsapi:
            prepay_id = body.get("prepay_id")
            if not isinstance(prepay_id, str) or not prepay_id or len(prepay_id) > 64:
                raise PaymentProviderError("WeChat Pay order: the answer has no prepay_id", retryable=True)
            return PaymentStart(
                redirect_url=jsapi_mark(client.appid, prepay_id), provider_reference=payment.idempotency_key
            )
        url = body.get("h5_url" if h5 else "code_url")
        if not isinstance(url, str) or not url:
            raise PaymentProviderError("WeChat Pay order: the answer has no payment address", retryable=True)
        if h5:  # WeChat Pay sends the guest back here once they paid (or gave up)
            url = f"{url}&redirect_url={quote(success_url, safe='')}"
        return PaymentStart(redirect_url=url, provider_reference=payment.idempotency_key)

    def payment_fits(self, *, payment: Payment, client: PaymentClient) -> bool:
        """A JSAPI payment is paid only in its app by its payer; an H5 or Native one anywhere else."""
        prepay = jsapi_prepay(payment)
        wanted = client.appid if client.openid else None
        return (prepay[0] if prepay else None) == wanted

    def jsapi_params(self, *, payment: Payment) -> dict[str, str]:
        """What ``WeixinJSBridge.invoke('getBrandWCPayRequest', ...)`` and ``wx.requestPayment`` take for
        a JSAPI payment, signed as WeChat Pay documents it: RSA-SHA256 with the merchant's API key over
        ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``, afresh each time. A prepay lasts two hours at WeChat
        Pay; a payment's window is the booking's hold, shorter by default (15 minutes)."""
        prepay = jsapi_prepay(payment)
        if prepay is None:
            raise ValueError(f"payment {payment.pk} is not a JSAPI payment")
        appid, package = prepay
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex
        try:
            signature = self.client().sign([appid, timestamp, nonce, package])
        except PaymentProviderError:
            raise
        except Exception as error:  # the SDK's, for a key it cannot use
            raise PaymentProviderError(f"WeChat Pay sign: {error}", retryable=True) from error
        return {
            "appId": appid,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": signature,
        }

    def cancel_payment(self, *, payment: Payment) -> None:
        if not payment.provider_reference:
            return
        try:
            sub = wechat_sub_mchid(payment=payment)
            self._call("close", lambda api: api.close(out_trade_no=payment.idempotency_key, **sub))
        except PaymentProviderError as error:
            if error.retryable:
                raise
            # Already paid or closed: the notification or the next query tells what happened.
            logger.info("WeChat Pay order %s not closed: %s", payment.idempotency_key, error.message)

    def payment_sync(self, *, payment: Payment) -> None:
        if not payment.provider_reference:
            return
        sub = wechat_sub_mchid(payment=payment)
        _code, body = self._call("query", lambda api: api.query(out_trade_no=payment.idempotency_key, **sub))
        try:
            transaction_apply(body, source=Source.SYSTEM)
        except MalformedNotification as error:
            raise PaymentProviderError(f"WeChat Pay query: {error}", retryable=True) from error

    def refund(self, *, refund: Refund) -> RefundResult:
        payment = refund.payment
        params = {
            "out_refund_no": refund.idempotency_key,
            "amount": {
                "refund": fen(refund.amount),
                "total": fen(payment.amount),
                "currency": refund.currency.upper(),
            },
            "transaction_id": payment.provider_payment_reference or None,
            "out_trade_no": payment.idempotency_key,
            "reason": str(refund.get_reason_display())[:80],
            **wechat_sub_mchid(payment=payment),
        }
        _code, body = self._call("refund", lambda api: api.refund(**params))
        refund_id = body.get("refund_id")
        if not isinstance(refund_id, str) or not refund_id:
            raise PaymentProviderError("WeChat Pay refund: the answer has no refund_id", retryable=True)
        status = REFUND_STATUSES.get(str(body.get("status", "")), Refund.Status.PENDING)
        return RefundResult(provider_reference=refund_id, status=status)

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        """A payment or refund notification: 204 when handled (or a replay, or nothing of ours), 400
        with WeChat Pay's ``{"code": "FAIL"}`` when it is not signed by WeChat Pay, stale or unreadable
        (WeChat Pay sends it again later, which changes nothing until it can be read)."""
        headers = request.headers
        try:
            timestamp = int(headers.get("Wechatpay-Timestamp", ""))
        except ValueError:
            return _refused("no timestamp")
        if abs(time.time() - timestamp) > getattr(
            settings, "WECHATPAY_NOTIFY_TOLERANCE", NOTIFY_TOLERANCE_SECONDS
        ):
            return _refused("stale timestamp")
        public_key_id = _setting("WECHATPAY_PUBLIC_KEY_ID")
        if public_key_id and headers.get("Wechatpay-Serial") != public_key_id:
            return _refused("unknown platform key")  # the SDK would look for certificates online
        try:
            client = self.client()
            data = client.callback(
                {
                    "Wechatpay-Signature": headers.get("Wechatpay-Signature", ""),
                    "Wechatpay-Timestamp": str(timestamp),
                    "Wechatpay-Nonce": headers.get("Wechatpay-Nonce", ""),
                    "Wechatpay-Serial": headers.get("Wechatpay-Serial", ""),
                    "Wechatpay-Signature-Type": headers.get(
                        "Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"
                    ),
                },
                request.body.decode("utf-8", errors="replace"),
            )
        except PaymentProviderError:
            raise
        except Exception as error:  # the SDK raises bare Exception (unknown algorithm, bad serial)
            logger.warning("WeChat Pay notification refused: %s", error)
            return _refused("invalid signature")
        if not data or not isinstance(data.get("resource"), dict):
            logger.warning("WeChat Pay notification refused: signature or decryption failed")
            return _refused("invalid signature")
        try:
            notification_handle(data)
        except MalformedNotification as error:
            logger.warning("WeChat Pay notification refused as malformed: %s", error)
            return _refused("malformed notification")
        return HttpResponse(status=204)


def _refused(message: str) -> HttpResponse:
    return JsonResponse({"code": "FAIL", "message": message}, status=400)


def notification_handle(data: dict) -> None:
    """One verified, decrypted notification; its id recorded once in the same transaction as its
    effect, so a replay changes nothing and a failed one is handled again when WeChat Pay resends it."""
    event_id, event_type = _text(data, "id"), _text(data, "event_type", max_length=100)
    resource = data["resource"]
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(provider=PROVIDER, event_id=event_id, event_type=event_type)
        except IntegrityError:
            logger.info("WeChat Pay notification %s (%s) already handled", event_id, event_type)
            return
        if event_type.startswith("TRANSACTION."):
            transaction_apply(resource)
        elif event_type.startswith("REFUND."):
            refund_apply(resource)
        else:
            logger.info("WeChat Pay notification %s of type %s is not handled", event_id, event_type)
