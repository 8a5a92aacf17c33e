"""Payments and refunds of payables other than bookings (``bookings.payments.payables``): a shop order,
a ticket. The same guarantees as a booking's (``bookings.payments.services``), through the same
providers and notifications:

* provider calls never run inside a transaction: the record first (its idempotency key is the
  provider's order or refund number), the call, then the answer in a second transaction;
* ``payable_payment_succeeded`` (reached from ``payment_succeeded``, whatever the provider) locks the
  payable's row, then the payment; it is safe to call twice (a payment already succeeded changes
  nothing), and money that is not what was asked for (amount or currency) never pays the payable: in
  its currency it is refunded in full at once and flagged, in another it is left to staff;
* money the payable cannot take any more (cancelled or expired meanwhile, already paid by another
  payment: the handler's ``paid`` says why) is refunded in full automatically and flagged for staff;
* the ledger gets money in and out through the handler, on the payable's own ``Source``.
"""

import logging
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.activity import Source
from bookings.payments.base import (
    ANY_CLIENT,
    PaymentClient,
    PaymentProvider,
    PaymentProviderError,
    online_in_order,
    provider_get,
    providers_enabled,
)
from bookings.payments.models import Payment, Refund
from bookings.payments.payables import Payable, payable_handler
from bookings.payments.services import (
    NOTE_LENGTH,
    PaymentUnavailable,
    _new_key,
    _payment_close_to_replace,
    _payment_open_or_new,
    _provider_start,
    _StartDeadline,
    payment_status_advance,
    refund_send,
)
from common.errors import DomainError
from common.money import ZERO, quantize

logger = logging.getLogger(__name__)


class PayableRefused(DomainError):
    """It cannot be paid now (HTTP 409): paid already, cancelled, or its time to pay is over."""

    code = "not_payable"


def payable_online_choices(*, client: PaymentClient, language: str) -> list[PaymentProvider]:
    """The online providers enabled for the platform, in the order offered (as ``online_choices`` for
    a homestay: WeChat Pay first inside WeChat and no Alipay there, card first in English)."""
    return online_in_order(providers_enabled().values(), client=client, language=language)


def _provider_for(identifier: str | None, client: PaymentClient, language: str) -> PaymentProvider:
    for provider in payable_online_choices(client=client, language=language):
        if identifier in (None, provider.identifier):
            return provider
    raise PaymentUnavailable


def _flag(record: Payment | Refund, note: str) -> None:
    record.needs_attention = True
    record.attention_note = note[:NOTE_LENGTH]


@transaction.atomic
def _payment_open(
    *, payable: str, provider: str | None, client: PaymentClient, language: str
) -> tuple[Payment, PaymentProvider]:
    handler, ident = payable_handler(payable)
    handler.lock(ident=ident)
    described = handler.describe(ident=ident)
    if not described.payable_now:
        raise PayableRefused(described.why_not)
    chosen = _provider_for(provider, client, language)
    now = timezone.now()
    payment, opened = _payment_open_or_new(
        {"payable": payable}, chosen, described.amount, described.currency, described.pay_by, now
    )
    if not opened:
        return payment, chosen
    expires_at = payment.expires_at
    if expires_at is not None and described.pay_by is not None and expires_at > described.pay_by:
        handler.pay_by_extend(ident=ident, until=expires_at)
    return payment, chosen


def _payment_replace(
    *,
    payable: str,
    payment: Payment,
    provider: PaymentProvider,
    client: PaymentClient,
    language: str,
    deadline: _StartDeadline,
) -> Payment:
    """As for a booking: the open payment cannot be paid from here (``payment_fits``): ask about it
    (paid meanwhile: nothing new opens), close it and open another, each call after the first only when
    it can finish before ``deadline`` (``PaymentStartTooSlow`` otherwise, before the call)."""
    _payment_close_to_replace(payment=payment, provider=provider, deadline=deadline)
    deadline.check()
    replacement, _chosen = _payment_open(
        payable=payable, provider=provider.identifier, client=client, language=language
    )
    return replacement


