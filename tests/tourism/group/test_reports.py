"""The group's reports (/group/reports/): visitors and guest-nights, home provinces (counts only, small
counts hidden), revenue by sector, each as a page table, CSV and XLSX."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from bookings.guests import GuestDetails
from bookings.ledger import Account, Kind, Sector, Source, ledger_post
from bookings.revenue.periods import Period
from bookings.revenue.selectors import dashboard
from bookings.services import booking_mark_no_show, guests_register
from tests import factories
from tests.bookings.revenue.helpers import cancel, rule
from tests.guest_ids import resident_id
from tests.tourism.group.report_world import arrive, stay
from tests.xlsx import first_sheet
from tourism.group.reports import provinces_sheet, revenue_sheet, visitors_sheet

pytestmark = pytest.mark.django_db

SEP, OCT = date(2026, 9, 1), date(2026, 10, 1)
QUERY = "start=2026-09-01&end=2026-10-31"
PERIOD = Period(date(2026, 9, 1), date(2026, 10, 31))
SHANXI = [resident_id("14", serial=n) for n in (101, 102, 113)]
BEIJING = resident_id("11", serial=124)


@pytest.fixture
def villages(db):
    yancun = factories.village(slug="yancun", name_zh_hans="严村", name_en="Yancun", order=1)
    guihua = factories.village(slug="guihua", name_zh_hans="=归化村", name_en="Guihua", order=2)
    rule(yancun, "0.10", "0.05")
    rule(guihua, "0.10", "0.05")
    return yancun, guihua


@pytest.fixture
def rooms(villages):
    yancun, guihua = villages
    return (
        factories.room_type(homestay=factories.homestay(village=yancun), capacity=4, room_count=3),
        factories.room_type(homestay=factories.homestay(village=guihua), capacity=4, room_count=3),
    )


@pytest.fixture
def stays(rooms, clock):
    """In 严村: 3 guests from Shanxi across the turn of the month (29 Sep to 2 Oct, checked out), 1 from
    Beijing and 1 passport holder (8 Sep, in house); booked, cancelled and no-show stays that never
    arrived. In 归化村: 2 guests without registration (10 Oct)."""
    yancun_room, guihua_room = rooms
    across = stay(yancun_room, date(2026, 9, 29), date(2026, 10, 2), guests=3)
    early = stay(yancun_room, date(2026, 9, 8), date(2026, 9, 9), guests=2)
    stay(yancun_room, date(2026, 9, 20), date(2026, 9, 21), guests=4)  # confirmed, never arrived
    cancel(stay(yancun_room, date(2026, 9, 21), date(2026, 9, 22), guests=4))
    guihua = stay(guihua_room, date(2026, 10, 10), date(2026, 10, 12), guests=2)
    arrive(clock, early, [("李四", "resident_id", BEIJING), ("John Smith", "passport", "E12345678")])
    arrive(clock, across, [(f"王{n}", "resident_id", number) for n, number in enumerate(SHANXI)], leave=True)
    arrive(clock, guihua)
    return across, early, guihua


def by_labels(sheet, labels: int = 2) -> dict[tuple, list]:
    return {tuple(row[:labels]): list(row[labels:]) for row in sheet.rows}


# --- visitors and guest-nights ---------------------------------------------------------------------


def test_visitors_count_arrived_guests_by_arrival_month_and_guest_nights_by_each_night(stays):
    sheet = visitors_sheet(PERIOD)
    rows = by_labels(sheet)
    assert [heading.zh for heading in sheet.headings] == ["村庄", "指标", "2026-09", "2026-10", "合计"]
    assert rows["严村", "人次 Visitors"] == [5, 0, 5]  # 3 + 2, the cancelled and unarrived not counted
    assert rows["严村", "人夜 Guest-nights"] == [3 * 2 + 2 * 1, 3 * 1, 11]  # 29th, 30th | 1st October
    assert rows["=归化村", "人次 Visitors"] == [0, 2, 2]
    assert rows["=归化村", "人夜 Guest-nights"] == [0, 4, 4]
    assert rows["合计 Total", "人次 Visitors"] == [5, 2, 7]
    assert rows["合计 Total", "人夜 Guest-nights"] == [8, 7, 15]


def test_a_period_cut_inside_a_month_counts_only_its_nights(stays):
    rows = by_labels(visitors_sheet(Period(date(2026, 9, 30), date(2026, 10, 1))))
    assert rows["严村", "人次 Visitors"] == [0, 0, 0]  # arrived on the 29th, before the period
    assert rows["严村", "人夜 Guest-nights"] == [3, 3, 6]


def test_a_no_show_is_no_visitor(rooms, clock):
    booking = stay(rooms[0], date(2026, 9, 8), date(2026, 9, 9))
    clock.set("2026-09-10 10:00")
    booking_mark_no_show(booking=booking)
    assert by_labels(visitors_sheet(PERIOD))["严村", "人次 Visitors"] == [0, 0, 0]


# --- home provinces --------------------------------------------------------------------------------


def test_provinces_are_counted_from_id_numbers_and_small_counts_are_hidden(stays):
    sheet = provinces_sheet(PERIOD)
    assert [heading.zh for heading in sheet.headings] == ["来源地", "来源地(英文)", "严村", "=归化村"]
    assert [heading.en for heading in sheet.headings][2:] == ["Yancun", "Guihua"]
    assert by_labels(sheet) == {
        ("北京", "Beijing"): ["<3", 0],
        ("山西", "Shanxi"): [3, 0],
        ("护照(外籍等)", "Passport holders (foreign and others)"): ["<3", 0],
    }


def test_hong_kong_macao_and_taiwan_permits_are_their_own_groups(rooms, clock):
    booking = stay(rooms[0], date(2026, 9, 8), date(2026, 9, 9), guests=4)
    arrive(
        clock,
        booking,
        [("陈一", "hk_macao_permit", "H12345678"), ("林二", "taiwan_permit", "12345678")],
    )
    rows = by_labels(provinces_sheet(PERIOD))
    assert rows["港澳居民", "Hong Kong and Macao residents"] == ["<3", 0]
    assert rows["台湾居民", "Taiwan residents"] == ["<3", 0]


def test_guests_of_stays_that_did_not_arrive_are_not_counted(rooms, clock):
    booking = stay(rooms[0], date(2026, 9, 8), date(2026, 9, 9), guests=3)
    guests_register(booking=booking, guests=[GuestDetails(f"王{n}", "resident_id", n) for n in SHANXI])
    assert provinces_sheet(PERIOD).rows == []


# --- revenue by sector -----------------------------------------------------------------------------


def sale(village, amount: str, on: date, *, sector=Sector.SHOP, n: int = 1, reverse: bool = False):
    money = Decimal(amount)
    sign = -1 if reverse else 1
    ledger_post(
        source=Source(
            reference=f"{sector}_order:{n}", sector=sector, village=village, on=on, party="producer:7"
        ),
        kind=Kind.SALE_REVERSED if reverse else Kind.SALE,
        key=f"{sector}-{n}-{'reversed' if reverse else 'sale'}",
        lines=[
            (Account.GUEST, sign * money),
            (Account.PRODUCER_PAYABLE, -sign * (money - Decimal("10.00"))),
            (Account.PLATFORM_COMMISSION, -sign * Decimal("10.00")),
        ],
    )


def test_lodging_revenue_matches_the_dashboard_village_by_village_and_month_by_month(stays, villages):
    rows = by_labels(revenue_sheet(PERIOD))
    report = dashboard(period=PERIOD)
    assert report.total.net_revenue > 0
    for row in report.villages:
        assert rows[row.label, "住宿 Lodging"][-1] == row.figures.net_revenue
    for index, month in enumerate(report.months):
        assert (
            rows["严村", "住宿 Lodging"][index] + rows["=归化村", "住宿 Lodging"][index]
            == month.figures.net_revenue
        )
        assert rows["合计 Total", "住宿 Lodging"][index] == month.figures.net_revenue
    assert rows["=归化村", "住宿 Lodging"][0] == Decimal("0.00") < rows["=归化村", "住宿 Lodging"][1]
    assert rows["合计 Total", "住宿 Lodging"][-1] == report.total.net_revenue


def test_shop_and_ticket_sales_count_by_village_and_day_less_reversals(stays, villages):
    yancun, guihua = villages
    sale(yancun, "100.00", date(2026, 9, 30), n=1)
    sale(yancun, "50.00", date(2026, 10, 1), n=2)
    sale(yancun, "50.00", date(2026, 10, 3), n=2, reverse=True)
    sale(guihua, "80.00", date(2026, 10, 5), sector=Sector.TICKETS, n=3)
    sale(guihua, "999.00", date(2026, 11, 1), sector=Sector.TICKETS, n=4)  # after the period
    ledger_post(  # a payment received moves cash, it earns nothing
        source=Source(reference="shop_order:5", sector=Sector.SHOP, village=yancun, on=date(2026, 9, 30)),
        kind=Kind.PAYMENT_RECEIVED_SALE,
        key="shop-5-payment",
        lines=[(Account.CASH_PROVIDER, Decimal("70.00")), (Account.GUEST, Decimal("-70.00"))],
    )
    rows = by_labels(revenue_sheet(PERIOD))
    assert rows["严村", "商城 Shop"] == [Decimal("100.00"), Decimal("0.00"), Decimal("100.00")]
    assert rows["严村", "门票 Tickets"] == [Decimal("0.00")] * 3
    assert rows["=归化村", "门票 Tickets"] == [Decimal("0.00"), Decimal("80.00"), Decimal("80.00")]
    lodging = rows["严村", "住宿 Lodging"]
    assert rows["严村", "小计 Subtotal"] == [
        lodging[0] + Decimal("100.00"),
        lodging[1],
        lodging[2] + Decimal("100.00"),
    ]
    assert rows["合计 Total", "门票 Tickets"] == [Decimal("0.00"), Decimal("80.00"), Decimal("80.00")]


# --- the page and the downloads --------------------------------------------------------------------


def test_staff_see_the_three_reports_with_their_downloads(stays, staff_client):
    response = staff_client.get(f"/group/reports/?{QUERY}")
    assert response.status_code == 200
    text = response.text
    for title in ("游客人次和人夜", "游客来源地", "分板块收入"):
        assert title in text
    for report in ("visitors", "provinces", "revenue"):
        for file_format in ("xlsx", "csv"):
            assert f"/group/reports/{report}.{file_format}?preset=custom&amp;start=2026-09-01" in text
    assert "&lt;3" in text and "¥" in text
    # Sub-totals and totals stand out: 2 villages' sub-totals, 4 revenue and 2 visitor totals.
    assert text.count('class="group-report-total"') == 2 + 4 + 2


def test_the_page_never_shows_a_name_or_a_document_number(stays, staff_client):
    bodies = [staff_client.get(f"/group/reports/?{QUERY}").content]
    for report in ("visitors", "provinces", "revenue"):
        bodies.append(staff_client.get(f"/group/reports/{report}.csv?{QUERY}").content)
        sheet = first_sheet(staff_client.get(f"/group/reports/{report}.xlsx?{QUERY}").content)
        cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
        bodies.append("\n".join(cells).encode())
    for body in bodies:
        for secret in (*SHANXI, BEIJING, "E12345678", "李四", "John Smith", "王0", "张三", "13800138000"):
            assert secret.encode() not in body


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_a_bom_bilingual_headers_and_plain_numbers(stays, staff_client):
    response = staff_client.get(f"/group/reports/visitors.csv?{QUERY}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="visitors-20260901-20261031.csv"'
    header, *rows = csv_rows(response)
    assert header == ["村庄 Village", "指标 Measure", "2026-09 2026-09", "2026-10 2026-10", "合计 Total"]
    assert ["严村", "人次 Visitors", "5", "0", "5"] in rows
    assert ["'=归化村", "人次 Visitors", "0", "2", "2"] in rows  # a formula-looking name stays text
    revenue = csv_rows(staff_client.get(f"/group/reports/revenue.csv?{QUERY}"))
    assert all(cell.count(".") == 1 and len(cell.split(".")[1]) == 2 for cell in revenue[1][2:])


def test_the_xlsx_has_chinese_and_english_headers_numbers_and_money_formats(stays, staff_client):
    response = staff_client.get(f"/group/reports/revenue.xlsx?{QUERY}")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        response["Content-Disposition"] == 'attachment; filename="revenue-by-sector-20260901-20261031.xlsx"'
    )
    sheet = first_sheet(response.content)
    assert [cell.value for cell in sheet[1]] == ["村庄", "板块", "2026-09", "2026-10", "合计"]
    assert [cell.value for cell in sheet[2]] == ["Village", "Sector", "2026-09", "2026-10", "Total"]
    lodging = sheet[3]
    assert lodging[0].value == "严村" and lodging[1].value == "住宿 Lodging"
    assert isinstance(lodging[2].value, (int, float)) and lodging[2].number_format == "#,##0.00"
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert "=归化村" in names  # written as text, not as a formula
    subtotal = next(row for row in sheet.iter_rows(min_row=3) if row[1].value == "小计 Subtotal")
    assert subtotal[0].value == "严村" and subtotal[2].font.bold and not lodging[2].font.bold
    guihua = next(row for row in sheet.iter_rows(min_row=3) if row[0].value == "=归化村")
    assert guihua[0].data_type == "s"
    visitors = first_sheet(staff_client.get(f"/group/reports/visitors.xlsx?{QUERY}").content)
    assert visitors["C3"].value == 5 and visitors["C3"].data_type == "n"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/group/reports/nothing.csv", 404),
        ("/group/reports/visitors.pdf", 404),
        ("/group/reports/visitors.csv?start=2026-10-01&end=2026-09-01", 400),
        ("/group/reports/?start=2026-10-01&end=2026-09-01", 400),
        ("/group/reports/register.csv", 404),  # no group-wide guest register
    ],
)
def test_bad_addresses_and_periods_are_refused(staff_client, url, status):
    assert staff_client.get(url).status_code == status


@pytest.mark.parametrize("url", ["/group/reports/", "/group/reports/provinces.xlsx"])
def test_only_staff_open_the_reports(client, url):
    assert client.get(url).status_code == 302
    client.force_login(factories.user())
    assert client.get(url).status_code == 403


def test_an_empty_period_shows_zeros_and_no_provinces(staff_client, villages):
    response = staff_client.get("/group/reports/?start=2025-01-01&end=2025-01-31")
    assert response.status_code == 200
    assert "这段时间没有数据" in response.text  # the provinces table is empty
