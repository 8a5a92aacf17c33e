"""Profit sharing (分账): the guest's money settles to the homestay owner, and the platform's commission
and the village collective's share are split to their receivers once the stay is over (docs/payments.md,
"分账 Profit sharing").

Who is paid how is fixed when a payment is opened (``payee_for``): in WeChat Pay's service-provider mode
an owner with an active, verified sub-merchant account (``SplitAccount``) is the order's sub-merchant and
the order is frozen for profit sharing, provided the village's commission and collective rates together
stay within the ordinary split cap (``PROFIT_SHARING_MAX_RATIO``, 30%). Otherwise (no sub-merchant,
rates above the cap, Alipay, card) the group collects and owes the owner: the split is recorded in
``group`` mode with an ``OwnerPayout`` that staff pay by hand.

When (``split_due``): the day after check-out (``PROFIT_SHARING_DELAY_DAYS``, Beijing dates), for every
booking with an applied online payment and no refund still pending, whatever its status: a stay can be
cancelled only before its arrival day (``bookings.transitions``), so by then the cancellation window is
long past and what the booking keeps (all of it, or a cancellation fee) is final.

Each split is one record with our ``out_order_no`` (sent again after a failure, so the provider splits
once), its amounts taken from the ledger's earned revenue, and states that only move forward. A failure
worth retrying waits ``PROFIT_SHARING_RETRY_BASE`` × 2^(attempts−1) (at most a day) and is flagged for
staff after ``PROFIT_SHARING_MAX_ATTEMPTS``; a refusal (no receiver account, a share over the cap, a
receiver closed) is flagged at once. Success posts ``commission_split``, ``collective_split`` and
``owner_settled`` (``bookings.ledger``). A refund sent after a split first takes the receivers' part
back (``split_return_for_refund``), in proportion to the refund.
"""

import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from bookings.payments.reconciliation.splits import SplitRecord

from bookings.ledger import EARNED, Account, Kind, LedgerEntry, ledger_post
from bookings.models import Booking
from bookings.payments.base import PaymentProviderError
from bookings.payments.models import (
    OwnerPayout,
    Payment,
    PaymentPayee,
    Refund,
    Split,
    SplitAccount,
    SplitReturn,
)
from bookings.revenue.rules import rates_for
from bookings.services import lock_booking
from common.clock import local_today
from common.money import CENT, ZERO, quantize

logger = logging.getLogger(__name__)

NOTE_LENGTH = 300
BANK_TRANSFER = "bank_transfer"
WECHAT_PAY = "wechat_pay"
ALIPAY = "alipay"
# The providers that can split, each with its splitter (the provider calls).
SPLITTERS = {
    WECHAT_PAY: "bookings.payments.wechat_split.WeChatSplitter",
    ALIPAY: "bookings.payments.alipay_split.AlipaySplitter",
}
SPLIT_STATUSES = (
    Booking.Status.CONFIRMED,
    Booking.Status.CHECKED_IN,
    Booking.Status.COMPLETED,
    Booking.Status.NO_SHOW,
    Booking.Status.CANCELLED,
    Booking.Status.EXPIRED,
)


def max_ratio() -> Decimal:
    return Decimal(str(getattr(settings, "PROFIT_SHARING_MAX_RATIO", "0.30")))


def _delay_days() -> int:
    return int(getattr(settings, "PROFIT_SHARING_DELAY_DAYS", 1))


def _max_attempts() -> int:
    return int(getattr(settings, "PROFIT_SHARING_MAX_ATTEMPTS", 6))


def _retry_after(attempts: int) -> timedelta:
    base = timedelta(seconds=float(getattr(settings, "PROFIT_SHARING_RETRY_BASE", 300)))
    return min(base * 2 ** max(attempts - 1, 0), timedelta(days=1))


def partner_mode() -> bool:
    """WeChat Pay's service-provider mode: ``WECHATPAY_MCHID`` is the service provider's."""
    return str(getattr(settings, "WECHATPAY_PARTNER_MODE", "") or "").lower() in ("1", "true", "yes", "on")