def payable_payment_start(
    *,
    payable: str,
    success_url: str,
    cancel_url: str,
    provider: str | None = None,
    client: PaymentClient | None = None,
    language: str = "zh-hans",
) -> Payment:
    """Open (or reopen) the payment of ``payable`` (``"shop_order:12"``) with an online provider (the
    one named, else the first offered); send the buyer to ``payment.redirect_url``. Raises
    ``PayableRefused`` when it cannot be paid now and ``PaymentUnavailable`` when no provider can take
    the payment now."""
    client = client or ANY_CLIENT
    deadline = _StartDeadline.start()
    payment, chosen = _payment_open(payable=payable, provider=provider, client=client, language=language)
    if payment.provider_reference and not chosen.payment_fits(payment=payment, client=client):
        payment = _payment_replace(
            payable=payable,
            payment=payment,
            provider=chosen,
            client=client,
            language=language,
            deadline=deadline,
        )
    if payment.provider_reference:
        return payment
    return _provider_start(
        payment=payment, provider=chosen, success_url=success_url, cancel_url=cancel_url, client=client
    )


def _refund_create(payment: Payment, amount: Decimal, reason: str) -> Refund:
    refund = Refund.objects.create(
        payment=payment,
        payable=payment.payable,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=_new_key(),
    )
    transaction.on_commit(lambda: refunds_send_payable(payable=payment.payable), robust=True)
    return refund


def _refund_unmatched(payment: Payment, note: str) -> Refund:
    logger.warning("Payment %s of %s refunded automatically: %s", payment.pk, payment.payable, note)
    _flag(payment, note)
    payment.save()
    return _refund_create(payment, payment.amount, Refund.Reason.PAYABLE_UNAVAILABLE)


def _mismatched(payment: Payment, described: Payable, amount: Decimal, currency: str) -> None:
    """Not what was asked for: recorded and flagged, never applied (see ``_payment_mismatched``)."""
    handler, _ident = payable_handler(payment.payable)
    expected = f"{payment.amount} {payment.currency}"
    payment.amount, payment.currency = amount, currency
    note = _(
        "付款金额或币种与订单不符:应付%(expected)s,实收%(received)s "
        "The amount or currency paid does not match: %(expected)s expected, %(received)s received"
    ) % {"expected": expected, "received": f"{payment.amount} {payment.currency}"}
    if currency != described.currency.upper():
        staff = _("外币付款,退款需人工处理 Paid in another currency: staff decide the refund")
        _flag(payment, f"{note} {staff}")
        payment.save()
        logger.error("Payment %s of %s needs staff: %s", payment.pk, payment.payable, note)
        return
    payment.save()
    handler.payment_received(payment=payment)
    _refund_unmatched(payment, note)


@transaction.atomic
def payable_payment_succeeded(
    *,
    payment: Payment,
    provider_reference: str = "",
    provider_payment_reference: str = "",
    source: str = Source.WEBHOOK,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> Payment:
    """``payment_succeeded`` for a payable: the payable's row locked, then the payment's."""
    handler, ident = payable_handler(payment.payable)
    handler.lock(ident=ident)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if provider_reference and not payment.provider_reference:
        payment.provider_reference = provider_reference
    if provider_payment_reference and not payment.provider_payment_reference:
        payment.provider_payment_reference = provider_payment_reference
    if payment.status == Payment.Status.SUCCEEDED:
        payment.save()
        return payment
    payment.status = Payment.Status.SUCCEEDED
    payment.paid_at = timezone.now()
    amount = payment.amount if amount is None else quantize(amount)
    currency = payment.currency.upper() if currency is None else currency.upper()
    if (amount, currency) != (payment.amount, payment.currency.upper()):
        _mismatched(payment, handler.describe(ident=ident), amount, currency)
        return payment
    payment.save()
    handler.payment_received(payment=payment)
    refusal = handler.paid(payment=payment)
    if refusal is None:
        payment.applied = True
        payment.save(update_fields=["applied", "updated_at"])
    else:
        _refund_unmatched(payment, refusal)
    return payment


def _refunded(payment: Payment) -> Decimal:
    total = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"]
    return quantize(total or ZERO)


def payable_cancelled(*, payable: str) -> Refund | None:
    """Call inside the transaction that cancels (or expires) ``payable``, its row locked: the applied
    payment is refunded in full (what has not gone back yet) and, after the commit, the refund is sent
    and payment pages still open are closed (a payment made there meanwhile is refunded on arrival)."""
    transaction.on_commit(lambda: payable_after_cancel(payable=payable), robust=True)
    payment = Payment.objects.select_for_update().filter(payable=payable, applied=True).first()
    if payment is None:
        return None
    if payment.refunds.filter(status=Refund.Status.FAILED).exists():
        return None  # staff decide (the failed refund is flagged); a repeat never sends another
    due = payment.amount - _refunded(payment)
    if due <= ZERO:
        return None
    return Refund.objects.create(
        payment=payment,
        payable=payable,
        amount=due,
        currency=payment.currency,
        reason=Refund.Reason.CANCELLATION,
        idempotency_key=_new_key(),
    )


def payable_after_cancel(*, payable: str) -> list[Refund]:
    """Close the payable's payments still open and send its refunds (outside any transaction)."""
    now = timezone.now()
    pending = Payment.objects.filter(payable=payable, status=Payment.Status.PENDING)
    for payment in pending.filter(expires_at__lte=now):
        payment_status_advance(payment=payment, status=Payment.Status.EXPIRED)
    for payment in pending.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)):
        try:
            provider_get(payment.provider).cancel_payment(payment=payment)
        except (KeyError, PaymentProviderError) as error:
            logger.warning("Payment %s could not be closed: %s", payment.pk, error)
            continue
        payment_status_advance(payment=payment, status=Payment.Status.EXPIRED)
    return refunds_send_payable(payable=payable)


