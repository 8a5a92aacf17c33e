"""The ledger: every money movement of a booking, written once and never changed (DESIGN invariant 6).

Double entry. Each posting is a few ``LedgerEntry`` lines that sum to zero, so every booking's entries
sum to zero and every balance can be recomputed from the lines alone. ``amount`` is signed: positive is a
debit, negative a credit. The chart of accounts, kept small:

=====================  ========================================================================
``cash_provider``      money received for a booking and still held where it was paid: by Stripe
                       for the platform, or by the owner for pay-at-homestay (``provider`` says
                       which). Debit when a payment arrives, credit when a refund or a dividend
                       leaves.
``guest``              what the platform owes the guest: credited by a payment, debited back by a
                       refund or when the payment is earned (the revenue split).
``platform_commission`` the platform's share of an earned stay.
``village_collective`` the village collective's share (村集体分红).
``owner_payable``      what the homestay owner is owed.
=====================  ========================================================================

Postings (``kind``) and their lines:

* ``payment_received`` cash_provider +, guest −; ``refund`` the reverse; ``refund_failed`` puts a
  refund that failed after succeeding back.
* ``commission``, ``collective_share``, ``owner_payable``: the guest's payment is earned, guest + against
  platform_commission / village_collective / owner_payable −, split by the village's revenue-share rule
  (``bookings.revenue``, which documents when revenue is recognised). A cancellation posts them again
  with the signs reversed, then ``cancellation_fee`` (guest + against the three revenue accounts −)
  for what the homestay keeps.
* Profit sharing (分账, ``bookings.payments.splits``) and payouts by hand settle what was earned:
  ``commission_split`` cash_platform +, cash_provider − (the commission moved from the owner's
  sub-merchant to the platform's own account); ``collective_split`` village_collective +, cash_provider −;
  ``owner_settled`` owner_payable +, cash_provider − (the rest released to the owner);
  ``split_return`` the reverse of the first two when a refund takes a split back; ``owner_payout``
  owner_payable +, cash_provider − (the group collected and paid the owner by hand, provider
  ``bank_transfer``). These are ``SETTLEMENT_KINDS``: the revenue reports leave them out (``EARNED``).
* ``collective_payout``: the group paid a village collective its dividend, village_collective +,
  cash_provider − (provider ``bank_transfer``). It belongs to a ``DividendPayout``, not to a booking:
  every entry has exactly one of ``booking``, ``payout`` and ``source``, and sums to zero per booking, per
  payout and per source.

What is sold beside the stays and the dividends to member households post here too, each posting
belonging to a ``Source`` instead of a booking or payout (``source`` "<what>:<id>", its ``sector``,
``village``, the day it counts on ``occurred_on``, and its receiver ``party``); a CHECK constraint keeps
exactly one of booking, payout and source per entry. Their kinds (all on the accounts above plus
``producer_payable`` and ``household_payable``):

* ``sale_payment`` cash_provider +, guest −; ``sale_refund`` the reverse (a shop or ticket order paid
  and refunded: kept apart from a booking's ``payment_received`` and ``refund``).
* ``sale`` the order is earned: guest + against producer_payable − (the producer's part),
  platform_commission − (the group's margin, and any delivery fee) and, for tickets, village_collective
  −; ``sale_reversed`` the reverse when an earned sale is returned.
* ``producer_payout`` producer_payable +, cash_provider − (provider ``bank_transfer``).
* ``household_dividend`` a declaration split among member households: village_collective + (and
  platform_commission + for what the group adds) against household_payable −, one posting per
  household (``party`` "household:<id>"); ``household_payout`` household_payable +, cash_provider −.

The lodging reports (``REPORTED``, ``EARNED`` with booking or homestay filters) never see source
entries: they have no homestay and no arrival. The group's reports by sector add up source entries by
``sector``, ``village`` and ``occurred_on`` through the index ``ledger_entry_by_sector``; the dashboard's
sales (``SALE_SECTORS``) through ``ledger_entry_sales``.

Append-only: ``save()`` refuses to update, ``delete()`` and queryset ``update()``/``delete()`` refuse,
and on PostgreSQL a trigger (migration 0004) refuses UPDATE and DELETE from any client.

Each booking entry also carries two facts of its booking that never change, its ``homestay`` and its
``arrival`` (check-in) date, copied by ``ledger_post`` (a CHECK constraint: every booking entry has
both, a payout's entry neither). The revenue reports add up a period's ``REPORTED`` entries by homestay
and arrival month from the ledger alone, through the index ``ledger_entry_reported``, without joining the
bookings. They are attributes, not totals: the money is only ever the entries' amounts.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from bookings.revenue.sql import MonthStart
from common.money import CURRENCY, ZERO, quantize
from common.write_once import WriteOnceModel

if TYPE_CHECKING:
    from bookings.models import Booking
    from bookings.payments.models import Payment, Refund
    from bookings.revenue.models import DividendPayout
    from villages.models import Village


class LedgerAppendOnly(Exception):
    """Somebody tried to change or delete a ledger entry: a programming error."""


class Kind(models.TextChoices):
    PAYMENT_RECEIVED = "payment_received", _("收到付款 Payment received")
    REFUND = "refund", _("退款 Refund")
    REFUND_FAILED = "refund_failed", _("退款失败冲回 Failed refund reversed")
    COMMISSION = "commission", _("平台佣金 Commission")
    COLLECTIVE_SHARE = "collective_share", _("村集体分成 Village collective share")
    OWNER_PAYABLE = "owner_payable", _("应付经营户 Owner payable")
    CANCELLATION_FEE = "cancellation_fee", _("取消费 Cancellation fee")
    COLLECTIVE_PAYOUT = "collective_payout", _("村集体分红支付 Dividend paid to the collective")
    COMMISSION_SPLIT = "commission_split", _("分账给平台 Commission split to the platform")
    COLLECTIVE_SPLIT = "collective_split", _("分账给村集体 Share split to the collective")
    OWNER_SETTLED = "owner_settled", _("解冻给经营户 Remainder released to the owner")
    SPLIT_RETURN = "split_return", _("分账回退 Split returned")
    OWNER_PAYOUT = "owner_payout", _("集团代收后付经营户 Paid to the owner by the group")

    # What is sold beside the stays (the shop, tickets) and the dividends to member households: entries
    # that belong to a ``source`` (see ``ledger_post``), not to a booking.
    PAYMENT_RECEIVED_SALE = "sale_payment", _("销售收款 Payment received for a sale")
    SALE_REFUND = "sale_refund", _("销售退款 Sale refunded")
    SALE = "sale", _("销售确认 Sale earned")
    SALE_REVERSED = "sale_reversed", _("销售冲回 Sale reversed")
    PRODUCER_PAYOUT = "producer_payout", _("支付生产者 Paid to the producer")
    HOUSEHOLD_DIVIDEND = "household_dividend", _("农户分红宣告 Dividend declared to households")
    HOUSEHOLD_PAYOUT = "household_payout", _("农户分红支付 Dividend paid to a household")


class Sector(models.TextChoices):
    """What a ``source`` entry is about. Booking and collective-payout entries have none: lodging."""

    SHOP = "shop", _("消费帮扶商城 Shop")
    TICKETS = "tickets", _("活动门票 Tickets")
    DIVIDENDS = "dividends", _("农户分红 Household dividends")


# The sectors that sell (the rest, dividends, pay out).
SALE_SECTORS = (Sector.SHOP, Sector.TICKETS)


class Account(models.TextChoices):
    CASH_PROVIDER = "cash_provider", _("收款渠道资金 Cash at the payment provider")
    GUEST = "guest", _("应付客人 Owed to the guest")
    PLATFORM_COMMISSION = "platform_commission", _("平台佣金收入 Platform commission")
    VILLAGE_COLLECTIVE = "village_collective", _("村集体分红 Village collective")
    OWNER_PAYABLE = "owner_payable", _("应付经营户 Owner payable")
    CASH_PLATFORM = "cash_platform", _("平台收款账户 Platform's own account")
    PRODUCER_PAYABLE = "producer_payable", _("应付生产者 Owed to the producer")
    HOUSEHOLD_PAYABLE = "household_payable", _("应付入股农户 Owed to member households")


REFUND_KINDS = (Kind.REFUND, Kind.REFUND_FAILED)
REVENUE_ACCOUNTS = (Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE)
# Money handed to the parties after it was earned (profit sharing, payouts by hand): these settle the
# revenue accounts, they earn nothing, so the revenue reports leave them out.
SETTLEMENT_KINDS = (
    Kind.COMMISSION_SPLIT,
    Kind.COLLECTIVE_SPLIT,
    Kind.OWNER_SETTLED,
    Kind.SPLIT_RETURN,
    Kind.OWNER_PAYOUT,
)
EARNED = Q(account__in=REVENUE_ACCOUNTS) & ~Q(kind__in=SETTLEMENT_KINDS)
# The entries the lodging revenue reports add up (about half of a booking's): what each party earned, and
# the refunds. Only bookings' entries: sales and dividends (a source) are left out of the partial index
# ``ledger_entry_reported``, which they would otherwise grow by a third at 100,000 orders.
REPORTED = (EARNED | Q(account=Account.CASH_PROVIDER, kind__in=REFUND_KINDS)) & Q(source="")


class LedgerEntry(WriteOnceModel):
    Kind = Kind
    Account = Account
    write_once_error = LedgerAppendOnly
    write_once_name = "ledger entries"

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("预订 booking"),
    )
    payout = models.ForeignKey(
        "bookings.DividendPayout",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("村集体分红支付 dividend payout"),
    )
    kind = models.CharField(_("类型 kind"), max_length=20, choices=Kind.choices)
    account = models.CharField(_("科目 account"), max_length=20, choices=Account.choices)
    amount = models.DecimalField(
        _("金额(借正贷负) amount (debit +, credit −)"), max_digits=12, decimal_places=2
    )
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    provider = models.CharField(_("收款渠道 payment provider"), max_length=40, blank=True)
    idempotency_key = models.CharField(_("幂等键 idempotency key"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("记账时间 recorded"), auto_now_add=True)
    # Copied from the booking (see the module's docstring); empty for a payout's entries.
    homestay = models.ForeignKey(
        "villages.Homestay",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("民宿 homestay"),
    )
    arrival = models.DateField(_("入住日期 arrival"), null=True, blank=True)
    # Entries of what is not a booking (a shop order, a ticket order, a household dividend): the thing
    # they belong to as "<what>:<id>" (``source``), its sector, the village the money is attributed to,
    # the day it counts on in reports, and who receives it (``party``, e.g. "producer:7").
    source = models.CharField(_("来源 source"), max_length=40, blank=True, default="")
    sector = models.CharField(_("板块 sector"), max_length=12, choices=Sector.choices, blank=True, default="")
    village = models.ForeignKey(
        "villages.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("村庄 village"),
    )
    occurred_on = models.DateField(_("计入日期 counts on"), null=True, blank=True)
    party = models.CharField(_("收款方 receiver"), max_length=40, blank=True, default="")

    class Meta:
        ordering = ["booking", "id"]
        verbose_name = _("账目 ledger entry")
        verbose_name_plural = _("账目 ledger")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_not_zero"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="ledger_entry_kind_valid"),
            models.CheckConstraint(
                condition=Q(account__in=Account.values), name="ledger_entry_account_valid"
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=True, payout__isnull=False, source="")
                | Q(booking__isnull=False, payout__isnull=True, source="")
                | (Q(booking__isnull=True, payout__isnull=True) & ~Q(source="")),
                name="ledger_entry_one_source",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source="", sector="", village__isnull=True, occurred_on__isnull=True)
                    | (
                        ~Q(source="")
                        & Q(sector__in=Sector.values, village__isnull=False, occurred_on__isnull=False)
                    )
                ),
                name="ledger_entry_source_facts",
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=True, homestay__isnull=True, arrival__isnull=True)
                | Q(booking__isnull=False, homestay__isnull=False, arrival__isnull=False),
                name="ledger_entry_booking_facts",
            ),
        ]
        indexes = [
            # The dashboard's money: a period's arrivals month by month, homestay by homestay.
            models.Index(
                MonthStart("arrival"),
                F("homestay"),
                F("account"),
                F("kind"),
                F("arrival"),
                F("amount"),
                condition=REPORTED,
                name="ledger_entry_reported",
            ),
            # The group's reports by sector: a period's sales and dividends, village by village.
            models.Index(
                F("sector"),
                F("village"),
                F("occurred_on"),
                F("account"),
                F("kind"),
                F("amount"),
                condition=~Q(source=""),
                name="ledger_entry_by_sector",
            ),
            # The dashboard's shop and tickets (``bookings.revenue.sectors``): in the order it groups
            # them, each sector's and village's lines of one kind and account, day by day. Covering, and
            # its condition names only its own columns (SQLite reads no table row for it).
            models.Index(
                F("sector"),
                F("village"),
                F("kind"),
                F("account"),
                F("occurred_on"),
                F("amount"),
                condition=Q(sector__in=SALE_SECTORS),
                name="ledger_entry_sales",
            ),
            # The same led by the day, for PostgreSQL: before version 17 it cannot seek the days after
            # the villages, kinds and accounts of ``ledger_entry_sales`` and reads all of it instead
            # (``bookings.revenue.tally`` sums a month at a time). SQLite keeps to the one above.
            models.Index(
                F("sector"),
                F("occurred_on"),
                F("village"),
                F("kind"),
                F("account"),
                F("amount"),
                condition=Q(sector__in=SALE_SECTORS),
                name="ledger_entry_sales_by_day",
            ),
            models.Index(F("source"), condition=~Q(source=""), name="ledger_entry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.account} {self.amount}"


Line = tuple[str, Decimal]


@dataclass(frozen=True)
class Source:
    """What a posting that is not a booking's belongs to: ``reference`` "<what>:<id>" (``shop_order:12``,
    ``ticket_order:3``, ``household_dividend:5``), its ``sector``, the ``village`` the money is
    attributed to, the day it counts on in reports (``on``) and who receives it (``party``,
    ``producer:7`` or ``household:12``; empty when the posting pays nobody)."""

    reference: str
    sector: str
    village: "Village"
    on: date
    party: str = ""


def ledger_post(
    *,
    booking: "Booking | None" = None,
    payout: "DividendPayout | None" = None,
    source: Source | None = None,
    kind: str,
    key: str,
    lines: Iterable[Line],
    provider: str = "",
) -> list[LedgerEntry]:
    """Write one balanced posting for a booking (or a dividend payout to a collective, or a ``Source``:
    a shop order, a ticket order, a household dividend), once: a second call with the same ``key``
    returns the first one's entries. Each line is ``(account, signed amount)``; the amounts must sum to
    zero. Runs in the caller's transaction (the caller holds the lock of what the posting belongs to)."""
    if [booking, payout, source].count(None) != 2:
        raise ValueError("a posting belongs to one booking, payout or source")
    lines = [(account, quantize(amount)) for account, amount in lines]
    accounts = [account for account, _amount in lines]
    if len(lines) < 2 or len(set(accounts)) != len(accounts):
        raise ValueError("a posting needs two or more lines on different accounts")
    if sum(amount for _account, amount in lines) != ZERO or any(amount == ZERO for _a, amount in lines):
        raise ValueError("a posting's lines must be non-zero and sum to zero")
    owner = booking or payout
    currency = owner.currency if owner is not None else CURRENCY
    keys = [f"{key}/{account}" for account in accounts]
    existing = list(LedgerEntry.objects.filter(idempotency_key__in=keys))
    if existing:
        if len(existing) != len(keys):
            raise ValueError(f"posting {key} is recorded incompletely")
        return existing
    return LedgerEntry.objects.bulk_create(
        LedgerEntry(
            booking=booking,
            homestay_id=booking.homestay_id if booking else None,
            arrival=booking.check_in if booking else None,
            payout=payout,
            source=source.reference if source else "",
            sector=source.sector if source else "",
            village=source.village if source else None,
            occurred_on=source.on if source else None,
            party=source.party if source else "",
            kind=kind,
            account=account,
            amount=amount,
            currency=currency,
            provider=provider,
            idempotency_key=entry_key,
        )
        for (account, amount), entry_key in zip(lines, keys, strict=True)
    )


