"""The dashboard shows the shop's and tickets' sales beside lodging, from the ledger."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.bookings.revenue.helpers import paid_online, rule
from tests.bookings.revenue.test_sectors import give_back, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(db):
    village = factories.village(slug="yancun", name_zh_hans="严村")
    rule(village, "0.10", "0.05")
    return village


def lodging(response):
    report = response.context["report"]
    return report.total, [(row.key, row.figures) for row in report.villages]


def test_the_shop_and_tickets_are_shown_with_their_figures(staff_client, village):
    sell(village, 1, date(2026, 9, 3), producer="1230.00", margin="210.00")
    order = sell(village, 2, date(2026, 9, 4), producer="80.00", margin="20.00")
    give_back(order, 2, producer="80.00", margin="20.00")
    sell(village, 3, date(2026, 9, 5), producer="30.00", margin="6.00", collective="14.00", sector="tickets")
    response = staff_client.get("/group/?preset=this_month")
    page = response.content.decode()
    assert response.status_code == 200
    shop = page[page.index('id="sector-shop"') : page.index('id="sector-tickets"')]
    tickets = page[page.index('id="sector-tickets"') :]
    assert "¥1,440.00" in shop and "¥210.00" in shop and "¥1,230.00" in shop and "严村" in shop
    assert "退货 1 笔" in shop and "¥1,540.00" in shop  # received, before the refund
    assert "¥50.00" in tickets and "¥14.00" in tickets


def test_sales_leave_the_lodging_figures_as_they_were(staff_client, village):
    room_type = factories.room_type(room_count=2, homestay=factories.homestay(village=village))
    paid_online(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10))
    before = lodging(staff_client.get("/group/?preset=this_month"))
    sell(village, 1, date(2026, 9, 8), producer="80.00", margin="20.00")
    sell(village, 2, date(2026, 9, 8), producer="30.00", margin="6.00", collective="14.00", sector="tickets")
    assert lodging(staff_client.get("/group/?preset=this_month")) == before
    assert before[0].net_revenue == 400


def test_a_period_without_sales_says_so(staff_client, village):
    sell(village, 1, date(2026, 8, 3), producer="80.00", margin="20.00")
    page = staff_client.get("/group/?preset=this_month").content.decode()
    shop = page[page.index('id="sector-shop"') : page.index('id="sector-tickets"')]
    assert "这段时间没有数据。" in shop and "¥0.00" in shop


def test_the_sales_are_one_query_of_the_page_however_many(staff_client, village):
    for n in range(20):
        sell(village, n, date(2026, 9, 3), producer="8.00", margin="2.00")
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get("/group/?preset=this_month")
    assert response.context["sectors"][0].total.sales == 20
    reads = [
        q["sql"] for q in queries.captured_queries if "ledgerentry" in q["sql"] and '"sector" IN' in q["sql"]
    ]
    assert len(reads) == 1
