"""Every change to payments and refunds. Like ``bookings.services``: keyword-only, atomic, safe to call
twice; rows are locked in the engine's order (room type, booking, then payment or refund rows).

Calls to a provider (network) never run inside a transaction: the record is written first with its
idempotency key, the provider is called, and the answer is stored in a second transaction. A call that
failed on the way is simply repeated with the same key (``refunds_send``, ``refunds_send_due``).

* ``payment_start``: open a payment for a booking (Stripe Checkout: a session; the hold is extended
  to the session's end, see ``bookings.payments.stripe_checkout``). The provider calls of one start
  (a replaced payment takes three) fit within one deadline under the worker's timeout
  (``PAYMENT_START_DEADLINE``, ``_StartDeadline``).
* ``payment_succeeded``: money arrived (a webhook). The booking is confirmed through
  ``booking_confirm``, which also takes back the rooms of an expired hold when they are still free.
  When the booking cannot take the money (nights gone, cancelled, already paid by another payment), the
  payment is refunded in full automatically and flagged for staff: no payment is lost or unmatched.
  Such a refund is sent by the task worker (``bookings.payments.tasks``), not in the provider's
  notification request, which answers at once (WeChat Pay wants an answer within about 5 s).
  Money that is not what the payment asked for (another amount or currency) never confirms the booking,
  which stays held as it was: what arrived is recorded on the payment and flagged; in the booking's
  currency (CNY) it enters the ledger and is refunded in full at once; in another currency it stays out
  of the ledger, which is kept in CNY, and a person decides on the refund (``_payment_mismatched``).
* ``payment_mark_paid_at_homestay``: the owner took the money at check-in.
* ``refund_for_cancellation``: after ``booking_cancel`` / ``booking_decline`` / an expired paid
  request, refund ``booking.refund_due`` through the provider that took the payment.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.activity import Action, Role, Source, event_record
from bookings.errors import BookingError, IllegalTransition, NightsUnavailable
from bookings.ledger import ledger_record_payment, ledger_record_refund, ledger_record_refund_failed
from bookings.models import Booking
from bookings.notices import (
    OWNER_CASH_REFUND,
    REFUND_COMPLETED,
    REFUND_SENT,
    booking_notices_queue,
    payment_received_queue,
    refund_notices_queue,
)
from bookings.payments.base import (
    ANY_CLIENT,
    AT_HOMESTAY,
    PaymentClient,
    PaymentProvider,
    PaymentProviderError,
    PaymentStart,
    online_choices,
    provider_get,
    providers_for,
    providers_known,
)
from bookings.payments.models import HomestayPayment, Payment, Refund
from bookings.payments.splits import split_return_for_refund
from bookings.revenue.postings import revenue_record_cancellation, revenue_record_payment
from bookings.services import booking_confirm, lock_booking
from bookings.transitions import Moment, transition_check
from common.clock import local_today
from common.money import ZERO, quantize
from villages.models import Homestay

logger = logging.getLogger(__name__)

Status = Booking.Status
NOTE_LENGTH = 300
UNSENT_GRACE = timedelta(minutes=2)  # a refund being sent right now is left to its sender


class PaymentUnavailable(BookingError):
    """The provider could not open the payment (HTTP 503); the guest can try again."""

    code = "payment_unavailable"

    def __init__(self):
        super().__init__(
            _(
                "暂时无法发起在线支付,请稍后再试 "
                "Online payment is not available right now; please try again in a moment"
            )
        )


class PaymentStartTooSlow(PaymentUnavailable):
    """The provider answered too slowly to replace the open payment within the start's deadline
    (HTTP 503): nothing more was changed; the guest tries again in a moment."""

    def __init__(self):
        BookingError.__init__(
            self,
            _(
                "支付渠道响应太慢,这次未能更换付款方式,请稍后再试 "
                "The payment provider is answering too slowly to switch the payment now; please try "
                "again in a moment"
            ),
        )


def provider_call_worst() -> float:
    """The longest one provider call can take, in seconds: every try waits at most
    ``PAYMENT_PROVIDER_CONNECT_TIMEOUT`` + ``PAYMENT_PROVIDER_READ_TIMEOUT``, with pauses of 0.5 s, 1 s...
    between ``PAYMENT_PROVIDER_RETRIES`` further tries (18.5 s with the defaults)."""
    retries = int(settings.PAYMENT_PROVIDER_RETRIES)
    per_try = float(settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT) + float(settings.PAYMENT_PROVIDER_READ_TIMEOUT)
    return (retries + 1) * per_try + sum(0.5 * attempt for attempt in range(1, retries + 1))


@dataclass(frozen=True)
class _StartDeadline:
    """One deadline for every provider call of a ``payment_start`` (``PAYMENT_START_DEADLINE`` seconds,
    25 by default, under gunicorn's 30 s worker timeout, docs/deployment.md). The first call always goes;
    each further one only when it can still finish in time, even at its slowest
    (``provider_call_worst``): a replacement (query, close, new order) that cannot is refused before the
    call (``PaymentStartTooSlow``)."""

    ends: float  # time.monotonic()

    @classmethod
    def start(cls) -> "_StartDeadline":
        return cls(ends=time.monotonic() + float(settings.PAYMENT_START_DEADLINE))

    def check(self) -> None:
        if time.monotonic() + provider_call_worst() > self.ends:
            logger.warning("Payment start refused: no time left for another provider call")
            raise PaymentStartTooSlow


def _new_key() -> str:
    return uuid.uuid4().hex


def _refuse(booking: Booking, message: str) -> IllegalTransition:
    return IllegalTransition(message, status=booking.status, action="pay")


def _provider_for(booking: Booking, identifier: str | None, client: PaymentClient) -> PaymentProvider:
    """The provider named, or the first offered to this guest (``online_choices``' order)."""
    candidates = (
        online_choices(homestay=booking.homestay, client=client, language=booking.language)
        if booking.payment == Booking.Payment.ONLINE
        else providers_for(homestay=booking.homestay)
    )
    for provider in candidates:
        if provider.booking_payment == booking.payment and identifier in (None, provider.identifier):
            return provider
    raise PaymentUnavailable


def _check_payable(booking: Booking, now) -> None:
    if booking.payment == Booking.Payment.ONLINE:
        transition_check(booking, "pay", Moment(today=local_today(), now=now))
    elif booking.is_paid or booking.status not in (Status.HELD, Status.CONFIRMED):
        raise _refuse(booking, _("这个预订现在无需付款 This booking has nothing to pay now"))


def _payment_open_or_new(
    owner: dict, chosen: PaymentProvider, amount, currency: str, pay_by, now
) -> tuple[Payment, bool]:
    """The open (pending, unexpired) payment of ``owner`` (``{"booking": ...}`` or ``{"payable": ...}``)
    with the provider, or a new one ending when the provider's payments do (``pay_by`` the owner's own
    end); and whether it is new. The caller holds the owner's lock."""
    open_payment = (
        Payment.objects.filter(**owner, provider=chosen.identifier, status=Payment.Status.PENDING)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("-id")
        .first()
    )
    if open_payment is not None:
        return open_payment, False
    payment = Payment.objects.create(
        **owner,
        provider=chosen.identifier,
        amount=amount,
        currency=currency,
        expires_at=chosen.payment_expires_at(hold_expires_at=pay_by, now=now),
        idempotency_key=_new_key(),
    )
    return payment, True


@transaction.atomic
def _payment_open(
    *, booking: Booking, provider: str | None, client: PaymentClient
) -> tuple[Payment, PaymentProvider]:
    """The booking's open payment with the provider, or a new one (the hold extended to its end)."""
    booking = lock_booking(booking)
    chosen = _provider_for(booking, provider, client)
    now = timezone.now()
    _check_payable(booking, now)
    payment, opened = _payment_open_or_new(
        {"booking": booking}, chosen, booking.total, booking.currency, booking.hold_expires_at, now
    )
    if not opened:
        return payment, chosen
    expires_at = payment.expires_at
    if (
        booking.status == Status.HELD
        and expires_at is not None
        and booking.hold_expires_at is not None
        and expires_at > booking.hold_expires_at
    ):
        booking.hold_expires_at = expires_at
        booking.save(update_fields=["hold_expires_at", "updated_at"])
    return payment, chosen


@transaction.atomic
def _payment_started(*, payment: Payment, started: PaymentStart) -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if started.provider_reference and not payment.provider_reference:
        payment.provider_reference = started.provider_reference
        payment.redirect_url = started.redirect_url
        payment.save(update_fields=["provider_reference", "redirect_url", "updated_at"])
    return payment


@transaction.atomic
def _payment_start_failed(*, payment: Payment, error: PaymentProviderError) -> None:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    payment.attention_note = error.message[:NOTE_LENGTH]
    if not error.retryable and payment.status == Payment.Status.PENDING:
        payment.status = Payment.Status.FAILED
    payment.save(update_fields=["attention_note", "status", "updated_at"])


def _payment_close_to_replace(
    *, payment: Payment, provider: PaymentProvider, deadline: _StartDeadline
) -> None:
    """The first half of replacing an open payment (a booking's or a payable's): ask the provider about
    it (paid meanwhile: recorded through the same services as a notification), close it when it is still
    open and the close can finish before ``deadline``, and record it expired. ``PaymentUnavailable``
    when the provider cannot be reached, ``PaymentStartTooSlow`` before a call there is no time for."""
    try:
        provider.payment_sync(payment=payment)
        payment = Payment.objects.get(pk=payment.pk)
        if payment.status == Payment.Status.PENDING:
            deadline.check()
            provider.cancel_payment(payment=payment)
    except PaymentProviderError as error:
        logger.warning("Payment %s could not be replaced: %s", payment.pk, error.message)
        raise PaymentUnavailable from error
    payment_status_advance(payment=payment, status=Payment.Status.EXPIRED)


def _provider_start(
    *, payment: Payment, provider: PaymentProvider, success_url: str, cancel_url: str, client: PaymentClient
) -> Payment:
    """Open ``payment`` with its provider (again, with the same idempotency key, after a failure) and
    record where to send the payer; a refusal is noted on the payment and raised as ``PaymentUnavailable``."""
    try:
        started = provider.start_payment(
            payment=payment, success_url=success_url, cancel_url=cancel_url, client=client
        )
    except PaymentProviderError as error:
        logger.warning("Payment %s could not start: %s", payment.pk, error.message)
        _payment_start_failed(payment=payment, error=error)
        raise PaymentUnavailable from error
    return _payment_started(payment=payment, started=started)


def _payment_replace(
    *,
    booking: Booking,
    payment: Payment,
    provider: PaymentProvider,
    client: PaymentClient,
    deadline: _StartDeadline,
) -> Payment:
    """The open payment cannot be paid from where the guest is now (``payment_fits``): ask the provider
    about it first (paid meanwhile: the booking is paid and nothing new opens), close it, and open
    another. Network calls outside any transaction, like every provider call. A call after the first
    is made only when it can finish before ``deadline``: when the query was too slow to close the
    payment in time, it is left open as it was (the scheduled ``payments_sync_due`` asks about it
    again); when the close was too slow to open another in time, the payment is closed and nothing new
    is opened."""
    _payment_close_to_replace(payment=payment, provider=provider, deadline=deadline)
    booking = Booking.objects.get(pk=booking.pk)
    _check_payable(booking, timezone.now())  # paid meanwhile: say so rather than "too slow"
    deadline.check()
    replacement, _chosen = _payment_open(booking=booking, provider=provider.identifier, client=client)
    return replacement


def payment_start(
    *,
    booking: Booking,
    success_url: str,
    cancel_url: str,
    provider: str | None = None,
    client: PaymentClient | None = None,
) -> Payment:
    """Open (or reopen) the guest's payment for a booking; send the guest to ``payment.redirect_url``
    when it is set (Stripe Checkout), else there is nothing to pay online. ``provider`` picks one of the
    homestay's providers for the booking's way of paying (default: the first); ``client`` says where the
    guest pays from (WeChat Pay opens an H5 page on a phone, a QR code on a desktop).

    Raises ``IllegalTransition`` when the booking has nothing to pay or its hold is over, and
    ``PaymentUnavailable`` when no provider can take the payment now (``PaymentStartTooSlow`` when it
    answers too slowly to replace the open payment within the start's deadline).
    """
    client = client or ANY_CLIENT
    deadline = _StartDeadline.start()
    payment, chosen = _payment_open(booking=booking, provider=provider, client=client)
    if payment.provider_reference and not chosen.payment_fits(payment=payment, client=client):
        payment = _payment_replace(
            booking=booking, payment=payment, provider=chosen, client=client, deadline=deadline
        )
    if payment.provider_reference:
        return payment
    return _provider_start(
        payment=payment, provider=chosen, success_url=success_url, cancel_url=cancel_url, client=client
    )


def _lock_payment(payment: Payment) -> tuple[Booking, Payment]:
    booking = lock_booking(payment.for_booking)
    return booking, Payment.objects.select_for_update().get(pk=payment.pk)


def _set_references(payment: Payment, provider_reference: str, provider_payment_reference: str) -> None:
    if provider_reference and not payment.provider_reference:
        payment.provider_reference = provider_reference
    if provider_payment_reference and not payment.provider_payment_reference:
        payment.provider_payment_reference = provider_payment_reference


def _flag(record: Payment | Refund, note: str) -> None:
    record.needs_attention = True
    record.attention_note = note[:NOTE_LENGTH]


def _refund_unmatched(booking: Booking, payment: Payment, reason: str, note: str) -> Refund:
    """Give back a payment the booking cannot take, and flag it for staff."""
    logger.warning("Payment %s of booking %s refunded automatically: %s", payment.pk, booking.reference, note)
    _flag(payment, note)
    payment.save()
    refund = Refund.objects.create(
        payment=payment,
        booking=booking,
        amount=payment.amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=_new_key(),
    )
    transaction.on_commit(partial(refunds_send_enqueue, booking.pk), robust=True)
    return refund


def _system_event(
    booking: Booking,
    action: str,
    *,
    from_status: str,
    source: str,
    note: str = "",
    by: User | None = None,
) -> None:
    """An event of the money, recorded by the system (or by the owner who handed cash back: ``by``)."""
    role = Role.SYSTEM if by is None else Role.OWNER
    event_record(
        booking=booking, action=action, role=role, source=source, from_status=from_status, note=note, actor=by
    )


def _payment_apply(booking: Booking, payment: Payment, source: str) -> None:
    """Confirm the booking with the payment, record it and tell the guest and the owner; or refund the
    money the booking cannot take (flagged for staff)."""
    if booking.is_paid:
        note = _("预订已由另一笔付款支付 The booking was already paid by another payment")
        _refund_unmatched(booking, payment, Refund.Reason.DUPLICATE, note)
        _system_event(booking, Action.PAYMENT_FLAGGED, from_status=booking.status, source=source, note=note)
        return
    try:
        confirmed = booking_confirm(booking=booking)
    except (NightsUnavailable, IllegalTransition) as error:
        _refund_unmatched(booking, payment, Refund.Reason.BOOKING_UNAVAILABLE, error.message)
        _system_event(
            booking, Action.PAYMENT_FLAGGED, from_status=booking.status, source=source, note=error.message
        )
        return
    payment.applied = True
    payment.save(update_fields=["applied", "updated_at"])
    _system_event(confirmed, Action.PAID, from_status=booking.status, source=source)
    booking_notices_queue(confirmed, actor_role=Role.SYSTEM)
    payment_received_queue(confirmed, payment_id=payment.pk, amount=payment.amount)


def _payment_mismatched(
    booking: Booking, payment: Payment, amount: Decimal, currency: str, source: str
) -> None:
    """The provider says another amount or currency arrived than the payment asked for: record what
    arrived and flag it, without confirming the booking or touching its hold. In the booking's currency
    the money enters the ledger and goes back in full; a refund in another currency is left to staff
    (and kept out of the CNY ledger, see ``refund_status_set``)."""
    expected = f"{payment.amount} {payment.currency}"
    payment.amount, payment.currency = quantize(amount), currency.upper()
    note = _(
        "付款金额或币种与订单不符:应付%(expected)s,实收%(received)s "
        "The amount or currency paid does not match: %(expected)s expected, %(received)s received"
    ) % {"expected": expected, "received": f"{payment.amount} {payment.currency}"}
    if payment.currency != booking.currency:
        logger.error("Payment %s of booking %s needs staff: %s", payment.pk, booking.reference, note)
        staff = _("外币付款,退款需人工处理 Paid in another currency: staff decide the refund")
        _flag(payment, f"{note} {staff}")
        payment.save()
    else:
        payment.save()
        ledger_record_payment(payment=payment)
        _refund_unmatched(booking, payment, Refund.Reason.BOOKING_UNAVAILABLE, note)
    _system_event(booking, Action.PAYMENT_FLAGGED, from_status=booking.status, source=source, note=note)


@transaction.atomic
def payment_succeeded(
    *,
    payment: Payment,
    provider_reference: str = "",
    provider_payment_reference: str = "",
    source: str = Source.WEBHOOK,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> Payment:
    """The provider says the money arrived: record it in the ledger and confirm the booking (or, when
    the booking cannot take it any more, refund it automatically and flag it). Safe to call twice.

    ``amount`` and ``currency`` are what the provider says arrived; when either differs from the
    payment's, nothing is confirmed (``_payment_mismatched``). Left out, the payment's own are taken.
    A payment of another payable (a shop order, a ticket) goes to ``payable_payment_succeeded``."""
    if payment.payable:
        return _payables().payable_payment_succeeded(
            payment=payment,
            provider_reference=provider_reference,
            provider_payment_reference=provider_payment_reference,
            source=source,
            amount=amount,
            currency=currency,
        )
    booking, payment = _lock_payment(payment)
    _set_references(payment, provider_reference, provider_payment_reference)
    if payment.status == Payment.Status.SUCCEEDED:
        payment.save()
        return payment
    payment.status = Payment.Status.SUCCEEDED
    payment.paid_at = timezone.now()
    amount = payment.amount if amount is None else quantize(amount)
    currency = payment.currency if currency is None else currency.upper()
    if (amount, currency) != (payment.amount, payment.currency.upper()):
        _payment_mismatched(booking, payment, amount, currency, source)
        return payment
    payment.save()
    ledger_record_payment(payment=payment)
    _payment_apply(booking, payment, source)
    revenue_record_payment(payment=payment)
    return payment


@transaction.atomic
def payment_status_advance(
    *, payment: Payment, status: str, provider_reference: str = "", provider_payment_reference: str = ""
) -> Payment:
    """A payment is processing, failed or expired. Statuses only move forward (``STATUS_RANK``): an
    expiry that arrives after the payment succeeded changes nothing. Money is handled by
    ``payment_succeeded`` only."""
    if status == Payment.Status.SUCCEEDED:
        raise ValueError("use payment_succeeded")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    _set_references(payment, provider_reference, provider_payment_reference)
    if Payment.STATUS_RANK[status] > Payment.STATUS_RANK[payment.status]:
        payment.status = status
    payment.save()
    return payment


@transaction.atomic
def payment_mark_paid_at_homestay(*, booking: Booking, by: User | None = None) -> Payment:
    """The owner took the guest's money at the homestay (at check-in, or any time after confirming).
    ``by`` is the owner; checking that they may is the caller's job. Safe to call twice."""
    booking = lock_booking(booking)
    if booking.payment != Booking.Payment.AT_HOMESTAY:
        raise _refuse(booking, _("这个预订是在线支付的 This booking is paid online, not at the homestay"))
    applied = booking.payments.filter(applied=True).first()
    if applied is not None:
        return applied
    if booking.status not in (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED):
        raise _refuse(
            booking, _("预订确认后才能登记到店付款 Record the payment once the booking is confirmed")
        )
    provider = provider_get(AT_HOMESTAY)
    payment = (
        booking.payments.select_for_update()
        .filter(provider=provider.identifier, status=Payment.Status.PENDING)
        .first()
    ) or Payment(booking=booking, provider=provider.identifier, idempotency_key=_new_key())
    now = timezone.now()
    payment.amount = booking.total
    payment.currency = booking.currency
    payment.status = Payment.Status.SUCCEEDED
    payment.applied = True
    payment.paid_at = now
    payment.recorded_by = by
    payment.save()
    booking.paid_at = now
    booking.save(update_fields=["paid_at", "updated_at"])
    ledger_record_payment(payment=payment)
    revenue_record_payment(payment=payment)
    return payment


def _refunded(payment: Payment) -> Decimal:
    """What has gone back, or is on its way back, of a payment."""
    total = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"]
    return quantize(total or ZERO)


@transaction.atomic
def _cancellation_refund_create(*, booking: Booking) -> Refund | None:
    booking = lock_booking(booking)
    revenue_record_cancellation(booking=booking)
    if not booking.refund_due:
        return None
    payment = booking.payments.select_for_update().filter(applied=True).first()
    if payment is None:
        logger.error("Booking %s has a refund due but no payment recorded", booking.reference)
        return None
    if payment.refunds.filter(status=Refund.Status.FAILED).exists():
        return None  # a refund of it failed: staff decide (it is flagged), a repeat never sends another
    due = min(booking.refund_due, payment.amount) - _refunded(payment)
    if due <= ZERO:
        return None
    return Refund.objects.create(
        payment=payment,
        booking=booking,
        amount=due,
        currency=payment.currency,
        reason=Refund.Reason.CANCELLATION,
        idempotency_key=_new_key(),
    )


def _payments_close_open(booking: Booking) -> None:
    """A cancelled or expired booking can no longer be paid: close the payments still open. Should one
    have been paid meanwhile, its success still wins and the money is refunded automatically."""
    now = timezone.now()
    pending = booking.payments.filter(status=Payment.Status.PENDING)
    for payment in pending.filter(expires_at__lte=now):  # closed at the provider already: nothing to call
        payment_status_advance(payment=payment, status=Payment.Status.EXPIRED)
    for payment in pending.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)):
        try:
            provider_get(payment.provider).cancel_payment(payment=payment)
        except (KeyError, PaymentProviderError) as error:
            logger.warning("Payment %s could not be closed: %s", payment.pk, error)
            continue
        payment_status_advance(payment=payment, status=Payment.Status.EXPIRED)


def refund_for_cancellation(*, booking: Booking) -> list[Refund]:
    """Call after ``booking_cancel`` (and ``booking_decline``, or when a paid request expired): refunds
    ``booking.refund_due`` (partial refunds included) through the provider of the payment and closes
    payment pages still open. Calling it again refunds only what is still missing, so it is safe to
    repeat; a refund's final status arrives with the provider's events. Returns the refunds sent."""
    _cancellation_refund_create(booking=booking)
    booking = Booking.objects.get(pk=booking.pk)
    if booking.status in (Status.CANCELLED, Status.EXPIRED):
        _payments_close_open(booking)
    return refunds_send(booking=booking)


@transaction.atomic
def refund_status_set(
    *,
    refund: Refund,
    status: str,
    provider_reference: str = "",
    source: str = Source.WEBHOOK,
    by: User | None = None,
) -> Refund:
    """Record what the provider says about a refund. Statuses only move forward; the ledger gets the
    refund when it succeeds, and gets it back (flagged for staff) if it fails after succeeding."""
    if refund.payable:
        return _payables().payable_refund_status_set(
            refund=refund, status=status, provider_reference=provider_reference, by=by
        )
    lock_booking(refund.for_booking)
    refund = (
        Refund.objects.select_for_update(of=("self",)).select_related("payment", "booking").get(pk=refund.pk)
    )
    previous, reached = refund.status, bool(refund.provider_reference)
    if provider_reference and not refund.provider_reference:
        refund.provider_reference = provider_reference
    in_ledger = refund.currency.upper() == refund.for_booking.currency  # see _payment_mismatched
    if Refund.STATUS_RANK[status] > Refund.STATUS_RANK[previous]:
        refund.status = status
        if status == Refund.Status.SUCCEEDED and in_ledger:
            ledger_record_refund(refund=refund)
        elif status == Refund.Status.FAILED:
            if previous == Refund.Status.SUCCEEDED and in_ledger:
                ledger_record_refund_failed(refund=refund)
            _flag(refund, _("退款失败,需人工处理 The refund failed and needs staff"))
            logger.warning("Refund %s of booking %s failed", refund.pk, refund.for_booking.reference)
    refund.save()
    _refund_told(refund, previous=previous, reached=reached, source=source, by=by)
    return refund


def _money(refund: Refund) -> str:
    return f"{refund.amount} {refund.currency.upper()}"


def _refund_told(refund: Refund, *, previous: str, reached: bool, source: str, by: User | None) -> None:
    """Record and tell what happened to a refund: on its way (the provider took it; for cash, the owner
    is asked to hand it back), completed, or failed (staff see it flagged). A refund in another currency
    (see ``_payment_mismatched``) is recorded but staff explain it to the guest themselves."""
    booking = refund.for_booking
    status, note = booking.status, _money(refund)
    tell = refund.currency.upper() == booking.currency
    cash = refund.payment.provider == AT_HOMESTAY
    if refund.status == Refund.Status.PENDING and refund.provider_reference and not reached:
        _system_event(booking, Action.REFUND_SENT, from_status=status, source=source, note=note)
        if tell:
            refund_notices_queue(
                booking, refund_id=refund.pk, amount=refund.amount, event=REFUND_SENT, cash=cash
            )
        if tell and cash:
            refund_notices_queue(booking, refund_id=refund.pk, amount=refund.amount, event=OWNER_CASH_REFUND)
    elif refund.status != previous and refund.status == Refund.Status.SUCCEEDED:
        _system_event(booking, Action.REFUND_COMPLETED, from_status=status, source=source, note=note, by=by)
        if tell:
            refund_notices_queue(booking, refund_id=refund.pk, amount=refund.amount, event=REFUND_COMPLETED)
    elif refund.status != previous and refund.status == Refund.Status.FAILED:
        _system_event(booking, Action.REFUND_FAILED, from_status=status, source=source, note=note)


@transaction.atomic
def refund_record_outside(*, payment: Payment, amount: Decimal, provider_reference: str) -> Refund:
    """A refund the platform did not ask for (made in the provider's dashboard): recorded so the money
    stays matched, and flagged because the booking did not change."""
    if payment.payable:
        return _payables().payable_refund_record_outside(
            payment=payment, amount=amount, provider_reference=provider_reference
        )
    booking = lock_booking(payment.for_booking)
    existing = Refund.objects.filter(provider_reference=provider_reference).first()
    if existing is not None:
        return existing
    refund = Refund(
        payment=payment,
        booking=booking,
        amount=quantize(amount),
        currency=payment.currency,
        reason=Refund.Reason.OUTSIDE,
        provider_reference=provider_reference,
        idempotency_key=_new_key(),
    )
    _flag(
        refund,
        _("在收款渠道后台发起的退款,预订状态未变 Refunded at the provider; the booking did not change"),
    )
    refund.save()
    return refund


@transaction.atomic
def _refund_send_failed(*, refund: Refund, error: PaymentProviderError) -> Refund:
    if not refund.payable:
        lock_booking(refund.for_booking)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    refund.attention_note = error.message[:NOTE_LENGTH]
    refund.save(update_fields=["attention_note", "updated_at"])
    if error.retryable:
        return refund
    return refund_status_set(refund=refund, status=Refund.Status.FAILED, source=Source.SYSTEM)


def refund_send(*, refund: Refund) -> Refund:
    """Send one refund to its provider (again, with the same idempotency key, if an earlier try failed
    on the way). A payment already split first takes the receivers' part back
    (``splits.split_return_for_refund``); the refund waits until that has worked."""
    try:
        split_return_for_refund(refund=refund)
        result = provider_get(refund.payment.provider).refund(refund=refund)
    except KeyError:
        error = PaymentProviderError(f"provider {refund.payment.provider} is not enabled", retryable=True)
        logger.error("Refund %s not sent: %s", refund.pk, error.message)
        return _refund_send_failed(refund=refund, error=error)
    except PaymentProviderError as error:
        logger.warning("Refund %s not sent: %s", refund.pk, error.message)
        return _refund_send_failed(refund=refund, error=error)
    return refund_status_set(
        refund=refund,
        status=result.status,
        provider_reference=result.provider_reference,
        source=Source.SYSTEM,
    )


def refunds_send(*, booking: Booking) -> list[Refund]:
    """Send the booking's refunds that have not reached their provider yet."""
    unsent = Refund.objects.filter(booking=booking, status=Refund.Status.PENDING, provider_reference="")
    return [
        refund_send(refund=refund) for refund in unsent.select_related("payment", "booking").order_by("id")
    ]


def refunds_send_enqueue(booking_id: int) -> None:
    """Hand the booking's unsent refunds to the task worker (``tasks.refunds_send_task``); should the
    queue fail, ``refunds_send_due`` sends them on its next run."""
    from bookings.payments.tasks import refunds_send_task

    try:
        refunds_send_task.enqueue(booking_id)
    except Exception:  # the queue is the database or a broker: a hiccup there must not undo anything
        logger.exception("Refunds of booking %s not queued; the due job sends them", booking_id)


def refunds_send_due() -> int:
    """The safety net, for a scheduled job: create the cancellation refunds nobody asked for yet (e.g.
    a paid request that expired on its own) and resend refunds that never reached their provider.
    Bookings whose cancellation refund failed are left to staff (a failed refund of a payment the
    booking could not take is flagged on that payment). Returns how many refunds were sent."""
    failed = Refund.objects.filter(status=Refund.Status.FAILED, payment__applied=True)
    missing = (
        Booking.objects.filter(refund_due__gt=0, payments__applied=True)
        .exclude(refunds__in=failed)
        .annotate(refunded=Sum("refunds__amount", filter=Q(refunds__payment__applied=True), default=ZERO))
        .filter(refunded__lt=F("refund_due"))
    )
    created = [_cancellation_refund_create(booking=booking) for booking in missing.order_by("id")]
    stale = Refund.objects.filter(
        status=Refund.Status.PENDING, provider_reference="", created_at__lte=timezone.now() - UNSENT_GRACE
    )
    due = [refund for refund in created if refund is not None] + list(
        stale.select_related("payment", "booking").order_by("id")
    )
    for refund in due:
        refund_send(refund=refund)
    return len(due)


@transaction.atomic
def homestay_providers_set(*, homestay: Homestay, providers: list[str]) -> HomestayPayment:
    """Choose which payment providers a homestay accepts (the owner console or staff)."""
    known = providers_known()
    chosen = [identifier for identifier in dict.fromkeys(providers) if identifier]
    if not chosen or any(identifier not in known for identifier in chosen):
        raise ValidationError(
            _("请至少选择一种有效的收款方式 Choose at least one valid way to pay"), code="providers"
        )
    choice, _created = HomestayPayment.objects.update_or_create(
        homestay=homestay, defaults={"providers": chosen}
    )
    return choice


def refund_cash_handed_back(
    *, refund: Refund, by: User | None = None, source: str = Source.CONSOLE
) -> Refund:
    """The owner handed a cash refund back to the guest (paid at the homestay): the refund is done now,
    the ledger posts it and the guest is told. Until then it stays pending (``AtHomestay.refund``)."""
    if refund.payment.provider != AT_HOMESTAY:
        raise ValueError("only cash refunds are handed back")
    return refund_status_set(refund=refund, status=Refund.Status.SUCCEEDED, source=source, by=by)


SYNC_AFTER = timedelta(minutes=2)  # a notification usually arrives within seconds
SYNC_WITHIN = timedelta(days=2)  # older open orders are long closed at the provider


def payments_sync_due(*, now=None) -> int:
    """The safety net for lost notifications, for a scheduled job (``expire_holds`` runs it first, so
    a payment made but not yet heard of confirms its booking before the hold lapses): ask the provider
    about every payment still open that was opened more than ``SYNC_AFTER`` ago. Returns how many were
    asked about; a provider that cannot be reached is asked again next time."""
    now = now or timezone.now()
    open_payments = (
        Payment.objects.filter(status__in=[Payment.Status.PENDING, Payment.Status.PROCESSING])
        .exclude(provider_reference="")
        .filter(created_at__lte=now - SYNC_AFTER, created_at__gte=now - SYNC_WITHIN)
        .select_related("booking")
        .order_by("id")
    )
    asked = 0
    for payment in open_payments:
        try:
            provider_get(payment.provider).payment_sync(payment=payment)
        except KeyError:
            continue
        except PaymentProviderError as error:
            logger.warning("Payment %s not synced: %s", payment.pk, error.message)
            continue
        asked += 1
    return asked


def _payables():
    """``payable_services``, which builds on this module: imported when a payable's payment or refund
    comes through the services written for bookings (the one place they dispatch)."""
    from bookings.payments import payable_services

    return payable_services
