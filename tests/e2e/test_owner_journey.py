"""A homestay owner on a phone: sees a new booking, records the payment taken at the homestay, closes
nights and changes a price, and tourists see both."""

import re
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.models import Booking, RoomNight
from bookings.services import booking_hold
from common.clock import local_today
from villages.models import RoomType

from .helpers import assert_fits_phone, fill_date, sign_in

OWNER = "owner@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def test_owner_takes_payment_closes_nights_and_changes_a_price(phone, shot):
    page = phone
    today = local_today()
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    tourist = get_user_model().objects.create_user("wangfang", "wangfang@example.cn", "loess-2026-pass")
    booking = booking_hold(
        room_type=room,
        check_in=today + timedelta(days=1),
        check_out=today + timedelta(days=3),
        guests=2,
        user=tourist,
        lead_guest_name="王芳",
        lead_guest_phone="13812345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )

    sign_in(page, OWNER, PASSWORD)
    page.get_by_role("link", name="经营户中心").first.click()
    expect(page.get_by_role("heading", name="民宿经营户中心")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "console")

    # The new booking: tomorrow's guests pay at the homestay, and the owner records the payment.
    page.get_by_role("link", name="预订", exact=True).first.click()
    page.get_by_role("link", name=re.compile(booking.reference)).first.click()
    expect(page.get_by_text("王芳").first).to_be_visible()
    shot(page, "arrival")
    page.get_by_role("button", name=re.compile("客人已到店付款")).click()
    expect(page.get_by_role("button", name=re.compile("客人已到店付款"))).to_have_count(0)
    assert_fits_phone(page)
    shot(page, "paid")
    booking.refresh_from_db()
    assert booking.is_paid and booking.status == Booking.Status.CONFIRMED

    # Next week: close one of the three rooms for two nights and raise the price of the first.
    first = today + timedelta(days=7)
    page.get_by_role("link", name="经营户中心").first.click()
    page.locator(f'a[href="/owner/rooms/{room.pk}/calendar/"]').click()
    expect(page.get_by_role("heading", name="房态日历")).to_be_visible()
    fill_date(page.locator("#id_close_first_night"), first)
    fill_date(page.locator("#id_close_last_night"), first + timedelta(days=1))
    page.locator("#id_close_rooms_closed").fill("1")
    page.get_by_role("button", name="保存房间开关").click()
    fill_date(page.locator("#id_price_first_night"), first)
    fill_date(page.locator("#id_price_last_night"), first)
    page.locator("#id_price_price").fill("399")
    page.get_by_role("button", name="保存价格").click()
    day = page.locator(f'td[data-night="{first.isoformat()}"]')
    expect(day).to_contain_text("关1")
    expect(day).to_contain_text("399")
    expect(page.locator(f'td[data-night="{(first + timedelta(days=1)).isoformat()}"]')).to_contain_text("关1")
    assert_fits_phone(page)
    shot(page, "calendar-changed")

    closed = RoomNight.objects.get(room_type=room, night=first)
    assert (closed.rooms_closed, closed.price_override) == (1, Decimal("399.00"))

    # A tourist asking for that night is quoted the new price.
    next_day = first + timedelta(days=1)
    page.goto(f"/stays/{room.pk}/book/?check_in={first}&check_out={next_day}&guests=2&rooms=1")
    expect(page.locator("table.quote tbody tr").first).to_contain_text("¥399.00")
    shot(page, "tourist-sees-new-price")
    assert page.js_errors == []
