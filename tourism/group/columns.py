"""The columns of the dashboard's tables, shared by the page and the CSV exports so both always show
the same figures. Each column reads one value of ``Figures``; ``kind`` says how to write it."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bookings.revenue.figures import Figures
from villages.templatetags.catalogue import cny

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

HUNDRED = Decimal(100)
PERCENT_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class Column:
    key: str
    label: "str | StrPromise"  # shown on the page, translated
    header: str  # the CSV header: Chinese and English, whatever the language
    kind: str  # count, money, percent, decimal
    value: Callable[[Figures], object]


COLUMNS = [
    Column("bookings", pgettext_lazy("plural", "预订"), "预订 Bookings", "count", lambda f: f.bookings),
    Column("room_nights", _("间夜"), "间夜 Room-nights", "count", lambda f: f.room_nights),
    Column("gross", _("预订总额"), "预订总额 Gross booking value", "money", lambda f: f.gross),
    Column("refunds", _("退款"), "退款 Refunds", "money", lambda f: f.refunds),
    Column("net_revenue", _("净收入"), "净收入 Net revenue", "money", lambda f: f.net_revenue),
    Column("commission", _("平台佣金"), "平台佣金 Commission", "money", lambda f: f.commission),
    Column("collective", _("村集体分成"), "村集体分成 Collective share", "money", lambda f: f.collective),
    Column("owner", _("经营户所得"), "经营户所得 Owners' share", "money", lambda f: f.owner),
    Column("occupancy", _("入住率"), "入住率(%) Occupancy (%)", "percent", lambda f: f.occupancy),
    Column("adr", _("平均房价"), "平均房价 ADR", "money", lambda f: f.adr),
    Column("revpar", _("每间可售房收入"), "每间可售房收入 RevPAR", "money", lambda f: f.revpar),
    Column(
        "average_stay",
        _("平均入住晚数"),
        "平均入住晚数 Average stay (nights)",
        "decimal",
        lambda f: f.average_stay,
    ),
    Column(
        "cancellation_rate",
        _("取消率"),
        "取消率(%) Cancellation rate (%)",
        "percent",
        lambda f: f.cancellation_rate,
    ),
    Column(
        "lead_time", _("提前预订天数"), "平均提前预订天数 Lead time (days)", "decimal", lambda f: f.lead_time
    ),
]


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def shown(kind: str, value) -> str:
    """A value as the page shows it: ¥1,234.50, 13.8%, 2.3; a ratio with nothing to divide is "—"."""
    if value is None:
        return "—"
    if kind == "money":
        return cny(value)
    if kind == "percent":
        return f"{_tenths(value * HUNDRED)}%"
    if kind == "decimal":
        return str(_tenths(value))
    return f"{value:,}"


def exported(kind: str, value) -> str:
    """A value as the CSV holds it: plain digits, a dot for decimals, percent without the sign."""
    if value is None:
        return ""
    if kind == "percent":
        return str((value * HUNDRED).quantize(Decimal("0.01")))
    return str(value)
