"""Reads of the shop that pages and the API share."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.validators import slug_re
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from bookings.ledger import Account, Kind, LedgerEntry, Sector
from common.money import ZERO, quantize
from shop.models import Order, OrderStatus, Producer, ProducerPayout, Product
from villages.roles import AnyUser, is_group_staff

# What the producer console lists first: what needs a hand now.
TO_HANDLE = (OrderStatus.PLACED, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.READY)


def products_on_sale(*, village_slug: str = "") -> QuerySet[Product]:
    products = Product.objects.filter(active=True).select_related("producer__village")
    if village_slug:
        # A slug that cannot be one (a NUL byte, which PostgreSQL refuses in text) finds no village.
        if not slug_re.match(village_slug):
            return products.none()
        products = products.filter(producer__village__slug=village_slug)
    return products


def orders_of_buyer(*, user: User) -> QuerySet[Order]:
    return Order.objects.filter(user=user).select_related("producer__village").prefetch_related("lines")


def producers_of(*, user: User) -> QuerySet[Producer]:
    """The producers ``user`` runs, or all of them for the group's staff."""
    if is_group_staff(user):
        return Producer.objects.select_related("village")
    return Producer.objects.filter(users=user).select_related("village")


def is_producer(user: AnyUser) -> bool:
    """Who may open the producer console: the people of a producer, and the group's staff."""
    return is_group_staff(user) or (user.is_authenticated and Producer.objects.filter(users=user).exists())


def orders_for_seller(*, user: User, show: str = "open") -> QuerySet[Order]:
    orders = (
        Order.objects.filter(producer__in=producers_of(user=user))
        .select_related("producer__village", "booking__homestay")
        .prefetch_related("lines")
    )
    if show == "open":
        orders = (
            orders.filter(status__in=TO_HANDLE)
            .annotate(
                step=Case(
                    *(When(status=status, then=Value(i)) for i, status in enumerate(TO_HANDLE)),
                    output_field=IntegerField(),
                )
            )
            .order_by("step", "created_at")
        )
    return orders


def order_for_seller(*, user: User, reference: str) -> Order | None:
    return orders_for_seller(user=user, show="all").filter(reference=reference.upper()).first()


@dataclass(frozen=True)
class MonthEarning:
    month: date
    earned: Decimal


def producer_earnings(*, producers: QuerySet[Producer]) -> list[MonthEarning]:
    """What the producers earned month by month: the ledger's ``producer_payable`` credits of completed
    orders, as a positive amount (the money the group owes them)."""
    parties = [producer.party for producer in producers]
    rows = (
        LedgerEntry.objects.filter(sector=Sector.SHOP, account=Account.PRODUCER_PAYABLE, party__in=parties)
        .filter(kind__in=(Kind.SALE, Kind.SALE_REVERSED))
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(total=Sum("amount"))
        .order_by("-month")
    )
    return [MonthEarning(month=row["month"], earned=-row["total"]) for row in rows]


@dataclass(frozen=True)
class ProducerBalance:
    producer: Producer
    owed: Decimal  # what the group owes now: earned, less returns and payouts


def producer_balances(*, producers: QuerySet[Producer]) -> list[ProducerBalance]:
    """What the group owes each producer now, from every ``producer_payable`` line naming them."""
    listed = list(producers)
    rows = dict(
        LedgerEntry.objects.filter(
            sector=Sector.SHOP,
            account=Account.PRODUCER_PAYABLE,
            party__in=[producer.party for producer in listed],
        )
        .values("party")
        .annotate(total=Sum("amount"))
        .values_list("party", "total")
    )
    return [
        ProducerBalance(producer, quantize(ZERO - (rows.get(producer.party) or ZERO))) for producer in listed
    ]


def payouts_of(*, producers: QuerySet[Producer]) -> QuerySet[ProducerPayout]:
    return ProducerPayout.objects.filter(producer__in=producers).select_related("producer")


@dataclass(frozen=True)
class ReportRow:
    village: str
    producer: str
    sales: Decimal  # what buyers paid for completed orders
    producer_part: Decimal  # net of returns
    group_part: Decimal  # the margin and delivery fees, net of returns
    refunds: Decimal
    returns: Decimal = ZERO  # completed orders' sales turned around
    paid_out: Decimal = ZERO  # paid to the producer in the period


def shop_report(*, start: date, end: date) -> list[ReportRow]:
    """消费帮扶 totals of ``[start, end]`` per village and producer, from the ledger's shop entries."""
    rows = (
        LedgerEntry.objects.filter(sector=Sector.SHOP, occurred_on__gte=start, occurred_on__lte=end)
        .values("village", "party")
        .annotate(
            sales=Sum("amount", filter=Q(kind=Kind.SALE, account=Account.GUEST)),
            producer_part=Sum(
                "amount", filter=Q(account=Account.PRODUCER_PAYABLE, kind__in=(Kind.SALE, Kind.SALE_REVERSED))
            ),
            group_part=Sum("amount", filter=Q(account=Account.PLATFORM_COMMISSION)),
            refunds=Sum("amount", filter=Q(kind=Kind.SALE_REFUND, account=Account.GUEST)),
            returns=Sum("amount", filter=Q(kind=Kind.SALE_REVERSED, account=Account.GUEST)),
            paid_out=Sum("amount", filter=Q(kind=Kind.PRODUCER_PAYOUT, account=Account.PRODUCER_PAYABLE)),
        )
        .order_by("village", "party")
    )
    producers = {p.party: p for p in Producer.objects.select_related("village")}
    report = []
    for row in rows:
        producer = producers.get(row["party"])
        report.append(
            ReportRow(
                village=producer.village.name if producer else "",
                producer=producer.name if producer else row["party"],
                sales=row["sales"] or ZERO,
                producer_part=-(row["producer_part"] or ZERO),
                group_part=-(row["group_part"] or ZERO),
                refunds=row["refunds"] or ZERO,
                returns=-(row["returns"] or ZERO),
                paid_out=row["paid_out"] or ZERO,
            )
        )
    return report
