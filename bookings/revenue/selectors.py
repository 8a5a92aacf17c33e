"""Reads of the revenue reports, aggregated in SQL: the group dashboard (``dashboard``), a village's
dividend statement (``dividend_statement``), the revenue-share rules and an owner's earnings.

The dashboard runs the same seven queries whatever the period or the number of bookings: each groups
its rows by homestay and month, and ``Figures`` add those up to villages, months and the total.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from bookings.ledger import Account, Kind, LedgerEntry
from bookings.models import Booking, BookingNight, RoomNight
from bookings.money import ZERO, quantize
from bookings.revenue.figures import Figures
from bookings.revenue.models import DividendPayout, RevenueShareRule
from bookings.revenue.periods import Period
from bookings.revenue.sql import DaysBetween, LocalDate, MonthStart
from bookings.sync.models import ExternalNight
from villages.models import Homestay, RoomType, Village

Status = Booking.Status
SOLD = (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW)
MONEY = DecimalField(max_digits=14, decimal_places=2)
REFUND_KINDS = (Kind.REFUND, Kind.REFUND_FAILED)
REVENUE_ACCOUNTS = (Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE)
# The entries the dashboard adds up (about half of them): what each party earned, and the refunds.
REPORTED = Q(account__in=REVENUE_ACCOUNTS) | Q(account=Account.CASH_PROVIDER, kind__in=REFUND_KINDS)


def _money_sum(expression, condition: Q | None = None):
    return Coalesce(Sum(expression, filter=condition, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _credit(condition: Q):
    """Credits (negative amounts) on the ledger, shown as positive money."""
    return _money_sum(-F("amount"), condition)


# --- the dashboard ---------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a dashboard table: a village, a homestay or a month with its figures."""

    key: object
    label: str
    figures: Figures
    village: Village | None = None


@dataclass
class Dashboard:
    period: Period
    total: Figures
    villages: list[Row]
    homestays: list[Row]
    months: list[Row]


Key = tuple[int, date]  # (homestay id, first day of the month)


def _booking_figures(period: Period, cells: dict[Key, Figures]) -> None:
    sold = Q(status__in=SOLD)
    rows = (
        Booking.objects.filter(check_in__range=(period.start, period.end), confirmed_at__isnull=False)
        .values("homestay_id", month=MonthStart("check_in"))
        .annotate(
            bookings=Count("id", filter=sold),
            confirmed=Count("id"),
            cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
            gross=_money_sum("total"),
            stay=Sum(DaysBetween("check_out", "check_in"), filter=sold),
            lead=Sum(DaysBetween("check_in", LocalDate("created_at")), filter=sold),
        )
        .order_by()
    )
    for row in rows:
        cells[row["homestay_id"], row["month"]].add(
            bookings=row["bookings"],
            confirmed=row["confirmed"],
            cancelled=row["cancelled"],
            gross=row["gross"],
            stay_nights=row["stay"],
            lead_days=row["lead"],
        )


def _night_figures(period: Period, cells: dict[Key, Figures]) -> None:
    rows = (
        BookingNight.objects.filter(night__range=(period.start, period.end), booking__status__in=SOLD)
        .values(homestay=F("booking__homestay_id"), month=MonthStart("night"))
        .annotate(room_nights=Sum("rooms"), room_revenue=_money_sum(F("price") * F("rooms")))
        .order_by()
    )
    for row in rows:
        cells[row["homestay"], row["month"]].add(
            room_nights=row["room_nights"], room_revenue=row["room_revenue"]
        )


