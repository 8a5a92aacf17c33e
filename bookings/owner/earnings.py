"""The owner's earnings per month of arrival, computed in SQL from the ledger (``bookings.ledger``),
never from stored totals.

From the ledger's accounts: gross = payments received (``cash_provider``, ``payment_received``),
refunds = what went back to guests (``refund`` less ``refund_failed``), and — once the revenue split is
posted (a later issue: ``commission``, ``collective_share``, ``owner_payable`` entries) — the platform
commission, the village collective share and the owner's payout as the credits on those accounts.
Until then ``split_posted`` is false and the page says the split is not settled yet; no rate is assumed.

Bookings and room-nights count the stays sold (confirmed, in house, completed or no-show) that
arrive in the month.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from bookings.ledger import EARNED, Account, Kind, LedgerEntry
from bookings.models import Booking, BookingNight
from common.money import ZERO, quantize

SOLD = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)
MONTHS_SHOWN = 24
SPLIT_ACCOUNTS = (Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE)


@dataclass(frozen=True)
class MonthEarnings:
    month: date
    bookings: int
    room_nights: int
    gross: Decimal
    refunds: Decimal
    commission: Decimal
    collective: Decimal
    payout: Decimal

    @property
    def received(self) -> Decimal:
        """Money kept after refunds, before any split."""
        return self.gross - self.refunds


@dataclass(frozen=True)
class Earnings:
    months: list[MonthEarnings]
    split_posted: bool


def _money(condition: Q):
    return Coalesce(
        Sum("amount", filter=condition),
        Value(ZERO),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def owner_earnings(*, owner) -> Earnings:
    cash = Q(account=Account.CASH_PROVIDER)
    money: dict[date, Mapping[str, Any]] = {
        row["month"]: row
        for row in LedgerEntry.objects.filter(booking__homestay__owner=owner)
        .annotate(month=TruncMonth("booking__check_in"))
        .values("month")
        .annotate(
            gross=_money(cash & Q(kind=Kind.PAYMENT_RECEIVED)),
            # Refunds and the revenue accounts are credits (negative amounts): shown as positive.
            refunds=_money(cash & Q(kind__in=(Kind.REFUND, Kind.REFUND_FAILED))),
            commission=_money(EARNED & Q(account=Account.PLATFORM_COMMISSION)),
            collective=_money(EARNED & Q(account=Account.VILLAGE_COLLECTIVE)),
            payout=_money(EARNED & Q(account=Account.OWNER_PAYABLE)),
        )
        .order_by()
    }
    stays: dict[date, Mapping[str, Any]] = {
        row["month"]: row
        for row in BookingNight.objects.filter(booking__homestay__owner=owner, booking__status__in=SOLD)
        .annotate(month=TruncMonth("booking__check_in"))
        .values("month")
        .annotate(bookings=Count("booking", distinct=True), room_nights=Sum("rooms"))
        .order_by()
    }
    months = sorted(set(money) | set(stays), reverse=True)[:MONTHS_SHOWN]
    rows = []
    for month in months:
        cash_row, stay_row = money.get(month, {}), stays.get(month, {})
        rows.append(
            MonthEarnings(
                month=month,
                bookings=stay_row.get("bookings", 0),
                room_nights=stay_row.get("room_nights") or 0,
                gross=quantize(cash_row.get("gross", ZERO)),
                **{
                    name: -quantize(cash_row.get(name, ZERO))
                    for name in ("refunds", "commission", "collective", "payout")
                },
            )
        )
    split_posted = LedgerEntry.objects.filter(
        booking__homestay__owner=owner, account__in=SPLIT_ACCOUNTS
    ).exists()
    return Earnings(months=rows, split_posted=split_posted)
