"""The dashboard as the page shows it: KPI cards and tables of formatted cells (the CSV exports read the
same ``COLUMNS``)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.revenue.figures import Figures
from bookings.revenue.models import RevenueShareRule
from bookings.revenue.periods import Period
from bookings.revenue.selectors import Dashboard, Row
from tourism.group.columns import COLUMNS, HUNDRED, shown

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Card:
    label: "str | StrPromise"
    value: str
    hint: "str | StrPromise" = ""


@dataclass(frozen=True)
class Line:
    label: "str | StrPromise"
    cells: list[str]
    url: str = ""
    secondary: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    title: "str | StrPromise"
    name_header: "str | StrPromise"
    lines: list[Line]
    total: list[str]
    csv_url: str
    secondary_header: "str | StrPromise" = ""


def cells(figures: Figures) -> list[str]:
    return [shown(column.kind, column.value(figures)) for column in COLUMNS]


def period_query(period: Period) -> str:
    return urlencode({"preset": "custom", "start": period.start.isoformat(), "end": period.end.isoformat()})


def cards(total: Figures) -> list[Card]:
    money = [
        Card(pgettext_lazy("plural", "预订"), shown("count", total.bookings), _("售出的预订")),
        Card(_("间夜"), shown("count", total.room_nights), _("房间数 × 晚数")),
        Card(_("预订总额"), shown("money", total.gross), _("已确认预订的总价")),
        Card(_("退款"), shown("money", total.refunds)),
        Card(_("净收入"), shown("money", total.net_revenue), _("佣金 + 村集体分成 + 经营户所得")),
        Card(_("平台佣金"), shown("money", total.commission)),
        Card(_("村集体分成"), shown("money", total.collective)),
    ]
    lodging = [
        Card(_("入住率"), shown("percent", total.occupancy), _("售出间夜 / 可售间夜")),
        Card(_("平均房价"), shown("money", total.adr), "ADR"),
        Card(_("每间可售房收入"), shown("money", total.revpar), "RevPAR"),
        Card(_("平均入住晚数"), shown("decimal", total.average_stay)),
        Card(_("取消率"), shown("percent", total.cancellation_rate)),
        Card(_("平均提前预订天数"), shown("decimal", total.lead_time)),
    ]
    return money + lodging


def _csv_url(table: str, query: str) -> str:
    return f"{reverse('group:export', kwargs={'table': table})}?{query}"


def tables(report: Dashboard) -> list[Table]:
    query = period_query(report.period)
    total = cells(report.total)

    def village_line(row: Row[str]) -> Line:
        url = f"{reverse('group:statement', kwargs={'slug': row.key})}?{query}"
        return Line(row.label, cells(row.figures), url=url)

    return [
        Table(
            "villages",
            _("各村"),
            _("村庄"),
            [village_line(row) for row in report.villages],
            total,
            _csv_url("villages", query),
        ),
        Table(
            "homestays",
            _("各民宿"),
            _("民宿"),
            [
                Line(row.label, cells(row.figures), secondary=row.village.name if row.village else "")
                for row in report.homestays
            ],
            total,
            _csv_url("homestays", query),
            secondary_header=_("村庄"),
        ),
        Table(
            "months",
            _("各月"),
            _("月份"),
            [Line(row.key.strftime("%Y-%m"), cells(row.figures)) for row in report.months],
            total,
            _csv_url("months", query),
        ),
    ]


@dataclass(frozen=True)
class RuleLine:
    rule: RevenueShareRule
    commission: str
    collective: str
    owner: str
    state: str  # upcoming, current or past
    state_label: "str | StrPromise"


def _rate(rate: Decimal) -> str:
    return f"{(rate * HUNDRED).quantize(Decimal('0.01'))}%"


def rule_lines(rules: list[RevenueShareRule], today: date) -> list[RuleLine]:
    """Rules newest first per village, each marked upcoming, in effect (the newest one already
    started) or past."""
    lines, current_seen = [], set()
    labels = {"upcoming": _("待生效"), "current": _("生效中"), "past": _("已被取代")}
    for rule in rules:
        if rule.effective_from > today:
            state = "upcoming"
        elif rule.village_id in current_seen:
            state = "past"
        else:
            state = "current"
            current_seen.add(rule.village_id)
        lines.append(
            RuleLine(
                rule,
                _rate(rule.commission_rate),
                _rate(rule.collective_rate),
                _rate(rule.owner_rate),
                state,
                labels[state],
            )
        )
    return lines