def _available_figures(period: Period, cells: dict[Key, Figures], rooms: dict[int, int]) -> None:
    """Rooms of bookable room types every night, corrected by the nights that have their own row:
    a different room count, or rooms closed (less those an imported calendar closed)."""
    nights_per_month = [(month, period.nights_in(month)) for month in period.months()]
    for homestay_id, room_count in rooms.items():
        for month, nights in nights_per_month:
            cells[homestay_id, month].add(available=room_count * nights)
    nights = (period.start, period.end)
    corrections = (
        RoomNight.objects.filter(night__range=nights, room_type__is_active=True)
        .values(homestay=F("room_type__homestay_id"), month=MonthStart("night"))
        .annotate(delta=Sum(F("rooms_total") - F("room_type__room_count") - F("rooms_closed")))
        .order_by()
    )
    imported = (
        ExternalNight.objects.filter(night__range=nights, blocking=True, feed__room_type__is_active=True)
        .values(homestay=F("feed__room_type__homestay_id"), month=MonthStart("night"))
        .annotate(delta=Count("id"))
        .order_by()
    )
    for row in [*corrections, *imported]:
        cells[row["homestay"], row["month"]].add(available=row["delta"])


def _money_figures(period: Period, cells: dict[Key, Figures]) -> None:
    rows = (
        LedgerEntry.objects.filter(REPORTED, booking__check_in__range=(period.start, period.end))
        .values(homestay=F("booking__homestay_id"), month=MonthStart("booking__check_in"))
        .annotate(
            refunds=_credit(Q(account=Account.CASH_PROVIDER, kind__in=REFUND_KINDS)),
            commission=_credit(Q(account=Account.PLATFORM_COMMISSION)),
            collective=_credit(Q(account=Account.VILLAGE_COLLECTIVE)),
            owner=_credit(Q(account=Account.OWNER_PAYABLE)),
        )
        .order_by()
    )
    for row in rows:
        cells[row["homestay"], row["month"]].add(
            **{name: quantize(row[name]) for name in ("refunds", "commission", "collective", "owner")}
        )


def _homestays() -> tuple[dict[int, Homestay], dict[int, int]]:
    """Every homestay with its village, and the rooms of its bookable room types."""
    homestays = {
        homestay.pk: homestay
        for homestay in Homestay.objects.select_related("village").order_by(
            "village__order", "village_id", "order", "id"
        )
    }
    rooms = dict(
        RoomType.objects.filter(is_active=True)
        .values("homestay_id")
        .annotate(rooms=Sum("room_count"))
        .order_by()
        .values_list("homestay_id", "rooms")
    )
    return homestays, rooms


def dashboard(*, period: Period) -> Dashboard:
    homestays, rooms = _homestays()
    cells: dict[Key, Figures] = defaultdict(Figures)
    _booking_figures(period, cells)
    _night_figures(period, cells)
    _available_figures(period, cells, rooms)
    _money_figures(period, cells)
    by_homestay: dict[int, Figures] = defaultdict(Figures)
    by_month: dict[date, Figures] = {month: Figures() for month in period.months()}
    for (homestay_id, month), figures in cells.items():
        by_homestay[homestay_id] += figures
        by_month[month] += figures
    by_village: dict[int, Row] = {}
    homestay_rows = []
    total = Figures()
    for homestay in homestays.values():
        figures = by_homestay.get(homestay.pk)
        if figures is None:
            continue
        village = homestay.village
        homestay_rows.append(Row(homestay.pk, homestay.name, figures, village))
        if village.pk not in by_village:
            by_village[village.pk] = Row(village.slug, village.name, Figures(), village)
        by_village[village.pk].figures += figures
        total += figures
    return Dashboard(
        period=period,
        total=total,
        villages=list(by_village.values()),
        homestays=homestay_rows,
        months=[Row(month, month.isoformat(), figures) for month, figures in by_month.items()],
    )


