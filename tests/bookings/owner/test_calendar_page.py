import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.calendar import calendar_close_rooms
from bookings.holidays import holidays_load
from bookings.models import Booking, RoomNight
from bookings.owner.selectors import room_type_month
from tests.bookings.helpers import counters, hold

pytestmark = pytest.mark.django_db

SEP_8, SEP_9 = date(2026, 9, 8), date(2026, 9, 9)


def url(room, **query) -> str:
    base = reverse("owner:room_calendar", kwargs={"pk": room.pk})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def day_cell(html: str, night: date) -> str:
    match = re.search(rf'data-night="{night:%Y-%m-%d}">(.*?)</td>', html, re.S)
    assert match, night
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[1])).strip()


def rows(room) -> list[tuple]:
    return list(RoomNight.objects.filter(room_type=room).order_by("night").values_list())


def test_each_night_shows_rooms_free_booked_held_closed_and_price(owner_client, room):
    hold(room, check_in=SEP_8, check_out=SEP_9, payment=Booking.Payment.AT_HOMESTAY)
    calendar_close_rooms(room_type=room, first_night=SEP_9, last_night=SEP_9, rooms_closed=1)
    hold(room, check_in=SEP_9, check_out=date(2026, 9, 10))
    html = owner_client.get(url(room, month="2026-09")).content.decode()
    assert day_cell(html, SEP_8) == "8 余1 ¥200 订1"
    assert day_cell(html, SEP_9) == "9 余0 ¥200 留1 关1"
    assert day_cell(html, date(2026, 9, 11)) == "11 余2 ¥300"


def test_legend_says_a_night_is_priced_by_the_day_after(owner_client, room):
    html = owner_client.get(url(room, month="2026-09")).content.decode()
    assert "每晚的价格看第二天:第二天是法定节假日(含假期中的周末)按节假日价" in html
    english = owner_client.get("/en" + url(room, month="2026-09")).content.decode()
    assert "A night is priced by the day after it" in english


def test_eve_of_national_day_shows_the_holiday_price_and_why(owner_client, room):
    holidays_load(years=[2026])
    room.holiday_price = Decimal("500.00")
    room.save(update_fields=["holiday_price"])
    html = owner_client.get(url(room, month="2026-09")).content.decode()
    assert day_cell(html, date(2026, 9, 30)) == "30 余2 ¥500"
    assert 'title="节假日价(次日放假) Holiday price (a holiday the next day)"' in html
    october = owner_client.get(url(room, month="2026-10")).content.decode()
    assert day_cell(october, date(2026, 10, 7)).startswith("7 余2 ¥200")  # last night of the break


def test_month_starting_on_a_tuesday_is_padded_from_monday(room):
    month = room_type_month(room_type=room, first=date(2026, 9, 1))
    assert month.weeks[0][0] is None
    first = month.weeks[0][1]
    assert first is not None and first.night == date(2026, 9, 1)
    last_week = [day.night for day in month.weeks[-1] if day]
    assert last_week == [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)]
    assert all(len(week) == 7 for week in month.weeks)


def test_month_starting_on_a_monday_has_no_padding_and_february_ends_on_the_28th(room):
    month = room_type_month(room_type=room, first=date(2027, 2, 1))
    first = month.weeks[0][0]
    assert first is not None and first.night == date(2027, 2, 1)
    assert len(month.weeks) == 4
    assert month.previous == date(2027, 1, 1)
    assert month.next == date(2027, 3, 1)


def test_december_links_to_january_of_the_next_year(room):
    month = room_type_month(room_type=room, first=date(2026, 12, 1))
    assert (month.previous, month.next) == (date(2026, 11, 1), date(2027, 1, 1))


def test_late_evening_in_beijing_is_still_the_last_day_of_the_month(client, owner, room, clock):
    clock.set("2026-09-30 23:30")
    client.force_login(owner)
    html = client.get(url(room)).content.decode()
    assert "2026年9月" in html
    assert 'day--today" data-night="2026-09-30"' in html


def test_just_after_midnight_in_beijing_is_the_next_month_though_utc_is_not(client, owner, room, clock):
    clock.set("2026-10-01 00:30")  # 2026-09-30 16:30 UTC
    client.force_login(owner)
    html = client.get(url(room)).content.decode()
    assert "2026年10月" in html
    assert 'day--today" data-night="2026-10-01"' in html
    assert "day--past" not in html


@pytest.mark.parametrize("month", ["2026-13", "garbage", "9999-12", "2026-9", ""])
def test_odd_month_shows_this_month(owner_client, room, month):
    response = owner_client.get(url(room, month=month))
    assert response.status_code == 200
    assert "2026年9月" in response.content.decode()