def alipay_royalty() -> bool:
    """Alipay's royalty (分账) through the owners' authorisation of the group's application."""
    return str(getattr(settings, "ALIPAY_ROYALTY", "") or "").lower() in ("1", "true", "yes", "on")


def _group_sub_mchid() -> str:
    return str(getattr(settings, "WECHATPAY_GROUP_SUB_MCHID", "") or "")


def cap(amount: Decimal) -> Decimal:
    """The most an ordinary split may take from ``amount``: ``max_ratio`` of it, rounded down to fen."""
    return (amount * max_ratio()).quantize(CENT, rounding=ROUND_DOWN)


# --- who a payment is for, fixed when it is opened -------------------------------------------------


def _owner_account(booking: Booking) -> SplitAccount | None:
    account = SplitAccount.objects.filter(
        party=SplitAccount.Party.OWNER, homestay_id=booking.homestay_id
    ).first()
    return account if account is not None and account.usable else None


def _alipay_payee(payment: Payment) -> tuple[str, str, str]:
    if not alipay_royalty():
        return PaymentPayee.Mode.GROUP, "", _("支付宝分账未开通 Alipay royalty is not switched on")
    account = _owner_account(payment.for_booking)
    if account is None or not account.alipay_account or not account.alipay_app_auth_token:
        return (
            PaymentPayee.Mode.GROUP,
            "",
            _("经营户没有支付宝商家授权 The owner has not authorised us at Alipay"),
        )
    rates = rates_for(payment.for_booking)
    if rates.commission + rates.collective > max_ratio():
        return (
            PaymentPayee.Mode.GROUP,
            "",
            _("佣金和村集体分成超过分账上限 Commission and collective share exceed the split cap"),
        )
    return PaymentPayee.Mode.SUB_MERCHANT, account.alipay_account, ""


def _payee_decide(payment: Payment) -> tuple[str, str, str]:
    """``(mode, sub_mchid, reason)`` for a new payment."""
    if payment.payable:  # a shop order or a ticket: the group sells it and pays the producer itself
        group = _group_sub_mchid() if payment.provider == WECHAT_PAY and partner_mode() else ""
        return PaymentPayee.Mode.GROUP, group, _("集团销售,不分账 Sold by the group: no profit sharing")
    if payment.provider == ALIPAY:
        return _alipay_payee(payment)
    if payment.provider != WECHAT_PAY:
        return (
            PaymentPayee.Mode.GROUP,
            "",
            _("该收款渠道不支持分账给经营户 This provider does not split to owners"),
        )
    if not partner_mode():
        return (
            PaymentPayee.Mode.GROUP,
            "",
            _("微信支付未开通服务商模式 WeChat Pay is not in service-provider mode"),
        )
    group = _group_sub_mchid()
    account = _owner_account(payment.for_booking)
    if account is None or not account.wechat_mchid:
        return (
            PaymentPayee.Mode.GROUP,
            group,
            _("经营户没有可用的子商户号 The owner has no usable sub-merchant"),
        )
    rates = rates_for(payment.for_booking)
    if rates.commission + rates.collective > max_ratio():
        return (
            PaymentPayee.Mode.GROUP,
            group,
            _("佣金和村集体分成超过分账上限 Commission and collective share exceed the split cap"),
        )
    return PaymentPayee.Mode.SUB_MERCHANT, account.wechat_mchid, ""


def payee_for(*, payment: Payment, opening: bool = True) -> PaymentPayee:
    """The payment's payee, decided once, when it is opened (a payment opened again keeps it). A
    payment that reaches its split without one (another provider, or opened before profit sharing was
    set up) was collected by the group, whatever the settings say now."""
    existing = PaymentPayee.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    if opening:
        mode, sub_mchid, reason = _payee_decide(payment)
    else:
        mode, sub_mchid = PaymentPayee.Mode.GROUP, ""
        reason = (
            _("付款时未按分账开单 The payment was not opened for profit sharing")
            if payment.provider in SPLITTERS
            else _("该收款渠道不支持分账给经营户 This provider does not split to owners")
        )
    try:
        with transaction.atomic():
            return PaymentPayee.objects.create(payment=payment, mode=mode, sub_mchid=sub_mchid, reason=reason)
    except IntegrityError:  # opened twice at once: the first decision stands
        return PaymentPayee.objects.get(payment=payment)


