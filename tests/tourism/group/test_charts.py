"""The server-drawn charts: scales, bars and labels from the dashboard's rows."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.revenue.figures import Figures
from bookings.revenue.selectors import Row
from tourism.group.charts import (
    BOTTOM,
    HEIGHT,
    TOP,
    month_occupancy_chart,
    month_revenue_chart,
    nice_top,
    village_revenue_chart,
)

D = Decimal
INNER = HEIGHT - TOP - BOTTOM


def month(day: date, **values) -> Row:
    return Row(day, day.isoformat(), Figures(**values))


@pytest.mark.parametrize(
    "largest, top",
    [
        (D("0"), D("4")),
        (D("1"), D("2")),
        (D("37"), D("40")),
        (D("1234.5"), D("2000")),
        (D("100000"), D("200000")),
    ],
)
def test_the_scale_ends_on_a_round_number_above_the_largest_value(largest, top):
    assert nice_top(largest) == top


def test_revenue_bars_stack_owner_collective_and_commission_to_the_net_revenue():
    rows = [
        month(date(2026, 9, 1), commission=D("40"), collective=D("20"), owner=D("340")),
        month(date(2026, 10, 1), commission=D("10"), collective=D("5"), owner=D("85")),
    ]
    chart = month_revenue_chart(rows)
    assert [rect.css for rect in chart.rects[:3]] == ["bar-owner", "bar-collective", "bar-commission"]
    september_height = sum(D(rect.height) for rect in chart.rects[:3])
    assert september_height == pytest.approx(D(INNER) * 400 / nice_top(D("400")), abs=D("0.2"))
    assert "¥340.00" in chart.rects[0].title
    assert [label.text for label in chart.labels] == ["2026-09", "10"]
    assert chart.ticks[-1][1].text == "400"


def test_months_are_labelled_with_the_year_on_january():
    rows = [month(date(2025, 12, 1)), month(date(2026, 1, 1)), month(date(2026, 2, 1))]
    assert [label.text for label in month_revenue_chart(rows).labels] == ["12", "2026-01", "02"]


def test_a_long_period_labels_every_few_months():
    rows = [month(date(2024 + m // 12, m % 12 + 1, 1)) for m in range(36)]
    assert len(month_occupancy_chart(rows).labels) == 12


def test_occupancy_is_drawn_on_a_scale_of_a_hundred_percent():
    chart = month_occupancy_chart([month(date(2026, 9, 1), room_nights=1, available=4)])
    (bar,) = chart.rects
    assert D(bar.height) == pytest.approx(D(INNER) / 4, abs=D("0.1"))
    assert chart.ticks[-1][1].text == "100%"


def test_a_period_without_data_draws_no_bars():
    chart = month_revenue_chart([month(date(2026, 9, 1))])
    assert chart.empty and chart.ticks


def test_each_village_gets_a_bar_with_its_collective_share_inside():
    rows = [
        Row("yancun", "严村", Figures(commission=D("10"), collective=D("5"), owner=D("85"))),
        Row("guihua", "归化村", Figures()),
    ]
    chart = village_revenue_chart(rows)
    net, collective = chart.rects  # the village without revenue has no bar
    assert (net.css, collective.css) == ("bar-net", "bar-collective")
    assert D(collective.width) == pytest.approx(D(net.width) * 5 / 100, abs=D("0.1"))
    assert [label.text for label in chart.labels] == ["严村", "¥100.00", "归化村", "¥0.00"]
