"""Reads of the revenue reports, aggregated in SQL: the group dashboard (``dashboard``), a village's
dividend statement (``dividend_statement``), the revenue-share rules and an owner's earnings.

The dashboard runs the same seven queries whatever the period or the number of bookings: each adds up
its rows by month and homestay (or room type), and ``Figures`` add those up to villages, months and the
total. Each big one reads one index from its first month to its last, with no join
(``bookings.revenue.sql``): the confirmed bookings (``booking_report``), the nights
(``booking_night_report``, less the few unsold bookings' nights), the inventory rows
(``room_night_report``) and the ledger entries it reports (``ledger_entry_reported``, which carry their
booking's homestay and arrival date). Ordered like the index, the rows are added up as they are read.

The ledger's money and the booked nights are summed a whole month at a time and kept between
requests (``bookings.revenue.tally``: exact, as neither ever changes a row; only the rows written since
are read again); so are the booking figures, the unsold bookings' nights and the inventory
corrections, while nothing of the month changes (``bookings.revenue.quiet``).
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from bookings.ledger import EARNED, REPORTED, Account, Kind, LedgerEntry
from bookings.models import Booking, BookingNight, RoomNight
from bookings.revenue.figures import Figures
from bookings.revenue.models import DividendPayout, RevenueShareRule
from bookings.revenue.periods import Period
from bookings.revenue.quiet import QuietMonths, bookings_saved, capacity_changed, quiet_months
from bookings.revenue.sql import DaysBetween, DaysSinceLocalDate, Literally, MonthStart
from bookings.revenue.tally import Tally, ledger_tally, tally
from bookings.sync.models import ExternalNight
from common.money import ZERO, quantize
from villages.models import Homestay, RoomType, Village

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Status = Booking.Status
SOLD = (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW)
UNSOLD = tuple(status for status in Status if status not in SOLD)
MONEY = DecimalField(max_digits=14, decimal_places=2)
# What the dashboard shows of each account it reads (credits are earnings, shown as positive money).
MONEY_FIGURES = {
    Account.CASH_PROVIDER: "refunds",
    Account.PLATFORM_COMMISSION: "commission",
    Account.VILLAGE_COLLECTIVE: "collective",
    Account.OWNER_PAYABLE: "owner",
}


def _money_sum(expression, condition: Q | None = None):
    return Coalesce(Sum(expression, filter=condition, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _credit(condition: Q):
    """Credits (negative amounts) on the ledger, shown as positive money."""
    return _money_sum(-F("amount"), condition)


# --- the dashboard ---------------------------------------------------------------------------------


@dataclass
class Row[K]:
    """One line of a dashboard table: a village (key: slug), a homestay (id) or a month (its first day)
    with its figures."""

    key: K
    label: str
    figures: Figures
    village: Village | None = None


@dataclass
class Dashboard:
    period: Period
    total: Figures
    villages: list[Row[str]]
    homestays: list[Row[int]]
    months: list[Row[date]]


Key = tuple[int, date]  # (homestay id, first day of the month)


@dataclass(frozen=True)
class _RoomType:
    homestay_id: int
    room_count: int
    is_active: bool


def _by_month(queryset, date_field: str, period: Period):
    """The rows of the period, with ``month``: the first day of their month. Filtering on the month
    too lets the database read its month index from the first month to the last (the dates still
    decide for a period that starts or ends within a month)."""
    return queryset.annotate(month=MonthStart(date_field)).filter(
        month__range=(period.start.replace(day=1), period.end.replace(day=1)),
        **{f"{date_field}__range": (period.start, period.end)},
    )


def _booking_rows(period: Period):
    sold = Q(status__in=SOLD)
    return (
        _by_month(Booking.objects.filter(confirmed_at__isnull=False), "check_in", period)
        .values_list("month", "homestay_id")
        .annotate(
            bookings=Count("check_in", filter=sold),
            confirmed=Count("check_in"),
            cancelled=Count("check_in", filter=Q(status=Status.CANCELLED)),
            gross=Sum("total"),
            stay=Sum(DaysBetween("check_out", "check_in"), filter=sold),
            lead=Sum(DaysSinceLocalDate("check_in", "created_at"), filter=sold),
        )
        .order_by("month", "homestay_id")
    )


# The booking figures by arrival month and homestay; whole months kept between requests while none of
# their bookings is saved (``bookings.revenue.quiet``).
BOOKINGS_MONTHS = QuietMonths("dashboard-bookings", rows=_booking_rows, changes=bookings_saved(spans=False))


def _booking_figures(rows, cells: dict[Key, Figures]) -> None:
    for month, homestay_id, bookings, confirmed, cancelled, gross, stay, lead in rows:
        cell = cells[homestay_id, month]
        cell.bookings += bookings
        cell.confirmed += confirmed
        cell.cancelled += cancelled
        cell.gross += quantize(gross)
        cell.stay_nights += stay or 0
        cell.lead_days += lead or 0


def _booked_night_rows(nights, period: Period):
    return (
        _by_month(nights, "night", period)
        .values_list("month", "room_type_id")
        .annotate(room_nights=Sum("rooms"), room_revenue=Sum(F("price") * F("rooms"), output_field=MONEY))
        .order_by("month", "room_type_id")
    )


def _every_night_rows(period: Period, up_to: int | None):
    """Every booked night of the period (up to id ``up_to``), sold or not, by month and room type."""
    nights = BookingNight.objects.all()
    if up_to is not None:
        nights = nights.filter(pk__lte=up_to)
    return _booked_night_rows(nights, period)


# Every booked night by month and room type; whole months kept between requests (booked nights are
# written once, with their booking, and never change).
NIGHTS_TALLY = Tally(
    "booked-nights",
    model=BookingNight,
    condition=Q(),
    day="night",
    keys=("room_type_id",),
    values=("rooms", ExpressionWrapper(F("price") * F("rooms"), output_field=MONEY)),
    rows=_every_night_rows,
    written="booking__created_at",
    fingerprint=("booking_id", "night", "room_type_id"),
)


def _unsold_night_rows(period: Period):
    """The nights of the bookings not sold (few: held, cancelled or expired) by month and room type."""
    unsold = Booking.objects.filter(
        status__in=UNSOLD, check_out__gt=period.start, check_in__lte=period.end
    ).values("pk")
    return _booked_night_rows(BookingNight.objects.filter(booking__in=unsold), period)


# Kept while none of the bookings with nights in the month is saved (``bookings.revenue.quiet``).
UNSOLD_NIGHTS_MONTHS = QuietMonths(
    "dashboard-unsold-nights", rows=_unsold_night_rows, changes=bookings_saved(spans=True)
)


def _night_rows(period: Period) -> list[tuple]:
    """Nights sold: every night of the period (kept sums and those booked since) less the nights of
    the bookings not sold, as ``(month, room type, rooms, revenue, sign)``."""
    every = [(*row, 1) for row in tally(NIGHTS_TALLY, period)]
    return every + [(*row, -1) for row in quiet_months(UNSOLD_NIGHTS_MONTHS, period)]


def _night_figures(rows, cells: dict[Key, Figures], room_types: dict[int, _RoomType]) -> None:
    for month, room_type_id, room_nights, room_revenue, sign in rows:
        cell = cells[room_types[room_type_id].homestay_id, month]
        cell.room_nights += sign * room_nights
        cell.room_revenue += sign * quantize(room_revenue)


def _correction_rows(period: Period):
    """The inventory rows of the period: nights with a room count of their own or rooms closed."""
    return (
        _by_month(RoomNight.objects.all(), "night", period)
        .values_list("month", "room_type_id")
        .annotate(nights=Count("*"), rooms=Sum(F("rooms_total") - F("rooms_closed")))
        .order_by("month", "room_type_id")
    )


# The corrections of the available room-nights by month and room type, kept while none of the month's
# nights is inserted or changes its rooms for sale, and each room type keeps its room count
# (``bookings.revenue.quiet``).
CORRECTIONS_MONTHS = QuietMonths("dashboard-inventory", rows=_correction_rows, changes=capacity_changed)


def _corrections(period: Period, room_types: dict[int, _RoomType]) -> list[tuple]:
    """``(month, room type, its room count, correction)``: the rooms for sale on the nights that have
    a row, less the room count on each."""

    def rows(part: Period):
        for month, room_type_id, nights, rooms in _correction_rows(part):
            if room_type_id in room_types:  # else created since the catalogue was read: not counted yet
                room_count = room_types[room_type_id].room_count
                yield month, room_type_id, room_count, rooms - nights * room_count

    def counts_unchanged(rows: list[tuple]) -> bool:
        return all(
            room_type_id in room_types and room_types[room_type_id].room_count == room_count
            for room_type_id, room_count, _correction in rows
        )

    return quiet_months(replace(CORRECTIONS_MONTHS, rows=rows), period, still_true=counts_unchanged)


def _available_figures(
    period: Period, corrections, cells: dict[Key, Figures], room_types: dict[int, _RoomType]
) -> None:
    """Rooms of bookable room types every night, corrected by the nights that have their own row:
    a different room count, or rooms closed (less those an imported calendar closed)."""
    rooms: dict[int, int] = defaultdict(int)
    for room_type in room_types.values():
        if room_type.is_active:
            rooms[room_type.homestay_id] += room_type.room_count
    nights_per_month = [(month, period.nights_in(month)) for month in period.months()]
    for homestay_id, room_count in rooms.items():
        for month, nights in nights_per_month:
            cells[homestay_id, month].available += room_count * nights
    for month, room_type_id, _room_count, correction in corrections:
        room_type = room_types[room_type_id]
        if room_type.is_active:
            cells[room_type.homestay_id, month].available += correction
    imported = (
        ExternalNight.objects.filter(
            night__range=(period.start, period.end), blocking=True, feed__room_type__is_active=True
        )
        .values_list("feed__room_type__homestay_id", MonthStart("night"))
        .annotate(nights=Count("id"))
        .order_by()
    )
    for homestay_id, month, nights in imported:
        cells[homestay_id, month].available += nights


def _money_rows(period: Period, up_to: int | None):
    """The reported entries of a period (up to id ``up_to``) by arrival month, homestay and account,
    read from ``ledger_entry_reported`` in its order."""
    entries = LedgerEntry.objects.filter(Literally(REPORTED))
    if up_to is not None:
        entries = entries.filter(pk__lte=up_to)
    return (
        _by_month(entries, "arrival", period)
        .values_list("month", "homestay_id", "account")
        .annotate(amount=Sum("amount"), count=Count("*"))
        .order_by("month", "homestay_id", "account")
    )


# The lodging money by arrival month, homestay and account; whole months kept between requests.
MONEY_TALLY = ledger_tally(
    "lodging-money", condition=REPORTED, day="arrival", keys=("homestay_id", "account"), rows=_money_rows
)


def _money_figures(period: Period, cells: dict[Key, Figures]) -> None:
    for month, homestay_id, account, amount, _entries in tally(MONEY_TALLY, period):
        cell, name = cells[homestay_id, month], MONEY_FIGURES[account]
        setattr(cell, name, getattr(cell, name) - quantize(amount))


def net_revenue_by_homestay_and_month(*, period: Period) -> dict[Key, Decimal]:
    """The dashboard's net revenue of each homestay and arrival month of the period, from the same
    entries and sums as ``dashboard`` (the group's reports split it by village and month)."""
    cells: dict[Key, Figures] = defaultdict(Figures)
    _money_figures(period, cells)
    return {key: figures.net_revenue for key, figures in cells.items()}


def _catalogue() -> tuple[dict[int, Homestay], dict[int, _RoomType]]:
    """Every homestay with its village, and every room type."""
    homestays = {
        homestay.pk: homestay
        for homestay in Homestay.objects.select_related("village").order_by(
            "village__order", "village_id", "order", "id"
        )
    }
    room_types = {
        pk: _RoomType(homestay_id, room_count, is_active)
        for pk, homestay_id, room_count, is_active in RoomType.objects.values_list(
            "pk", "homestay_id", "room_count", "is_active"
        ).order_by()
    }
    return homestays, room_types


def dashboard(*, period: Period) -> Dashboard:
    homestays, room_types = _catalogue()
    cells: dict[Key, Figures] = defaultdict(Figures)
    _booking_figures(quiet_months(BOOKINGS_MONTHS, period), cells)
    _night_figures(_night_rows(period), cells, room_types)
    _available_figures(period, _corrections(period, room_types), cells, room_types)
    _money_figures(period, cells)
    by_homestay: dict[int, Figures] = defaultdict(Figures)
    by_month: dict[date, Figures] = {month: Figures() for month in period.months()}
    for (homestay_id, month), figures in cells.items():
        by_homestay[homestay_id] += figures
        by_month[month] += figures
    by_village: dict[int, Row[str]] = {}
    homestay_rows: list[Row[int]] = []
    total = Figures()
    for homestay in homestays.values():
        if homestay.pk not in by_homestay:
            continue
        figures = by_homestay[homestay.pk]
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
    def status_label(self) -> "str | StrPromise":
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


def _split_paid(village: Village, condition: Q) -> Decimal:
    """Paid to the collective straight by profit sharing (分账), less what refunds took back."""
    total = LedgerEntry.objects.filter(
        condition,
        kind__in=(Kind.COLLECTIVE_SPLIT, Kind.SPLIT_RETURN),
        account=Account.VILLAGE_COLLECTIVE,
        booking__homestay__village=village,
    ).aggregate(paid=_money_sum("amount"))["paid"]
    return quantize(total)


def _households_paid(village: Village, condition: Q) -> Decimal:
    """Net of the collective's money given to member households by dividend declarations
    (``shareholders``: the collective's part of each household's dividend, debited to
    ``village_collective``), less what the group added to the collective's own part (credited to it):
    so money declared to households can never be paid to the collective as well, and what the group
    adds for the collective is paid through the collective payouts. Counted on the declared period's
    last day (the posting's ``occurred_on``)."""
    total = LedgerEntry.objects.filter(
        condition,
        kind=Kind.HOUSEHOLD_DIVIDEND,
        account=Account.VILLAGE_COLLECTIVE,
        village=village,
    ).aggregate(paid=_money_sum("amount"))["paid"]
    return quantize(total)


def collective_owed(*, village: Village, period: Period) -> Decimal:
    total = LedgerEntry.objects.filter(
        EARNED,
        account=Account.VILLAGE_COLLECTIVE,
        booking__homestay__village=village,
        booking__check_in__range=(period.start, period.end),
    ).aggregate(owed=_credit(Q()))["owed"]
    return quantize(total)


def collective_paid(*, village: Village, period: Period) -> Decimal:
    """Paid out for payouts that settle (part of) the period, and split to the collective for the
    period's arrivals."""
    return (
        _payouts_paid(village, Q(payout__period_start__gte=period.start, payout__period_end__lte=period.end))
        + _split_paid(village, Q(booking__check_in__range=(period.start, period.end)))
        + _households_paid(village, Q(occurred_on__range=(period.start, period.end)))
    )


def collective_outstanding_to_date(*, village: Village, end: date) -> Decimal:
    """What the collective is still owed for every booking arriving up to ``end``, after everything paid
    for periods ending by then (payouts, splits, household dividends). Payouts and declarations check
    against it as well as against their own period, so periods that overlap cannot pay twice."""
    return _owed_to_date(village, end) - _paid_to_date(village, end)


def _owed_to_date(village: Village, end: date) -> Decimal:
    total = LedgerEntry.objects.filter(
        EARNED,
        account=Account.VILLAGE_COLLECTIVE,
        booking__homestay__village=village,
        booking__check_in__lte=end,
    ).aggregate(owed=_credit(Q()))["owed"]
    return quantize(total)


def _paid_to_date(village: Village, end: date) -> Decimal:
    return (
        _payouts_paid(village, Q(payout__period_end__lte=end))
        + _split_paid(village, Q(booking__check_in__lte=end))
        + _households_paid(village, Q(occurred_on__lte=end))
    )


def dividend_statement(*, village: Village, period: Period) -> Statement:
    names = {homestay.pk: homestay.name for homestay in village.homestays.all()}
    rows = (
        LedgerEntry.objects.filter(
            EARNED,
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
    return Statement(
        village=village,
        period=period,
        lines=lines,
        payouts=payouts,
        owed=sum((line.collective for line in lines), ZERO),
        paid=collective_paid(village=village, period=period),
        owed_to_date=_owed_to_date(village, period.end),
        paid_to_date=_paid_to_date(village, period.end),
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