def wechat_sub_mchid(*, payment: Payment) -> dict[str, str]:
    """What every service-provider-mode call about the payment names (``{}`` in direct mode)."""
    if not partner_mode():
        return {}
    payee = payee_for(payment=payment)
    sub_mchid = payee.sub_mchid or _group_sub_mchid()
    if not sub_mchid:
        raise PaymentProviderError("WeChat Pay: WECHATPAY_GROUP_SUB_MCHID is not set", retryable=False)
    return {"sub_mchid": sub_mchid}


def wechat_order_extra(*, payment: Payment) -> dict:
    """Extra parameters of a new WeChat Pay order: its sub-merchant, and ``profit_sharing`` (the funds
    stay frozen until split) when the money settles to the owner."""
    payee = payee_for(payment=payment)  # decided now, in direct mode too
    extra: dict = wechat_sub_mchid(payment=payment)
    if extra and payee.mode == PaymentPayee.Mode.SUB_MERCHANT:
        extra["settle_info"] = {"profit_sharing": True}
    return extra


def alipay_auth_token(*, payment: Payment, opening: bool = False) -> str:
    """The owner's ``app_auth_token`` when the payment is the owner's trade at Alipay, else ``""``
    (decided when the payment is opened: ``opening``)."""
    payee = payee_for(payment=payment, opening=opening)
    if payee.mode != PaymentPayee.Mode.SUB_MERCHANT:
        return ""
    account = _owner_account(payment.for_booking)
    token = account.alipay_app_auth_token if account is not None else ""
    if not token:
        raise PaymentProviderError("Alipay: the owner's authorisation is gone", retryable=False)
    return token


def alipay_order_extra(*, payment: Payment) -> dict:
    """Extra business parameters of a new Alipay trade: frozen for royalty when it is the owner's."""
    if payee_for(payment=payment).mode == PaymentPayee.Mode.SUB_MERCHANT:
        return {"extend_params": {"royalty_freeze": "true"}}
    return {}


# --- the provider side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receiver:
    party: str
    account: str
    name: str
    amount: Decimal
    description: str


@dataclass
class SplitOutcome:
    """What the provider says of a split: ``status`` a ``Split.Status``; ``receivers`` its answer per
    receiver (``account``, ``amount`` in yuan, ``result``, ``fail_reason``)."""

    status: str
    provider_order_id: str = ""
    receivers: list[dict] = field(default_factory=list)
    note: str = ""


class Splitter(Protocol):
    def send(self, *, split: Split, receivers: list[Receiver]) -> SplitOutcome: ...

    def query(self, *, split: Split) -> SplitOutcome: ...

    def give_back(self, *, split_return: SplitReturn) -> str: ...


def splitter_for(provider: str) -> Splitter:
    return import_string(SPLITTERS[provider])()


# --- making the splits ------------------------------------------------------------------------------


def _earned(booking: Booking) -> dict[str, Decimal]:
    rows = (
        LedgerEntry.objects.filter(EARNED, booking=booking)
        .values("account")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("account", "total")
    )
    earned = {account: -quantize(total) for account, total in rows}
    return {
        account: earned.get(account, ZERO)
        for account in (Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE)
    }


def split_due(*, today: date | None = None) -> QuerySet[Payment]:
    """Payments whose split is due (module docstring): applied, online, no split yet, the stay over."""
    last_check_out = (today or local_today()) - timedelta(days=_delay_days())
    pending_refund = Refund.objects.filter(booking=OuterRef("booking"), status=Refund.Status.PENDING)
    return (
        Payment.objects.filter(
            applied=True,
            status=Payment.Status.SUCCEEDED,
            split__isnull=True,
            booking__check_out__lte=last_check_out,
            booking__status__in=SPLIT_STATUSES,
        )
        .exclude(provider="at_homestay")
        .exclude(Exists(pending_refund))
        .select_related("booking__homestay")
        .order_by("id")
    )


