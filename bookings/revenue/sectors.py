"""What the group sells beside the stays, for its dashboard: the shop (消费帮扶商城) and tickets (活动门票),
added up from the ledger alone. The shop and events post their money as ``source`` entries
(``bookings.ledger``: ``Source``, ``Sector``); this module knows nothing of their orders.

For a period (by the day each posting counts on, ``occurred_on``) and village, per sector:

* ``gross``: sales, what guests were charged for what they kept: the guest line of ``sale`` postings
  less that of ``sale_reversed`` (returns).
* ``margin``, ``producers``, ``collectives``: what the group (platform commission, delivery fees
  included), the producers and the village collectives earned of it, after returns.
* ``sales``/``returns``: how many ``sale`` and ``sale_reversed`` postings (orders earned, orders or
  parts of orders returned); each posting has exactly one guest line, so they are counted by it.
* ``received``/``refunded``: cash in (``sale_payment``) and back out (``sale_refund``).

One query, grouped by sector, village, kind and account, reads the partial covering index
``ledger_entry_sales`` in its order, for each group the period's days, so both databases add the rows
up as they read them; the few grouped rows are folded here. It reads only the accounts it needs: of a
sale the guest, margin and collective lines (a posting sums to zero, so the producers' part is the
rest: ``gross − margin − collectives``), of a payment or refund the cash line (and the guest line, which
the index puts beside it). That is four index rows per shop order instead of five, and no table row.
"""

from collections import defaultdict
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from bookings.ledger import SALE_SECTORS, Account, Kind, LedgerEntry
from bookings.revenue.periods import Period
from bookings.revenue.sql import Literally
from bookings.revenue.tally import ledger_tally, tally
from common.money import ZERO, quantize
from villages.models import Village

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

SALES = (Kind.SALE, Kind.SALE_REVERSED)
CASH = (Kind.PAYMENT_RECEIVED_SALE, Kind.SALE_REFUND)
# Earned money by account: credits on a sale, shown as positive money.
EARNED_FIGURES: dict[str, str] = {
    Account.PLATFORM_COMMISSION: "margin",
    Account.VILLAGE_COLLECTIVE: "collectives",
}
ACCOUNTS_READ = (Account.GUEST, Account.CASH_PROVIDER, *EARNED_FIGURES)


@dataclass
class SectorFigures:
    sales: int = 0
    returns: int = 0
    gross: Decimal = ZERO
    margin: Decimal = ZERO
    collectives: Decimal = ZERO
    received: Decimal = ZERO
    refunded: Decimal = ZERO

    def __iadd__(self, other: "SectorFigures") -> "SectorFigures":
        for name in SECTOR_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def producers(self) -> Decimal:
        """What the producers earned: the rest of each sale (its lines sum to zero)."""
        return self.gross - self.margin - self.collectives

    def _add(self, kind: str, account: str, amount: Decimal, count: int) -> None:
        if kind in SALES:
            if account == Account.GUEST:
                self.gross += amount
                if kind == Kind.SALE:
                    self.sales += count
                else:
                    self.returns += count
            elif account in EARNED_FIGURES:
                name = EARNED_FIGURES[account]
                setattr(self, name, getattr(self, name) - amount)
        elif account == Account.CASH_PROVIDER:
            if kind == Kind.PAYMENT_RECEIVED_SALE:
                self.received += amount
            else:
                self.refunded -= amount

    @property
    def is_empty(self) -> bool:
        return self == SectorFigures()


SECTOR_FIELDS = tuple(f.name for f in fields(SectorFigures))


@dataclass
class SectorVillage:
    village: Village
    figures: SectorFigures


@dataclass
class SectorReport:
    sector: str
    label: "str | StrPromise"
    total: SectorFigures
    villages: list[SectorVillage]


def _sale_entries(period: Period, villages: list[int]):
    """The period's sale entries. The index's condition is written literally (SQLite plans before it
    sees parameters); naming the villages, kinds and accounts lets both databases seek each group's
    days in the index."""
    return LedgerEntry.objects.filter(
        Literally(Q(sector__in=SALE_SECTORS)),
        village_id__in=villages,
        kind__in=(*SALES, *CASH),
        account__in=ACCOUNTS_READ,
        occurred_on__range=(period.start, period.end),
    )


def _sale_rows(period: Period, up_to: int | None, villages: list[int] | None = None):
    """Every village's sale entries of a period within one month (up to id ``up_to``), grouped in the
    index's order. ``villages``: every village's id, when the caller has them already."""
    if villages is None:
        villages = list(Village.objects.values_list("pk", flat=True))
    entries = _sale_entries(period, villages)
    if up_to is not None:
        entries = entries.filter(pk__lte=up_to)
    return (
        entries.values_list("sector", "village_id", "kind", "account")
        .annotate(amount=Sum("amount"), count=Count("*"))
        .order_by("sector", "village_id", "kind", "account")
    )


# The sales by the month they count in, sector, village, kind and account; whole months kept between
# requests (``bookings.revenue.tally``).
SALES_TALLY = ledger_tally(
    "sector-sales",
    condition=Q(sector__in=SALE_SECTORS, kind__in=(*SALES, *CASH), account__in=ACCOUNTS_READ),
    day="occurred_on",
    keys=("sector", "village_id", "kind", "account"),
    rows=_sale_rows,
    per_month=True,
)


def sector_sales(*, period: Period, village: Village | None = None) -> list[SectorReport]:
    """The shop's and tickets' figures for the period, in total and village by village (in the
    villages' order; those with nothing in the period are left out), for every village or one."""
    every = list(Village.objects.order_by("order", "id"))
    villages = {v.pk: v for v in every if village is None or v.pk == village.pk}
    spec = replace(SALES_TALLY, rows=partial(_sale_rows, villages=[v.pk for v in every]))
    cells: dict[tuple[str, int], SectorFigures] = defaultdict(SectorFigures)
    for _month, sector, village_id, kind, account, amount, count in tally(spec, period):
        if village_id in villages:
            cells[sector, village_id]._add(kind, account, quantize(amount), count)
    reports = []
    for sector in SALE_SECTORS:
        total, lines = SectorFigures(), []
        for village_id, place in villages.items():
            figures = cells.get((sector, village_id))
            if figures is not None:
                total += figures
                lines.append(SectorVillage(place, figures))
        reports.append(SectorReport(sector.value, sector.label, total, lines))
    return reports
