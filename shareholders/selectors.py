"""Reads of the register and the dividends, shared by the pages, the exports and the services."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet

from bookings.revenue.periods import Period
from bookings.revenue.selectors import collective_owed
from shareholders.allocation import Span, allocate_with_parts, share_days
from shareholders.models import Allocation, DividendDeclaration, Holding, Shareholder
from villages.models import Village

Status = DividendDeclaration.Status


def register(*, village: Village) -> QuerySet[Shareholder]:
    """The village's shareholders, the collective first, each with its holdings."""
    return (
        Shareholder.objects.filter(village=village)
        .prefetch_related(Prefetch("holdings", queryset=Holding.objects.order_by("entered_on", "id")))
        .order_by("kind", "id")
    )


def declarations(*, village: Village | None = None) -> QuerySet[DividendDeclaration]:
    found = DividendDeclaration.objects.select_related("village").order_by("-period_end", "-id")
    return found.filter(village=village) if village is not None else found


def declared_overlapping(*, village: Village, period: Period) -> QuerySet[DividendDeclaration]:
    return DividendDeclaration.objects.filter(
        village=village, period_start__lte=period.end, period_end__gte=period.start
    ).exclude(status=Status.DRAFT)


def collective_earned(*, declaration: DividendDeclaration) -> Decimal:
    return collective_owed(
        village=declaration.village, period=Period(declaration.period_start, declaration.period_end)
    )


@dataclass(frozen=True)
class SplitLine:
    shareholder: Shareholder
    share_days: int
    amount: Decimal
    collective_part: Decimal
    group_part: Decimal


def split_preview(*, declaration: DividendDeclaration) -> list[SplitLine]:
    """How the declaration splits over the register as it is now: each shareholder's share-days in the
    period and part of the total (``shareholders.allocation``), each part then divided into what the
    collective and what the group pays, the same way, so both sums are exact too. Shareholders with
    no holding in the period are left out."""
    holdings: dict[int, list[Span]] = defaultdict(list)
    people: dict[int, Shareholder] = {}
    rows = Holding.objects.filter(
        shareholder__village=declaration.village, entered_on__lte=declaration.period_end
    ).select_related("shareholder")
    for holding in rows:
        holdings[holding.shareholder_id].append(Span(holding.shares, holding.entered_on, holding.exited_on))
        people[holding.shareholder_id] = holding.shareholder
    weights = {
        pk: share_days(spans, start=declaration.period_start, end=declaration.period_end)
        for pk, spans in sorted(holdings.items())
    }
    weights = {pk: weight for pk, weight in weights.items() if weight > 0}
    if not weights:
        return []
    parts = allocate_with_parts(declaration.total, declaration.collective_amount, weights)
    return [
        SplitLine(
            shareholder=people[pk],
            share_days=weights[pk],
            amount=parts[pk][0],
            collective_part=parts[pk][1],
            group_part=parts[pk][0] - parts[pk][1],
        )
        for pk in sorted(weights, key=lambda pk: (people[pk].kind, pk))
    ]


def allocations(*, declaration: DividendDeclaration) -> QuerySet[Allocation]:
    return declaration.allocations.select_related("shareholder", "payout").order_by(
        "shareholder__kind", "shareholder_id"
    )


@dataclass(frozen=True)
class StatementLine:
    allocation: Allocation
    declaration: DividendDeclaration

    @property
    def paid(self) -> bool:
        return hasattr(self.allocation, "payout")


@dataclass(frozen=True)
class HouseholdStatement:
    shareholder: Shareholder
    holdings: list[Holding]
    lines: list[StatementLine]

    @property
    def total(self) -> Decimal:
        return sum((line.allocation.amount for line in self.lines), Decimal(0))

    @property
    def unpaid(self) -> Decimal:
        return sum(
            (line.allocation.amount for line in self.lines if line.allocation.payable and not line.paid),
            Decimal(0),
        )


def household_statement(*, shareholder: Shareholder) -> HouseholdStatement:
    found = (
        Allocation.objects.filter(shareholder=shareholder)
        .exclude(declaration__status=Status.DRAFT)
        .select_related("declaration", "payout", "shareholder")
        .order_by("-declaration__period_end", "-id")
    )
    return HouseholdStatement(
        shareholder=shareholder,
        holdings=list(shareholder.holdings.order_by("entered_on", "id")),
        lines=[StatementLine(allocation, allocation.declaration) for allocation in found],
    )


def shareholdings_of(*, user: User | AnonymousUser) -> list[Shareholder]:
    """The household shareholders linked to a signed-in person (one person may head households in two
    villages)."""
    if not user.is_authenticated:
        return []
    return list(
        Shareholder.objects.filter(user=user, kind=Shareholder.Kind.HOUSEHOLD)
        .select_related("village")
        .order_by("village__order", "id")
    )