def _receivers(split: Split, booking: Booking) -> tuple[list[Receiver], str]:
    """The receivers of a split, or ``([], why)`` when one is missing."""
    receivers = []
    wanted = [
        (SplitAccount.Party.PLATFORM, split.commission, Q(party=SplitAccount.Party.PLATFORM), _("平台佣金")),
        (
            SplitAccount.Party.COLLECTIVE,
            split.collective,
            Q(party=SplitAccount.Party.COLLECTIVE, village_id=booking.homestay.village_id),
            _("村集体分成"),
        ),
    ]
    for party, amount, where, what in wanted:
        if not amount:
            continue
        account = SplitAccount.objects.filter(where).first()
        number = ""
        if account is not None:
            number = account.alipay_account if split.payment.provider == ALIPAY else account.wechat_mchid
        if account is None or not account.usable or not number:
            label = SplitAccount.Party(party).label
            return [], _("%(party)s没有可用的分账账户 %(party)s has no usable receiver account") % {
                "party": label
            }
        receivers.append(Receiver(party, number, account.name, amount, f"{what} {booking.reference}"))
    return receivers, ""


@transaction.atomic
def split_create(*, payment: Payment) -> Split:
    """The split record of a due payment (once: the payment's split if it exists), with an
    ``OwnerPayout`` when the group collected."""
    booking = lock_booking(payment.for_booking)
    existing = Split.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    earned = _earned(booking)
    payee = payee_for(payment=payment, opening=False)
    sub_merchant = payee.mode == PaymentPayee.Mode.SUB_MERCHANT
    to_send = sub_merchant and sum(earned.values(), ZERO) > ZERO
    split = Split.objects.create(
        payment=payment,
        booking=booking,
        mode=payee.mode,
        sub_mchid=payee.sub_mchid if sub_merchant else "",
        out_order_no=f"S{payment.idempotency_key}"[:64],
        amount=sum(earned.values(), ZERO),
        commission=earned[Account.PLATFORM_COMMISSION],
        collective=earned[Account.VILLAGE_COLLECTIVE],
        owner=earned[Account.OWNER_PAYABLE],
        currency=payment.currency,
        status=Split.Status.PENDING if to_send else Split.Status.SUCCEEDED,
        finished_at=None if to_send else timezone.now(),
        next_attempt_at=timezone.now() if to_send else None,
    )
    if not sub_merchant and split.owner > ZERO:
        OwnerPayout.objects.create(
            split=split,
            booking=booking,
            homestay=booking.homestay,
            amount=split.owner,
            currency=split.currency,
            reason=payee.reason or _("集团代收 Collected by the group"),
        )
    return split


def _flag(split: Split, note: str) -> None:
    split.needs_attention = True
    split.attention_note = note[:NOTE_LENGTH]


def _post_split(split: Split) -> None:
    booking = split.booking
    provider = split.payment.provider
    postings = [
        (Kind.COMMISSION_SPLIT, Account.CASH_PLATFORM, split.commission),
        (Kind.COLLECTIVE_SPLIT, Account.VILLAGE_COLLECTIVE, split.collective),
        (Kind.OWNER_SETTLED, Account.OWNER_PAYABLE, split.owner),
    ]
    for kind, account, amount in postings:
        if amount:
            ledger_post(
                booking=booking,
                kind=kind,
                key=f"split-{split.pk}-{kind}",
                lines=[(account, amount), (Account.CASH_PROVIDER, -amount)],
                provider=provider,
            )


@transaction.atomic
def split_outcome_apply(*, split: Split, outcome: SplitOutcome) -> Split:
    """Record what the provider said of a split: forward only, the ledger posted once on success."""
    lock_booking(split.booking)
    split = Split.objects.select_for_update().select_related("booking", "payment").get(pk=split.pk)
    if Split.STATUS_RANK[outcome.status] < Split.STATUS_RANK[split.status] or split.status in (
        Split.Status.SUCCEEDED,
        Split.Status.RETURNED,
    ):
        return split
    split.status = outcome.status
    split.provider_order_id = outcome.provider_order_id or split.provider_order_id
    if outcome.receivers:
        split.receivers = outcome.receivers
    split.last_error = outcome.note[:NOTE_LENGTH]
    if outcome.status == Split.Status.SUCCEEDED:
        split.finished_at = timezone.now()
        split.next_attempt_at = None
        _post_split(split)
    elif outcome.status == Split.Status.FAILED:
        split.next_attempt_at = None
        _flag(split, outcome.note or _("分账失败 The split failed"))
    else:  # processing: ask again soon
        split.next_attempt_at = timezone.now() + _retry_after(1)
    split.save()
    return split


