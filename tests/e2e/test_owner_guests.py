"""A homestay owner on a phone registers the guests arriving today (实名登记) and checks them in; from
then on the booking shows their ID numbers masked."""

import re
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.models import Booking, Guest
from bookings.services import booking_hold
from common.clock import local_today
from villages.models import RoomType

from .helpers import assert_fits_phone, sign_in

OWNER = "owner@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"
# Resident ID numbers of 离石区 (141102) with a right check character (GB 11643).
WANG_FANG_ID = "141102199003071236"
LI_QIANG_ID = "14110219920815246X"


def test_owner_registers_the_guests_and_checks_them_in(phone, shot):
    page = phone
    today = local_today()
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    # Tonight stays bookable whatever time of day the test runs.
    RoomType.objects.filter(pk=room.pk).update(same_day_cutoff=time.max)
    tourist = get_user_model().objects.create_user("wangfang", "wangfang@example.cn", "loess-2026-pass")
    booking = booking_hold(
        room_type=room,
        check_in=today,
        check_out=today + timedelta(days=2),
        guests=2,
        user=tourist,
        lead_guest_name="王芳",
        lead_guest_phone="13812345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )
    assert booking.status == Booking.Status.CONFIRMED

    sign_in(page, OWNER, PASSWORD)
    page.get_by_role("link", name="经营户中心").first.click()
    page.get_by_role("link", name="预订", exact=True).first.click()
    page.get_by_role("link", name=re.compile(booking.reference)).first.click()
    expect(page.get_by_text("还没有登记入住人")).to_be_visible()
    page.get_by_role("link", name="登记入住人").click()
    expect(page.get_by_role("heading", name="入住登记")).to_be_visible()
    assert_fits_phone(page)

    first = page.get_by_role("group", name="第 1 位客人")
    second = page.get_by_role("group", name="第 2 位客人")
    first.get_by_label("姓名").fill("王芳")
    first.get_by_label("证件号码").fill(WANG_FANG_ID)
    first.get_by_label("主要联系人").check()
    second.get_by_label("姓名").fill("李强")
    second.get_by_label("证件号码").fill(LI_QIANG_ID.lower())  # typed with a small x
    shot(page, "guests-filled")
    page.get_by_role("button", name="保存登记").click()

    # Saved: the page comes back with the registration, the full numbers shown to the owner here only.
    expect(page.get_by_text("入住人已登记")).to_be_visible()
    expect(first.get_by_label("证件号码")).to_have_value(WANG_FANG_ID)
    expect(second.get_by_label("证件号码")).to_have_value(LI_QIANG_ID)
    assert_fits_phone(page)
    shot(page, "guests-saved")
    registered = Guest.objects.filter(booking=booking).order_by("pk")
    assert [(g.name, g.document_number, g.is_lead) for g in registered] == [
        ("王芳", WANG_FANG_ID, True),
        ("李强", LI_QIANG_ID, False),
    ]

    page.get_by_role("button", name="办理入住").click()
    expect(page.get_by_text("已办理入住")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CHECKED_IN

    # The booking page shows who stays, their numbers masked; the full numbers are nowhere on it.
    expect(page.get_by_role("heading", name=re.compile(booking.reference))).to_be_visible()
    guests = page.locator("li", has_text="王芳 (主要联系人)")
    expect(guests).to_contain_text("1411**********1236")
    expect(page.locator("li", has_text="李强")).to_contain_text("1411**********246X")
    html = page.content()
    assert WANG_FANG_ID not in html and LI_QIANG_ID not in html
    assert_fits_phone(page)
    shot(page, "checked-in")
    assert page.js_errors == []
