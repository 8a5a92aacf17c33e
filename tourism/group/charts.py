"""Charts drawn on the server as SVG: the geometry is worked out here, ``group/parts/chart.html`` writes
the elements, ``group.css`` colours them (the page needs no script). Coordinates are Decimal, like the
money they draw, and written with one decimal."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from bookings.revenue.selectors import Row
from tourism.group.columns import HUNDRED, shown

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 8, 12, 28
MAX_X_LABELS = 12
GAP = Decimal("0.2")  # of each bar's slot left empty
STEPS = (1, 2, 5, 10)
TICKS = 4


def _c(value: Decimal | int) -> str:
    return f"{Decimal(value):.1f}"


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    css: str
    title: str


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[Rect] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)
    ticks: list[tuple[str, Text]] = field(default_factory=list)  # (y of the grid line, its label)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, text)

    @property
    def empty(self) -> bool:
        return not self.rects


def nice_top(largest: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 × 10ⁿ step whose ``TICKS`` multiples reach ``largest``."""
    if largest <= 0:
        return Decimal(TICKS)
    raw = largest / TICKS
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(magnitude * s for s in STEPS if magnitude * s >= raw)
    return step * TICKS


def _y_axis(chart: Chart, top: Decimal, kind: str) -> None:
    inner = Decimal(HEIGHT - TOP - BOTTOM)
    for tick in range(TICKS + 1):
        value = top * tick / TICKS
        y = _c(TOP + inner - inner * tick / TICKS)
        shown_value = value.quantize(Decimal(1) if top >= TICKS else Decimal("0.01"))
        text = f"{shown_value:,}" + ("%" if kind == "percent" else "")
        chart.ticks.append((y, Text(_c(LEFT - 6), y, text, "end")))


def _columns(chart: Chart, rows: list[Row[date]], stacks, top: Decimal) -> None:
    """Vertical bars, one slot per row; ``stacks(row)`` gives the (value, css, title) parts, bottom first."""
    inner_w, inner_h = Decimal(WIDTH - LEFT - RIGHT), Decimal(HEIGHT - TOP - BOTTOM)
    slot = inner_w / max(len(rows), 1)
    every = -(-len(rows) // MAX_X_LABELS)
    for index, row in enumerate(rows):
        x = LEFT + slot * index + slot * GAP / 2
        base = Decimal(TOP) + inner_h
        for value, css, title in stacks(row):
            if value <= 0:
                continue
            height = inner_h * value / top
            base -= height
            chart.rects.append(Rect(_c(x), _c(base), _c(slot * (1 - GAP)), _c(height), css, title))
        if index % every == 0:
            chart.labels.append(
                Text(_c(x + slot * (1 - GAP) / 2), _c(HEIGHT - 8), _month_label(row.key, index))
            )


def _month_label(month: date, index: int) -> str:
    """The year on January and on the first bar (unless a December, right before a January): 2026-11,
    12, 2027-01, 02."""
    with_year = month.month == 1 or (index == 0 and month.month != 12)
    return f"{month:%Y-%m}" if with_year else f"{month:%m}"


def month_revenue_chart(rows: list[Row[date]]) -> Chart:
    chart = Chart(
        id="chart-month-revenue",
        title=_("每月净收入"),
        description=_("按入住月份,净收入分为经营户所得、村集体分成和平台佣金"),
        legend=[
            ("bar-owner", _("经营户所得")),
            ("bar-collective", _("村集体分成")),
            ("bar-commission", _("平台佣金")),
        ],
    )
    top = nice_top(max((row.figures.net_revenue for row in rows), default=Decimal(0)))
    _y_axis(chart, top, "money")

    def stacks(row: Row[date]):
        month = row.key.strftime("%Y-%m")
        figures = row.figures
        return [
            (figures.owner, "bar-owner", f"{month} {_('经营户所得')} {shown('money', figures.owner)}"),
            (
                figures.collective,
                "bar-collective",
                f"{month} {_('村集体分成')} {shown('money', figures.collective)}",
            ),
            (
                figures.commission,
                "bar-commission",
                f"{month} {_('平台佣金')} {shown('money', figures.commission)}",
            ),
        ]

    _columns(chart, rows, stacks, top)
    return chart


def month_occupancy_chart(rows: list[Row[date]]) -> Chart:
    chart = Chart(
        id="chart-month-occupancy", title=_("每月入住率"), description=_("售出间夜占可售间夜的比例")
    )
    values = [(row.figures.occupancy or Decimal(0)) * HUNDRED for row in rows]
    top = max(Decimal(HUNDRED), nice_top(max(values, default=Decimal(0))))
    _y_axis(chart, top, "percent")

    def stacks(row: Row[date]):
        value = (row.figures.occupancy or Decimal(0)) * HUNDRED
        label = f"{row.key:%Y-%m} {_('入住率')} {shown('percent', row.figures.occupancy)}"
        return [(value, "bar-occupancy", label)]

    _columns(chart, rows, stacks, top)
    return chart


def village_revenue_chart(rows: list[Row[str]]) -> Chart:
    """Horizontal bars: each village's net revenue, its collective share drawn inside it."""
    bar_height, gap = 22, 10
    chart = Chart(
        id="chart-village-revenue",
        title=_("各村净收入"),
        description=_("各村净收入,深色部分为村集体分成"),
        height=TOP + BOTTOM + len(rows) * (bar_height + gap),
        legend=[("bar-net", _("净收入")), ("bar-collective", _("村集体分成"))],
    )
    left = 120
    inner_w = Decimal(WIDTH - left - RIGHT - 72)
    top = nice_top(max((row.figures.net_revenue for row in rows), default=Decimal(0)))
    for index, row in enumerate(rows):
        y = Decimal(TOP + index * (bar_height + gap))
        net, collective = row.figures.net_revenue, row.figures.collective
        chart.labels.append(Text(_c(left - 8), _c(y + bar_height - 6), row.label, "end"))
        chart.labels.append(
            Text(
                _c(left + inner_w * max(net, Decimal(0)) / top + 6),
                _c(y + bar_height - 6),
                shown("money", net),
                "start",
            )
        )
        for value, css in ((net, "bar-net"), (collective, "bar-collective")):
            if value > 0:
                title = f"{row.label} {shown('money', value)}"
                chart.rects.append(
                    Rect(_c(left), _c(y), _c(inner_w * value / top), _c(bar_height), css, title)
                )
    return chart
