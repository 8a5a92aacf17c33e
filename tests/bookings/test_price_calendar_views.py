"""The price calendar page: a month grid read without JavaScript, picking check-in then check-out with
links, and the links to it. The clock is frozen on Tuesday 1 September 2026, 10:00 Beijing time."""

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db


def calendar_url(room_type, **query) -> str:
    url = reverse("bookings:price_calendar", args=[room_type.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def cells(html: str) -> dict[str, str]:
    """Each day's cell by its night."""
    return dict(re.findall(r'<td class="pcal__day[^"]*" data-night="([\d-]+)">(.*?)</td>', html, re.S))


def link(cell: str) -> str | None:
    match = re.search(r'<a class="pcal__pick" href="([^"]+)"', cell)
    return match.group(1).replace("&amp;", "&") if match else None


def href(cell: str) -> str:
    """The cell's link, which it must have."""
    found = link(cell)
    assert found is not None, cell
    return found


def found(pattern: str, html: str) -> str:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match.group(1)


def test_calendar_shows_two_months_with_short_prices_to_anyone(client, room_type, holidays_2026):
    response = client.get(calendar_url(room_type))
    assert response.status_code == 200
    html = response.text
    assert "2026年9月" in html and "2026年10月" in html and "2026年11月" not in html.split("pcal-nav")[0]
    days = cells(html)
    assert len(days) == 30 + 31
    assert "¥200" in days["2026-09-01"] and "¥300" in days["2026-09-04"] and "¥500" in days["2026-09-30"]
    assert "今天" in days["2026-09-01"]
    assert "国庆节" in html and "节假日价" in days["2026-09-30"]  # the reason, for screen readers too
    assert html.count('<th scope="col"') == 14 and ">一</th>" in html and ">日</th>" in html


def test_first_tap_picks_the_check_in(client, room_type):
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    days = cells(client.get(calendar_url(room_type)).text)
    query = parse_qs(urlsplit(href(days["2026-09-07"])).query)
    assert query == {"month": ["2026-09"], "check_in": ["2026-09-07"], "guests": ["2"], "rooms": ["1"]}
    assert link(days["2026-09-08"]) is None
    assert "满" in days["2026-09-08"] and "不可选" in days["2026-09-08"]


def test_past_days_are_off(client, room_type, clock):
    clock.set("2026-09-15 09:00")
    days = cells(client.get(calendar_url(room_type)).text)
    assert link(days["2026-09-14"]) is None and "已过去" in days["2026-09-14"]
    assert "¥" not in days["2026-09-14"]
    assert link(days["2026-09-15"]) is not None


def test_then_the_check_out_days_link_to_the_booking_page(client, room_type):
    hold(room_type, check_in=date(2026, 9, 10), check_out=date(2026, 9, 11))
    response = client.get(calendar_url(room_type, check_in="2026-09-07", guests=1))
    days = cells(response.text)
    assert "请选择退房日期" in response.text
    targets = {night: link(cell) for night, cell in days.items() if link(cell)}
    assert sorted(targets) == ["2026-09-08", "2026-09-09", "2026-09-10"]
    url = urlsplit(targets["2026-09-10"])
    assert url.path == reverse("bookings:book", args=[room_type.pk])
    assert parse_qs(url.query) == {
        "check_in": ["2026-09-07"],
        "check_out": ["2026-09-10"],
        "guests": ["1"],
        "rooms": ["1"],
    }
    assert "中间有一晚房间不够" in days["2026-09-11"]
    assert "已选为入住日期" in days["2026-09-07"]


def test_a_check_in_without_a_month_shows_its_month(client, room_type):
    response = client.get(calendar_url(room_type, check_in="2026-10-20"))
    assert "2026-10-21" in cells(response.text) and "2026-09-01" not in cells(response.text)
    assert href(cells(response.text)["2026-10-21"]).startswith(reverse("bookings:book", args=[room_type.pk]))


def test_a_full_check_in_says_why_and_asks_again(client, room_type):
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    response = client.get(calendar_url(room_type, check_in="2026-09-08"))
    assert response.status_code == 200
    assert "这天不能入住" in response.text and "请选择入住日期" in response.text


def test_months_go_forward_but_not_before_this_month_nor_past_two_years(client, room_type):
    html = client.get(calendar_url(room_type)).text
    assert 'rel="prev"' not in html
    assert "month=2026-10" in found(r'<a href="([^"]+)" rel="next"', html)
    html = client.get(calendar_url(room_type, month="2026-11")).text
    assert "month=2026-10" in found(r'<a href="([^"]+)" rel="prev"', html)
    last = client.get(calendar_url(room_type, month="2028-08"))
    assert last.status_code == 200 and 'rel="next"' not in last.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"month": "2026-08"}, "只能查看本月到两年以内的月份"),
        ({"month": "2028-09"}, "只能查看本月到两年以内的月份"),
        ({"month": "2026-13"}, "请按“年-月”填写月份"),
        ({"month": "sept"}, "请按“年-月”填写月份"),
        ({"check_in": "2026-02-30"}, "请按“年-月-日”填写日期"),
        ({"guests": "3"}, "最多住2人"),
        ({"rooms": "2"}, "该房型只有1间"),
        ({"guests": "0"}, "至少需要1位客人"),
        ({"guests": "x"}, "请填写整数"),
    ],
)
def test_bad_input_is_explained_and_shows_this_month(client, room_type, query, message):
    response = client.get(calendar_url(room_type, **query))
    assert response.status_code == 400
    assert message in response.text
    assert "2026-09-01" in cells(response.text)


def test_a_room_type_not_for_sale_has_no_calendar(client, room_type):
    assert client.get(reverse("bookings:price_calendar", args=[room_type.pk + 1000])).status_code == 404
    room_type.is_active = False
    room_type.save()
    assert client.get(calendar_url(room_type)).status_code == 404


def test_today_is_beijings_late_at_night(client, room_type, clock):
    clock.set("2026-10-01 00:30")  # still 30 September in UTC
    response = client.get(calendar_url(room_type))
    days = cells(response.text)
    assert "2026-09-30" not in days and "2026-10-01" in days
    assert "今天" in days["2026-10-01"]


def test_the_homestay_page_links_each_room_type_to_its_calendar(client, room_type):
    other = factories.room_type(homestay=room_type.homestay)
    html = client.get(room_type.homestay.get_absolute_url()).text
    for room in (room_type, other):
        assert reverse("bookings:price_calendar", args=[room.pk]) in html
    assert "价格日历" in html


def test_the_booking_page_links_to_the_calendar_of_its_month_and_party(client, room_type):
    client.force_login(factories.user())
    response = client.get(
        reverse("bookings:book", args=[room_type.pk]) + "?check_in=2026-10-02&check_out=2026-10-03&guests=1"
    )
    address = found(rf'href="(/stays/{room_type.pk}/calendar/[^"]*)"', response.text)
    assert parse_qs(urlsplit(address.replace("&amp;", "&")).query) == {
        "month": ["2026-10"],
        "guests": ["1"],
        "rooms": ["1"],
    }