def test_tapping_a_night_fills_the_forms_with_it(owner_client, room):
    html = owner_client.get(url(room, month="2026-09", first="2026-09-08")).content.decode()
    assert re.search(r'name="first_night" value="2026-09-08"[^>]*id="id_close_first_night"', html)
    assert re.search(r'name="last_night" value="2026-09-08"[^>]*id="id_price_last_night"', html)
    assert re.search(r'name="rooms_closed" value="2"', html), "closing all rooms is the default"


def test_closing_rooms_on_a_range(owner_client, room):
    response = owner_client.post(
        url(room),
        {"action": "close", "first_night": "2026-09-08", "last_night": "2026-09-09", "rooms_closed": 2},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?month=2026-09")
    assert counters(room, SEP_8) == counters(room, SEP_9) == (0, 0, 2)


def test_closing_the_same_rooms_twice_is_the_same_as_once(owner_client, room):
    data = {"action": "close", "first_night": "2026-09-08", "last_night": "2026-09-09", "rooms_closed": 1}
    owner_client.post(url(room), data)
    after_once = rows(room)
    owner_client.post(url(room), data)
    assert rows(room) == after_once


def test_closing_more_rooms_than_free_is_refused_with_the_nights_and_changes_nothing(owner_client, room):
    hold(room, check_in=SEP_9, check_out=date(2026, 9, 10), payment=Booking.Payment.AT_HOMESTAY)
    before = rows(room)
    response = owner_client.post(
        url(room),
        {"action": "close", "first_night": "2026-09-08", "last_night": "2026-09-10", "rooms_closed": 2},
    )
    assert response.status_code == 409
    assert "9月9日" in response.content.decode()
    assert "9月8日" not in response.content.decode().split("没有做任何修改")[1].split("</")[0]
    assert rows(room) == before
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_opening_rooms_again(owner_client, room):
    calendar_close_rooms(room_type=room, first_night=SEP_8, last_night=SEP_9, rooms_closed=2)
    owner_client.post(
        url(room),
        {"action": "close", "first_night": "2026-09-08", "last_night": "2026-09-09", "rooms_closed": 0},
    )
    assert counters(room, SEP_8) == counters(room, SEP_9) == (0, 0, 0)


def test_setting_and_clearing_a_price(owner_client, room):
    data = {"action": "price", "first_night": "2026-09-08", "last_night": "2026-09-08", "price": "388"}
    owner_client.post(url(room), data)
    assert RoomNight.objects.get(room_type=room, night=SEP_8).price_override == Decimal("388.00")
    owner_client.post(url(room), {**data, "price": ""})
    assert RoomNight.objects.get(room_type=room, night=SEP_8).price_override is None


def test_setting_a_minimum_stay(owner_client, room):
    owner_client.post(
        url(room),
        {"action": "min_nights", "first_night": "2026-09-08", "last_night": "2026-09-09", "min_nights": 2},
    )
    html = owner_client.get(url(room, month="2026-09")).content.decode()
    assert "≥2晚" in day_cell(html, SEP_8)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "close", "first_night": "2026-09-09", "last_night": "2026-09-08", "rooms_closed": 1},
        {"action": "close", "first_night": "2026-09-08", "last_night": "2026-09-08", "rooms_closed": -1},
        {"action": "price", "first_night": "2026-09-08", "last_night": "2026-09-08", "price": "0"},
        {"action": "min_nights", "first_night": "2026-09-08", "last_night": "2026-09-08", "min_nights": 0},
        {"action": "close", "first_night": "2026-09-08", "last_night": "2028-09-08", "rooms_closed": 1},
        {"action": "close", "first_night": "2026-02-30", "last_night": "2026-09-08", "rooms_closed": 1},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(owner_client, room, data):
    assert owner_client.post(url(room), data).status_code == 400
    assert rows(room) == []


def test_past_nights_cannot_be_changed(owner_client, room):
    response = owner_client.post(
        url(room),
        {"action": "close", "first_night": "2026-08-31", "last_night": "2026-09-01", "rooms_closed": 1},
    )
    assert response.status_code == 400
    assert "已过去" in response.content.decode()
    assert rows(room) == []


def test_unknown_action_is_refused(owner_client, room):
    assert owner_client.post(url(room), {"action": "delete_everything"}).status_code == 400


def test_month_view_fits_a_phone_without_inline_styles(owner_client, room):
    html = owner_client.get(url(room)).content.decode()
    assert " style=" not in html
    assert 'name="viewport" content="width=device-width' in html
    assert "css/owner.css" in html
