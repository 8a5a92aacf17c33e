"""Phone sign-in on a 360 px phone: a tourist signs up with a mobile number and the SMS code (read from
the development SMS backend) and books; a homestay owner signs in by SMS code and reaches the console."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from bookings.models import Booking
from common.clock import local_today
from common.models import UserPhone
from notifications.sms import console
from villages.models import Homestay, RoomType

from .helpers import assert_fits_phone, submit_booking


def last_code() -> str:
    return console.outbox[-1].params["code"]


def test_tourist_signs_up_by_phone_and_code_and_books(phone, shot):
    page = phone
    console.outbox.clear()
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    first_night = local_today() + timedelta(days=10)
    stay = f"check_in={first_night}&check_out={first_night + timedelta(days=1)}&guests=2&rooms=1"
    page.goto(f"/stays/{room.pk}/book/?{stay}")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="注册").first.click()
    page.locator("#id_phone").fill("138 1234 5678")
    page.locator("#id_password1").fill("jujube-cave-2026")
    page.locator("#id_password2").fill("jujube-cave-2026")
    assert_fits_phone(page)
    shot(page, "signup-by-phone")
    page.get_by_role("button", name="注册").click()

    expect(page).to_have_url(re.compile(r"/accounts/phone/verify/"))
    assert_fits_phone(page)
    shot(page, "verify-phone")
    [sms] = console.outbox
    assert sms.phone == "+8613812345678"
    page.locator("#id_code").fill(last_code())
    page.get_by_role("button", name="确认").click()

    expect(page.get_by_label("联系人姓名")).to_be_visible()
    page.get_by_label("联系人姓名").fill("李华")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("到店付款").check()
    shot(page, "book")
    submit_booking(page)

    expect(page.get_by_text("已确认").first).to_be_visible()
    assert_fits_phone(page)
    shot(page, "booked")
    booking = Booking.objects.get(user__phone__number="+8613812345678")
    assert booking.user is not None and booking.user.email == ""
    assert booking.status == Booking.Status.CONFIRMED
    assert page.js_errors == []


def test_owner_signs_in_by_sms_code(phone, shot):
    page = phone
    console.outbox.clear()
    owner = Homestay.objects.get(slug="loess-cave-courtyard").owner
    assert owner is not None
    UserPhone.objects.create(user=owner, number="+8613912345678", verified=True)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="发送登录代码给我").click()
    page.locator("#id_phone").fill("139 1234 5678")
    assert_fits_phone(page)
    shot(page, "request-code")
    page.get_by_role("button", name="请求码").click()
    page.locator("#id_code").fill(last_code())
    shot(page, "enter-code")
    page.get_by_role("button", name="确认").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))

    page.goto("/owner/")
    expect(page).to_have_url(re.compile(r"/owner/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits_phone(page)
    shot(page, "owner-console")
    assert page.js_errors == []