@transaction.atomic
def _split_send_failed(*, split: Split, error: PaymentProviderError | str) -> Split:
    split = Split.objects.select_for_update().get(pk=split.pk)
    message = error if isinstance(error, str) else error.message
    retryable = not isinstance(error, str) and error.retryable
    split.attempts += 1
    split.last_error = message[:NOTE_LENGTH]
    if retryable and split.attempts < _max_attempts():
        split.next_attempt_at = timezone.now() + _retry_after(split.attempts)
    else:
        split.status = Split.Status.FAILED
        split.next_attempt_at = None
        _flag(split, message)
    split.save()
    return split


def split_send(*, split: Split) -> Split:
    """Send (or, when the provider is already at it, ask about) one split in sub-merchant mode."""
    if split.mode != PaymentPayee.Mode.SUB_MERCHANT or split.status not in (
        Split.Status.PENDING,
        Split.Status.PROCESSING,
    ):
        return split
    if split.commission + split.collective > cap(split.payment.amount):
        return _split_send_failed(
            split=split,
            error=_(
                "佣金和村集体分成 ¥%(shares)s 超过付款的分账上限 ¥%(cap)s,未分账,请人工结算 "
                "The shares of ¥%(shares)s exceed the split cap of ¥%(cap)s; settle by hand"
            )
            % {"shares": split.commission + split.collective, "cap": cap(split.payment.amount)},
        )
    receivers, missing = _receivers(split, split.booking)
    if missing:
        return _split_send_failed(split=split, error=missing)
    try:
        splitter = splitter_for(split.payment.provider)
        if split.status == Split.Status.PROCESSING:
            outcome = splitter.query(split=split)
        else:
            outcome = splitter.send(split=split, receivers=receivers)
    except PaymentProviderError as error:
        logger.warning("Split %s not sent: %s", split.out_order_no, error.message)
        return _split_send_failed(split=split, error=error)
    return split_outcome_apply(split=split, outcome=outcome)


def splits_run(*, now: datetime | None = None, today: date | None = None) -> dict[str, int]:
    """The scheduled job (``manage.py splits_run``): record the splits that came due, then send those
    waiting for a (first or next) try. Returns counts."""
    now = now or timezone.now()
    created = [split_create(payment=payment) for payment in split_due(today=today)]
    waiting = Split.objects.filter(
        mode=PaymentPayee.Mode.SUB_MERCHANT,
        status__in=(Split.Status.PENDING, Split.Status.PROCESSING),
        next_attempt_at__lte=now,
    ).select_related("booking__homestay", "payment")
    sent = [split_send(split=split) for split in waiting.order_by("next_attempt_at", "id")]
    return {
        "created": len(created),
        "sent": len(sent),
        "succeeded": sum(split.status == Split.Status.SUCCEEDED for split in sent),
        "failed": sum(split.status == Split.Status.FAILED for split in sent),
    }


@transaction.atomic
def split_retry(*, split: Split) -> Split:
    """Staff fixed what made a split fail (e.g. added the collective's account): try it again."""
    split = Split.objects.select_for_update().get(pk=split.pk)
    if split.status != Split.Status.FAILED or split.mode != PaymentPayee.Mode.SUB_MERCHANT:
        return split
    split.status = Split.Status.PENDING
    split.attempts = 0
    split.next_attempt_at = timezone.now()
    split.needs_attention = False
    split.save()
    return split


# --- refunds after a split --------------------------------------------------------------------------


