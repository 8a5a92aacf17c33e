"""CSV exports: every dashboard table and the dividend statement, as a spreadsheet opens them, without
any guest's personal data."""

import csv
import io
from datetime import date

import pytest

from tests import factories
from tests.bookings.revenue.helpers import cancel, paid_online, rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(db):
    village = factories.village(slug="yancun", name_zh_hans="严村")
    room_type = factories.room_type(
        room_count=2, homestay=factories.homestay(village=village, name_zh_hans="=葫芦小院")
    )
    rule(village, "0.10", "0.05")
    paid_online(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10), lead_guest_name="王秘密")
    cancel(paid_online(room_type, check_in=date(2026, 10, 6), check_out=date(2026, 10, 7)))
    return room_type


def rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


QUERY = "start=2026-09-01&end=2026-10-31"


def test_the_villages_table_exports_every_column_with_bilingual_headers(staff_client, booked):
    response = staff_client.get(f"/group/export/villages.csv?{QUERY}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="revenue-villages-20260901-20261031.csv"'
    header, village, total = rows(response)
    assert header[:8] == [
        "村庄 Village",
        "预订 Bookings",
        "间夜 Room-nights",
        "预订总额 Gross booking value",
        "退款 Refunds",
        "净收入 Net revenue",
        "平台佣金 Commission",
        "村集体分成 Collective share",
    ]
    assert village[:8] == ["严村", "1", "2", "600.00", "200.00", "400.00", "40.00", "20.00"]
    assert total[0] == "合计 Total" and total[1:] == village[1:]


def test_ratios_are_exported_as_plain_percentages(staff_client, booked):
    header, village, _total = rows(staff_client.get(f"/group/export/villages.csv?{QUERY}"))
    values = dict(zip(header, village, strict=True))
    assert values["入住率(%) Occupancy (%)"] == "1.64"  # 2 of 122 room-nights
    assert values["取消率(%) Cancellation rate (%)"] == "50.00"
    assert values["平均房价 ADR"] == "200.00"
    assert values["平均提前预订天数 Lead time (days)"] == "7.0"


def test_the_homestays_table_names_each_village_and_defuses_formulas(staff_client, booked):
    header, homestay, total = rows(staff_client.get(f"/group/export/homestays.csv?{QUERY}"))
    assert header[:2] == ["民宿 Homestay", "村庄 Village"]
    assert homestay[:2] == ["'=葫芦小院", "严村"]
    assert total[:2] == ["合计 Total", ""]


def test_the_months_table_has_a_row_per_month(staff_client, booked):
    _header, september, october, _total = rows(staff_client.get(f"/group/export/months.csv?{QUERY}"))
    assert (september[0], september[1], october[0], october[1]) == ("2026-09", "1", "2026-10", "0")
    assert october[4] == "200.00"


def test_no_guest_name_or_phone_is_exported(staff_client, booked):
    for url in (
        f"/group/export/villages.csv?{QUERY}",
        f"/group/export/homestays.csv?{QUERY}",
        f"/group/export/months.csv?{QUERY}",
        f"/group/villages/yancun/statement.csv?{QUERY}",
    ):
        text = staff_client.get(url).content.decode()
        assert "王秘密" not in text and "13800138000" not in text


def test_an_unknown_table_is_not_found(staff_client, booked):
    assert staff_client.get("/group/export/guests.csv").status_code == 404


def test_a_bad_period_is_refused_in_plain_words(staff_client, booked):
    response = staff_client.get("/group/export/villages.csv?start=2026-10-31&end=2026-10-01")
    assert response.status_code == 400
    assert "开始日期不能晚于结束日期" in response.content.decode()


def test_the_statement_exports_its_bookings_payouts_and_what_is_left(staff_client, staff, booked, clock):
    clock.set("2026-09-09 10:00")
    staff_client.force_login(staff)
    query = "start=2026-09-01&end=2026-09-08"
    staff_client.post(
        f"/group/villages/yancun/payouts/?{query}",
        {"amount": "15.00", "paid_on": "2026-09-09", "reference": "TR-001"},
    )
    response = staff_client.get(f"/group/villages/yancun/statement.csv?{query}")
    assert response["Content-Disposition"] == 'attachment; filename="dividends-yancun-20260901-20260908.csv"'
    table = rows(response)
    assert table[0][0] == "预订号 Booking"
    assert table[1][1:] == ["'=葫芦小院", "2026-09-08", "2026-09-10", "confirmed", "400.00", "20.00"]
    assert table[2] == ["合计 Total", "", "", "", "", "400.00", "20.00"]
    assert table[4:6] == [
        ["付款日期 Paid on", "转账单号 Reference", "说明 Note", "金额 Amount"],
        ["2026-09-09", "TR-001", "", "15.00"],
    ]
    assert table[-2:] == [["已付合计 Paid", "", "", "15.00"], ["未付 Outstanding", "", "", "5.00"]]


def test_a_statement_lists_only_bookings_that_owe_the_collective(staff_client, booked):
    table = rows(staff_client.get(f"/group/villages/yancun/statement.csv?{QUERY}"))
    assert [line[0] for line in table[1:3]] == [
        booked.bookings.order_by("check_in").first().reference,
        "合计 Total",
    ]


def test_a_date_that_does_not_exist_is_named_in_the_refusal(staff_client, booked):
    response = staff_client.get("/group/villages/yancun/statement.csv?start=2026-02-30&end=2026-03-31")
    assert response.status_code == 400
    assert "输入一个有效的日期" in response.content.decode()