def ledger_record_payment(*, payment: "Payment") -> list[LedgerEntry]:
    """Money arrived from the guest: it sits with the provider and the platform owes the guest."""
    return ledger_post(
        booking=payment.booking,
        kind=Kind.PAYMENT_RECEIVED,
        key=f"payment-{payment.pk}",
        lines=[(Account.CASH_PROVIDER, payment.amount), (Account.GUEST, -payment.amount)],
        provider=payment.provider,
    )


def ledger_record_refund(*, refund: "Refund") -> list[LedgerEntry]:
    """Money went back to the guest."""
    return ledger_post(
        booking=refund.booking,
        kind=Kind.REFUND,
        key=f"refund-{refund.pk}",
        lines=[(Account.CASH_PROVIDER, -refund.amount), (Account.GUEST, refund.amount)],
        provider=refund.payment.provider,
    )


def ledger_record_refund_failed(*, refund: "Refund") -> list[LedgerEntry]:
    """A refund that had succeeded failed after all (e.g. the card was closed): the money is back."""
    return ledger_post(
        booking=refund.booking,
        kind=Kind.REFUND_FAILED,
        key=f"refund-{refund.pk}-failed",
        lines=[(Account.CASH_PROVIDER, refund.amount), (Account.GUEST, -refund.amount)],
        provider=refund.payment.provider,
    )


def ledger_balances(*, booking: "Booking") -> dict[str, Decimal]:
    """Balance of each account that has entries for the booking."""
    rows = (
        LedgerEntry.objects.filter(booking=booking)
        .values("account")
        .annotate(balance=Sum("amount"))
        .order_by("account")
    )
    return {row["account"]: quantize(row["balance"]) for row in rows}
