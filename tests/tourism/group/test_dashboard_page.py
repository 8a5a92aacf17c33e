"""The dashboard page: the period picker, figures, charts, and a query count that does not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.bookings.revenue.helpers import cancel, paid_online, rule

pytestmark = pytest.mark.django_db


def stay(check_in: date, nights: int = 2) -> dict:
    return {"check_in": check_in, "check_out": date.fromordinal(check_in.toordinal() + nights)}


@pytest.fixture
def rooms(db):
    room_type = factories.room_type(
        room_count=2,
        homestay=factories.homestay(village=factories.village(slug="yancun", name_zh_hans="严村")),
    )
    rule(room_type.homestay.village, "0.10", "0.05")
    return room_type


@pytest.fixture
def booked(rooms):
    paid_online(rooms, **stay(date(2026, 9, 8)))  # ¥400: ¥40 commission, ¥20 collective
    return rooms


def test_the_dashboard_shows_this_year_by_default(staff_client, booked):
    response = staff_client.get("/group/")
    page = response.content.decode()
    assert "2026-01-01 至 2026-12-31" in page
    assert response.context["report"].total.net_revenue == 400
    assert "¥400.00" in page and "¥20.00" in page


def test_the_village_links_to_its_dividend_statement_for_the_same_period(staff_client, booked):
    page = staff_client.get("/group/?preset=this_month").content.decode()
    assert "/group/villages/yancun/statement/?preset=custom&amp;start=2026-09-01&amp;end=2026-09-30" in page


def test_a_custom_period_counts_only_its_bookings(staff_client, booked):
    paid_online(booked, **stay(date(2026, 10, 6)))
    response = staff_client.get("/group/?preset=custom&start=2026-10-01&end=2026-10-31")
    assert response.status_code == 200
    assert response.context["report"].total.bookings == 1


def test_dates_alone_mean_a_custom_period(staff_client, booked):
    response = staff_client.get("/group/?start=2026-08-01&end=2026-08-31")
    assert response.context["report"].total.bookings == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("preset=custom&start=2026-10-01", "请填写开始和结束日期"),
        ("start=2026-10-31&end=2026-10-01", "开始日期不能晚于结束日期"),
        ("start=2020-01-01&end=2026-12-31", "时段最长三年"),
        ("start=2026-13-01&end=2026-12-31", "输入一个有效的日期"),
        ("preset=forever", "forever"),
    ],
)
def test_a_bad_period_is_explained_not_reported(staff_client, booked, query, message):
    response = staff_client.get(f"/group/?{query}")
    assert response.status_code == 400
    assert "report" not in response.context
    assert message in response.content.decode()


def test_this_month_is_the_month_in_beijing(staff_client, booked, clock):
    clock.set("2026-09-01 04:00")  # still 31 August in UTC
    period = staff_client.get("/group/?preset=this_month").context["report"].period
    assert (period.start, period.end) == (date(2026, 9, 1), date(2026, 9, 30))


def test_last_twelve_months_end_with_this_month(staff_client, booked):
    period = staff_client.get("/group/?preset=last_12_months").context["report"].period
    assert (period.start, period.end) == (date(2025, 10, 1), date(2026, 9, 30))


def test_the_charts_are_svg_drawn_on_the_server(staff_client, booked):
    page = staff_client.get("/group/?preset=this_month").content.decode()
    main = page.split("<main", 1)[1].split("</main>", 1)[0]  # the tab bar's icons are SVG too
    assert main.count("<svg") == 3
    assert 'class="bar-owner"' in page and 'class="bar-occupancy"' in page and 'class="bar-net"' in page
    assert "<script" not in page


def test_nothing_on_the_page_needs_an_inline_style(staff_client, booked):
    assert " style=" not in staff_client.get("/group/").content.decode()


def test_an_empty_period_says_so(staff_client, rooms):
    page = staff_client.get("/group/?start=2024-01-01&end=2024-01-31").content.decode()
    assert "这段时间还没有数据" in page


def test_the_english_dashboard_is_under_en(staff_client, booked):
    response = staff_client.get("/en/group/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/group/").status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_villages_and_bookings(staff_client, booked):
    few = _queries(staff_client)
    for _village in range(3):
        room_type = factories.room_type(room_count=3)
        rule(room_type.homestay.village, "0.12", "0.03")
        paid_online(room_type, **stay(date(2026, 9, 15)))
        cancel(paid_online(room_type, **stay(date(2026, 9, 22))))
    many = _queries(staff_client)
    assert many == few
    # 14 for the lodging figures (the bookings in two halves of the period; the nights, then those of
    # the bookings not sold), 1 for "needs attention", and for the shop and tickets the villages and one
    # a month (this year: 12; ``bookings.revenue.tally`` sums the sales a month at a time).
    assert few <= 28


def test_the_period_picker_shows_the_dates_of_the_chosen_period(staff_client, booked):
    page = staff_client.get("/group/?preset=last_month").content.decode()
    assert 'value="2026-08-01"' in page and 'value="2026-08-31"' in page
    assert '<option value="last_month" selected>' in page


def test_dates_typed_in_show_as_a_custom_period(staff_client, booked):
    page = staff_client.get("/group/?start=2026-09-01&end=2026-09-15").content.decode()
    assert '<option value="custom" selected>' in page