# --- the dividend statement ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    reference: str
    homestay: str
    check_in: date
    check_out: date
    status: str
    revenue: Decimal
    collective: Decimal

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass
class Statement:
    village: Village
    period: Period
    lines: list[StatementLine]
    payouts: list[DividendPayout]
    owed: Decimal
    paid: Decimal
    owed_to_date: Decimal
    paid_to_date: Decimal
    rules: list[RevenueShareRule] = field(default_factory=list)

    @property
    def revenue(self) -> Decimal:
        return sum((line.revenue for line in self.lines), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """Still to pay for the period (negative: paid more than owed)."""
        return self.owed - self.paid

    @property
    def overpaid(self) -> Decimal:
        """Paid beyond what is owed (a booking of the period was cancelled after the payout)."""
        return max(-self.outstanding, ZERO)

    @property
    def outstanding_to_date(self) -> Decimal:
        """Still to pay for every booking arriving up to the period's end."""
        return self.owed_to_date - self.paid_to_date


def _payouts_paid(village: Village, condition: Q) -> Decimal:
    total = LedgerEntry.objects.filter(
        condition,
        kind=Kind.COLLECTIVE_PAYOUT,
        account=Account.VILLAGE_COLLECTIVE,
        payout__village=village,
    ).aggregate(paid=_money_sum("amount"))["paid"]
    return quantize(total)


def collective_owed(*, village: Village, period: Period) -> Decimal:
    total = LedgerEntry.objects.filter(
        account=Account.VILLAGE_COLLECTIVE,
        booking__homestay__village=village,
        booking__check_in__range=(period.start, period.end),
    ).aggregate(owed=_credit(Q()))["owed"]
    return quantize(total)


def collective_paid(*, village: Village, period: Period) -> Decimal:
    """Paid out for payouts that settle (part of) the period."""
    return _payouts_paid(
        village, Q(payout__period_start__gte=period.start, payout__period_end__lte=period.end)
    )


def dividend_statement(*, village: Village, period: Period) -> Statement:
    names = {homestay.pk: homestay.name for homestay in village.homestays.all()}
    rows = (
        LedgerEntry.objects.filter(
            account__in=REVENUE_ACCOUNTS,
            booking__homestay__village=village,
            booking__check_in__range=(period.start, period.end),
        )
        .values(
            "booking_id",
            "booking__reference",
            "booking__homestay_id",
            "booking__check_in",
            "booking__check_out",
            "booking__status",
        )
        .annotate(
            revenue=_credit(Q()),
            collective=_credit(Q(account=Account.VILLAGE_COLLECTIVE)),
        )
        .exclude(revenue=0, collective=0)
        .order_by("booking__check_in", "booking__reference")
    )
    lines = [
        StatementLine(
            reference=row["booking__reference"],
            homestay=names.get(row["booking__homestay_id"], ""),
            check_in=row["booking__check_in"],
            check_out=row["booking__check_out"],
            status=row["booking__status"],
            revenue=quantize(row["revenue"]),
            collective=quantize(row["collective"]),
        )
        for row in rows
    ]
    payouts = list(
        DividendPayout.objects.filter(
            village=village, period_start__gte=period.start, period_end__lte=period.end
        ).order_by("paid_on", "id")
    )
    owed_to_date = LedgerEntry.objects.filter(
        account=Account.VILLAGE_COLLECTIVE,
        booking__homestay__village=village,
        booking__check_in__lte=period.end,
    ).aggregate(owed=_credit(Q()))["owed"]
    return Statement(
        village=village,
        period=period,
        lines=lines,
        payouts=payouts,
        owed=sum((line.collective for line in lines), ZERO),
        paid=collective_paid(village=village, period=period),
        owed_to_date=quantize(owed_to_date),
        paid_to_date=_payouts_paid(village, Q(payout__period_end__lte=period.end)),
        rules=revenue_rules(village=village),
    )


# --- rules -----------------------------------------------------------------------------------------


def revenue_rules(*, village: Village | None = None) -> list[RevenueShareRule]:
    rules = RevenueShareRule.objects.select_related("village").order_by(
        "village__order", "village_id", "-effective_from"
    )
    if village is not None:
        rules = rules.filter(village=village)
    return list(rules)