def refunds_send_payable(*, payable: str) -> list[Refund]:
    """Send the payable's refunds that have not reached their provider yet."""
    unsent = Refund.objects.filter(payable=payable, status=Refund.Status.PENDING, provider_reference="")
    return [refund_send(refund=refund) for refund in unsent.select_related("payment").order_by("id")]


@transaction.atomic
def payable_refund_status_set(
    *, refund: Refund, status: str, provider_reference: str = "", by: User | None = None
) -> Refund:
    """``refund_status_set`` for a payable: statuses only move forward; the handler posts the refund to
    the ledger when it succeeds, and takes it back (flagged) if it fails after succeeding."""
    handler, ident = payable_handler(refund.payable)
    handler.lock(ident=ident)
    refund = Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund.pk)
    previous = refund.status
    if provider_reference and not refund.provider_reference:
        refund.provider_reference = provider_reference
    in_ledger = refund.currency.upper() == handler.describe(ident=ident).currency.upper()
    if Refund.STATUS_RANK[status] > Refund.STATUS_RANK[previous]:
        refund.status = status
        if status == Refund.Status.SUCCEEDED and in_ledger:
            handler.refunded(refund=refund)
        elif status == Refund.Status.FAILED:
            if previous == Refund.Status.SUCCEEDED and in_ledger:
                handler.refund_failed(refund=refund)
            _flag(refund, _("退款失败,需人工处理 The refund failed and needs staff"))
            logger.warning("Refund %s of %s failed", refund.pk, refund.payable)
    refund.save()
    return refund


@transaction.atomic
def payable_refund_record_outside(*, payment: Payment, amount: Decimal, provider_reference: str) -> Refund:
    """A refund made in the provider's dashboard: recorded and flagged (the payable did not change)."""
    handler, ident = payable_handler(payment.payable)
    handler.lock(ident=ident)
    existing = Refund.objects.filter(provider_reference=provider_reference).first()
    if existing is not None:
        return existing
    refund = Refund(
        payment=payment,
        payable=payment.payable,
        amount=quantize(amount),
        currency=payment.currency,
        reason=Refund.Reason.OUTSIDE,
        provider_reference=provider_reference,
        idempotency_key=_new_key(),
    )
    _flag(
        refund, _("在收款渠道后台发起的退款,订单状态未变 Refunded at the provider; the order did not change")
    )
    refund.save()
    return refund


def payable_payments_sync(*, payable: str) -> bool:
    """Ask the providers about the payable's payments still open (the buyer is back from paying and
    the notification may be late or lost); what they say goes through the same services. Whether any
    was asked about."""
    enabled = providers_enabled()
    open_payments = Payment.objects.filter(
        payable=payable,
        status__in=[Payment.Status.PENDING, Payment.Status.PROCESSING],
        provider__in=list(enabled),
    ).exclude(provider_reference="")
    asked = False
    for payment in open_payments:
        try:
            enabled[payment.provider].payment_sync(payment=payment)
        except PaymentProviderError:
            continue  # the notification, or the next query, tells
        asked = True
    return asked


def payable_wechat_code(*, payable: str) -> Payment | None:
    """The payable's open WeChat Pay payment shown as a QR code (Native: ``weixin://``), the latest one;
    what the shop's and the events' WeChat Pay pages show."""
    return (
        Payment.objects.filter(
            payable=payable, status=Payment.Status.PENDING, redirect_url__startswith="weixin://"
        )
        .order_by("-id")
        .first()
    )