def _share(part: Decimal, refund: Decimal, whole: Decimal) -> Decimal:
    return min(part, quantize(part * refund / whole)) if whole else ZERO


def split_return_for_refund(*, refund: Refund) -> list[SplitReturn]:
    """Before a refund leaves an owner's sub-merchant whose payment was split, take the receivers'
    part back in proportion to the refund (分账回退). Raises ``PaymentProviderError`` when a return
    cannot be made, and the refund is not sent."""
    split = Split.objects.filter(
        payment_id=refund.payment_id, mode=PaymentPayee.Mode.SUB_MERCHANT, status=Split.Status.SUCCEEDED
    ).first()
    if split is None:
        return []
    returns = _returns_record(split=split, refund=refund)
    splitter = splitter_for(split.payment.provider)
    for split_return in returns:
        if split_return.status == SplitReturn.Status.SUCCEEDED:
            continue
        try:
            status = splitter.give_back(split_return=split_return)
        except PaymentProviderError as error:
            if not error.retryable:
                _return_status_set(
                    split_return=split_return, status=SplitReturn.Status.FAILED, note=error.message
                )
            raise
        _return_status_set(split_return=split_return, status=status)
        if status != SplitReturn.Status.SUCCEEDED:
            raise PaymentProviderError(
                f"split return {split_return.out_return_no}: {status}",
                retryable=status == SplitReturn.Status.PROCESSING,
            )
    return returns


@transaction.atomic
def _returns_record(*, split: Split, refund: Refund) -> list[SplitReturn]:
    existing = list(SplitReturn.objects.filter(split=split, refund=refund).order_by("id"))
    if existing:
        return existing
    returns = []
    for party, part in (
        (SplitAccount.Party.PLATFORM, split.commission),
        (SplitAccount.Party.COLLECTIVE, split.collective),
    ):
        amount = _share(part, refund.amount, split.amount)
        account = next((r["account"] for r in split.receivers if r.get("party") == party), "")
        if amount > ZERO:
            returns.append(
                SplitReturn.objects.create(
                    split=split,
                    refund=refund,
                    party=party,
                    account=account,
                    amount=amount,
                    out_return_no=f"R{refund.idempotency_key}-{party[:4]}"[:64],
                )
            )
    return returns


@transaction.atomic
def _return_status_set(*, split_return: SplitReturn, status: str, note: str = "") -> SplitReturn:
    split_return = (
        SplitReturn.objects.select_for_update()
        .select_related("split__booking", "split__payment")
        .get(pk=split_return.pk)
    )
    if split_return.status == SplitReturn.Status.SUCCEEDED:
        return split_return
    split_return.status = status
    split_return.save(update_fields=["status", "updated_at"])
    split = split_return.split
    if status == SplitReturn.Status.SUCCEEDED:
        account = (
            Account.CASH_PLATFORM
            if split_return.party == SplitAccount.Party.PLATFORM
            else Account.VILLAGE_COLLECTIVE
        )
        ledger_post(
            booking=split.booking,
            kind=Kind.SPLIT_RETURN,
            key=f"split-return-{split_return.pk}",
            lines=[(Account.CASH_PROVIDER, split_return.amount), (account, -split_return.amount)],
            provider=split.payment.provider,
        )
    elif status == SplitReturn.Status.FAILED:
        split = Split.objects.select_for_update().get(pk=split.pk)
        failed = _("分账回退失败,退款未发出 A split return failed; the refund was not sent")
        _flag(split, f"{failed}: {note}" if note else failed)
        split.save(update_fields=["needs_attention", "attention_note", "updated_at"])
    return split_return


# --- the group's payouts to owners ------------------------------------------------------------------


class PayoutAlreadyPaid(Exception):
    pass


