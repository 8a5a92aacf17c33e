"""The reports the group is asked for (文旅集团报表), each a table for a period: rows by village, columns
by month, the same ``Sheet`` shown on the page and downloaded as CSV or XLSX (``common.spreadsheets``).

* ``visitors``: 人次 (visitors) and 人夜 (guest-nights) per village and month. A stay counts once the
  guests arrived: bookings checked in (已入住) or completed (已完成); booked, cancelled, expired and
  no-show stays do not. Visitors are the booking's guest count in the month of arrival; guest-nights
  are the guest count for every booked night, each night in its own month (a stay over the turn of a
  month counts in both). Early departures keep their booked nights, as the dashboard's room-nights do.
* ``provinces``: where the arrived guests of stays arriving in the period come from, per village, from
  the registered documents (实名登记): a resident ID card by its first two digits (the province), other
  documents as 港澳 / 台湾 / 护照 groups. Counts only, never a person; a count of 1 or 2 is shown as
  "<3", and no totals are shown, which would let the hidden counts be worked out by subtraction.
* ``revenue``: money earned per village, sector and month. Lodging is the dashboard's net revenue
  (what the platform, the collective and the owner earned, after cancellations, by arrival month:
  ``bookings.revenue.selectors``); shop and tickets are the gross value of the sales earned less those
  reversed (the guest account's debits of ``sale`` less ``sale_reversed`` postings, by the day they
  count on), the same measure: what the buyer paid that was earned, whoever receives it.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from bookings.ledger import Account, Kind, LedgerEntry, Sector
from bookings.models import Booking, BookingNight, Guest
from bookings.revenue.periods import Period
from bookings.revenue.selectors import net_revenue_by_homestay_and_month
from bookings.revenue.sql import MonthStart
from common.money import ZERO, quantize
from common.spreadsheets import Heading, Sheet, Value
from tourism.group.provinces import PROVINCE_NAMES
from villages.models import Homestay, Village

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Status = Booking.Status
ARRIVED = (Status.CHECKED_IN, Status.COMPLETED)
SMALL_COUNT = 3  # counts of guests below this are shown as "<3"
SMALL = f"<{SMALL_COUNT}"
DocumentType = Guest.DocumentType
OTHER_DOCUMENTS = {
    DocumentType.HK_MACAO_PERMIT: ("港澳居民", "Hong Kong and Macao residents"),
    DocumentType.TAIWAN_PERMIT: ("台湾居民", "Taiwan residents"),
    DocumentType.PASSPORT: ("护照(外籍等)", "Passport holders (foreign and others)"),
}
UNKNOWN_PROVINCE = ("其他", "Other")
SECTORS = (
    ("lodging", "住宿", "Lodging"),
    (Sector.SHOP.value, "商城", "Shop"),
    (Sector.TICKETS.value, "门票", "Tickets"),
)
VILLAGE = Heading("村庄", "Village")
TOTAL = Heading("合计", "Total", "count")


@dataclass(frozen=True)
class Report:
    key: str
    title: "str | StrPromise"  # on the page
    zh: str  # the sheet's title
    en: str
    build: Callable[[Period], Sheet]


def _villages() -> list[Village]:
    return list(Village.objects.order_by("order", "id"))


def _name(village: Village, language: str) -> str:
    return getattr(village, build_localized_fieldname("name", language)) or village.name


def _month_headings(period: Period, kind: str) -> list[Heading]:
    return [Heading(f"{month:%Y-%m}", f"{month:%Y-%m}", kind) for month in period.months()]


def _filename(stem: str, period: Period) -> str:
    return f"{stem}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def _last(rows: list, count: int) -> frozenset[int]:
    return frozenset(range(len(rows) - count, len(rows)))


def _by_month(queryset, date_field: str, period: Period):
    return queryset.annotate(month=MonthStart(date_field)).filter(
        **{f"{date_field}__range": (period.start, period.end)}
    )


# --- visitors and guest-nights ---------------------------------------------------------------------


def _visitor_counts(period: Period) -> tuple[dict[tuple[int, date], int], dict[tuple[int, date], int]]:
    visitors = (
        _by_month(Booking.objects.filter(status__in=ARRIVED), "check_in", period)
        .values_list("homestay__village_id", "month")
        .annotate(people=Sum("guests"))
        .order_by()
    )
    nights = (
        _by_month(BookingNight.objects.filter(booking__status__in=ARRIVED), "night", period)
        .values_list("booking__homestay__village_id", "month")
        .annotate(people=Sum("booking__guests"))
        .order_by()
    )
    return (
        {(village, month): people for village, month, people in visitors},
        {(village, month): people for village, month, people in nights},
    )


def visitors_sheet(period: Period) -> Sheet:
    visitors, nights = _visitor_counts(period)
    months = period.months()
    measures = (("人次 Visitors", visitors), ("人夜 Guest-nights", nights))
    rows: list[list[Value]] = []
    totals: dict[str, list[int]] = {label: [0] * len(months) for label, _counts in measures}
    for village in _villages():
        for label, counts in measures:
            cells = [counts.get((village.pk, month), 0) for month in months]
            totals[label] = [a + b for a, b in zip(totals[label], cells, strict=True)]
            rows.append([village.name, label, *cells, sum(cells)])
    for label, cells in totals.items():
        rows.append(["合计 Total", label, *cells, sum(cells)])
    return Sheet(
        totals=_last(rows, len(measures)),
        title="游客人次和人夜 Visitors",
        filename=_filename("visitors", period),
        headings=[VILLAGE, Heading("指标", "Measure"), *_month_headings(period, "count"), TOTAL],
        rows=rows,
    )


# --- home provinces --------------------------------------------------------------------------------


def _origin(document_type: str, code: str) -> tuple[str, str]:
    if document_type == DocumentType.RESIDENT_ID:
        return PROVINCE_NAMES.get(code, UNKNOWN_PROVINCE)
    return OTHER_DOCUMENTS.get(document_type, UNKNOWN_PROVINCE)  # type: ignore[call-overload]


ORIGIN_ORDER = [*PROVINCE_NAMES.values(), *OTHER_DOCUMENTS.values(), UNKNOWN_PROVINCE]


def shown_count(count: int) -> int | str:
    """A count as the report may show it: 1 and 2 become "<3" (one or two guests from a place could be
    told apart); none is 0."""
    return SMALL if 0 < count < SMALL_COUNT else count


def provinces_sheet(period: Period) -> Sheet:
    rows_read = (
        Guest.objects.filter(booking__status__in=ARRIVED, booking__check_in__range=(period.start, period.end))
        .annotate(code=Substr("document_number", 1, 2))
        .values_list("booking__homestay__village_id", "document_type", "code")
        .annotate(guests=Count("id"))
        .order_by()
    )
    counts: dict[tuple[str, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for village_id, document_type, code, guests in rows_read:
        counts[_origin(document_type, code)][village_id] += guests
    villages = _villages()
    rows: list[list[Value]] = [
        [zh, en, *(shown_count(counts[origin].get(village.pk, 0)) for village in villages)]
        for origin in ORIGIN_ORDER
        if origin in counts
        for zh, en in [origin]
    ]
    return Sheet(
        title="游客来源地 Home provinces",
        filename=_filename("home-provinces", period),
        headings=[
            Heading("来源地", "Home province"),
            Heading("来源地(英文)", "Home province (English)"),
            *(Heading(_name(village, "zh-hans"), _name(village, "en"), "count") for village in villages),
        ],
        rows=rows,
    )


# --- revenue by sector -----------------------------------------------------------------------------


def _sales(period: Period) -> dict[tuple[str, int, date], Decimal]:
    rows = (
        _by_month(
            LedgerEntry.objects.filter(
                ~Q(source=""),
                sector__in=(Sector.SHOP, Sector.TICKETS),
                account=Account.GUEST,
                kind__in=(Kind.SALE, Kind.SALE_REVERSED),
            ),
            "occurred_on",
            period,
        )
        .values_list("sector", "village_id", "month")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    return {(sector, village, month): quantize(amount) for sector, village, month, amount in rows}


def _lodging(period: Period) -> dict[tuple[str, int, date], Decimal]:
    village_of = dict(Homestay.objects.values_list("pk", "village_id").order_by())
    amounts: dict[tuple[str, int, date], Decimal] = defaultdict(lambda: ZERO)
    for (homestay_id, month), amount in net_revenue_by_homestay_and_month(period=period).items():
        amounts["lodging", village_of[homestay_id], month] += amount
    return amounts


def revenue_sheet(period: Period) -> Sheet:
    amounts = _lodging(period) | _sales(period)
    months = period.months()
    rows: list[list[Value]] = []
    totals: dict[str, list[Decimal]] = {key: [ZERO] * len(months) for key, _zh, _en in SECTORS}
    totals_at: list[int] = []
    for village in _villages():
        subtotal = [ZERO] * len(months)
        for key, zh, en in SECTORS:
            cells = [amounts.get((key, village.pk, month), ZERO) for month in months]
            subtotal = [a + b for a, b in zip(subtotal, cells, strict=True)]
            totals[key] = [a + b for a, b in zip(totals[key], cells, strict=True)]
            rows.append([village.name, f"{zh} {en}", *cells, sum(cells, ZERO)])
        rows.append([village.name, "小计 Subtotal", *subtotal, sum(subtotal, ZERO)])
        totals_at.append(len(rows) - 1)
    grand = [ZERO] * len(months)
    for key, zh, en in SECTORS:
        grand = [a + b for a, b in zip(grand, totals[key], strict=True)]
        rows.append(["合计 Total", f"{zh} {en}", *totals[key], sum(totals[key], ZERO)])
    rows.append(["合计 Total", "小计 Subtotal", *grand, sum(grand, ZERO)])
    return Sheet(
        totals=frozenset(totals_at) | _last(rows, len(SECTORS) + 1),
        title="分板块收入 Revenue by sector",
        filename=_filename("revenue-by-sector", period),
        headings=[
            VILLAGE,
            Heading("板块", "Sector"),
            *_month_headings(period, "money"),
            Heading("合计", "Total", "money"),
        ],
        rows=rows,
    )


REPORTS = {
    report.key: report
    for report in (
        Report(
            "visitors", _("游客人次和人夜"), "游客人次和人夜", "Visitors and guest-nights", visitors_sheet
        ),
        Report("provinces", _("游客来源地"), "游客来源地", "Guests' home provinces", provinces_sheet),
        Report("revenue", _("分板块收入"), "分板块收入", "Revenue by sector", revenue_sheet),
    )
}