@transaction.atomic
def owner_payout_record_paid(
    *, payout: OwnerPayout, paid_on: date, reference: str = "", by: User | None = None
) -> OwnerPayout:
    """Staff paid the owner by hand: the payout is marked paid and ``owner_payout`` posted (owner_payable
    +, cash −). Recording it again changes nothing."""
    lock_booking(payout.booking)
    payout = OwnerPayout.objects.select_for_update().select_related("booking").get(pk=payout.pk)
    if payout.status == OwnerPayout.Status.PAID:
        return payout
    payout.status = OwnerPayout.Status.PAID
    payout.paid_on = paid_on
    payout.reference = reference[:80]
    payout.recorded_by = by
    payout.full_clean()
    payout.save()
    ledger_post(
        booking=payout.booking,
        kind=Kind.OWNER_PAYOUT,
        key=f"owner-payout-{payout.pk}",
        lines=[(Account.OWNER_PAYABLE, payout.amount), (Account.CASH_PROVIDER, -payout.amount)],
        provider=BANK_TRANSFER,
    )
    return payout


# --- reads -----------------------------------------------------------------------------------------


def splits_for_owner(*, owner: User) -> QuerySet[Split]:
    return Split.objects.filter(booking__homestay__owner=owner).select_related(
        "booking__homestay", "owner_payout"
    )


def split_accounts_for_owner(*, owner: User) -> QuerySet[SplitAccount]:
    return SplitAccount.objects.filter(party=SplitAccount.Party.OWNER, homestay__owner=owner).select_related(
        "homestay"
    )


def reconciliation_records(
    *, provider: str, start: datetime, end: datetime, references: Collection[str]
) -> Iterator["SplitRecord"]:
    """Our split receiver lines for daily reconciliation (``RECONCILIATION_SPLIT_RECORDS``): those of
    splits that finished in ``[start, end)`` and those the bill names (``references``, keys
    ``<out_order_no>/<receiver>``). Splits in group mode call no provider and have no lines. Split
    returns (分账回退) are lines too, keyed ``<out_return_no>/<receiver>``, their amount negative (money
    back from the receiver), of the day their return was posted (``split_return`` in the ledger)."""
    from bookings.payments.reconciliation.splits import SplitRecord

    wanted = set(references)
    orders = {key.split("/", 1)[0] for key in wanted}
    splits = (
        Split.objects.filter(payment__provider=provider)
        .filter(Q(finished_at__gte=start, finished_at__lt=end) | Q(out_order_no__in=orders))
        .select_related("booking")
        .order_by("id")
    )
    for split in splits:
        in_day = split.finished_at is not None and start <= split.finished_at < end
        for line in split.receivers:
            record = SplitRecord(
                out_order_no=split.out_order_no,
                receiver=line.get("account", ""),
                amount=Decimal(line.get("amount") or 0),
                succeeded=line.get("result") == "SUCCESS",
                in_day=in_day,
                provider_reference=split.provider_order_id,
                booking_reference=split.booking.reference,
                currency=split.currency,
            )
            if in_day or record.reference in wanted:
                yield record
    yield from _return_records(provider=provider, start=start, end=end, wanted=wanted, numbers=orders)


def _return_records(
    *, provider: str, start: datetime, end: datetime, wanted: set[str], numbers: set[str]
) -> Iterator["SplitRecord"]:
    from bookings.payments.reconciliation.splits import SplitRecord

    posted = LedgerEntry.objects.filter(
        kind=Kind.SPLIT_RETURN,
        account=Account.CASH_PROVIDER,
        created_at__gte=start,
        created_at__lt=end,
        idempotency_key=Concat(
            Value("split-return-"),
            Cast(OuterRef("pk"), CharField()),
            Value(f"/{Account.CASH_PROVIDER.value}"),
            output_field=CharField(),
        ),
    )
    returns = (
        SplitReturn.objects.filter(split__payment__provider=provider)
        .annotate(in_day=Exists(posted))
        .filter(Q(in_day=True) | Q(out_return_no__in=numbers))
        .select_related("split__booking")
        .order_by("id")
    )
    for split_return in returns:
        record = SplitRecord(
            out_order_no=split_return.out_return_no,
            receiver=split_return.account,
            amount=-split_return.amount,
            succeeded=split_return.status == SplitReturn.Status.SUCCEEDED,
            in_day=split_return.in_day,
            booking_reference=split_return.split.booking.reference,
            currency=split_return.split.currency,
        )
        if split_return.in_day or record.reference in wanted:
            yield record
