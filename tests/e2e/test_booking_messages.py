"""Booking messages by SMS on a 360 px phone in WeChat's browser: a tourist signs up with a mobile number
and the SMS code, books, and gets the booking's text message; the homestay's owner, who has a verified
phone, gets the new-booking text, signs in by SMS code and finds the booking it named. Texts are read
from the development SMS backend (``console.outbox``), which renders each template as the phone shows it.
"""

import re
from datetime import timedelta

from playwright.sync_api import expect

from bookings.models import Booking
from common.clock import local_today
from common.models import UserPhone
from notifications.models import Notification
from notifications.sms import console
from villages.models import Homestay, RoomType

from .conftest import PHONE
from .helpers import assert_fits_phone, submit_booking

TOURIST, OWNER = "+8613812345678", "+8613912345678"


def texts_to(phone: str) -> list[str]:
    return [sms.text for sms in console.outbox if sms.phone == phone and "code" not in sms.params]


def last_code(phone: str) -> str:
    return [sms for sms in console.outbox if sms.phone == phone][-1].params["code"]


def test_tourist_books_by_phone_and_the_owner_is_texted_and_finds_the_booking(open_page, phone, shot):
    console.outbox.clear()
    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    assert homestay.owner is not None
    UserPhone.objects.create(user=homestay.owner, number=OWNER, verified=True)
    room = RoomType.objects.get(homestay=homestay, name_zh_hans="窑洞大床房")
    first_night = local_today() + timedelta(days=10)
    stay = f"check_in={first_night}&check_out={first_night + timedelta(days=2)}&guests=2&rooms=1"

    # The tourist: sign up with a number and the code, then book.
    page = phone
    page.goto(f"/stays/{room.pk}/book/?{stay}")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="注册").first.click()
    page.locator("#id_phone").fill("138 1234 5678")
    page.locator("#id_password1").fill("jujube-cave-2026")
    page.locator("#id_password2").fill("jujube-cave-2026")
    page.get_by_role("button", name="注册").click()
    expect(page).to_have_url(re.compile(r"/accounts/phone/verify/"))
    page.locator("#id_code").fill(last_code(TOURIST))
    page.get_by_role("button", name="确认").click()
    page.get_by_label("联系人姓名").fill("李华")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("到店付款").check()
    submit_booking(page)
    expect(page.get_by_text("已确认").first).to_be_visible()
    assert_fits_phone(page)
    shot(page, "booked")

    booking = Booking.objects.get(user__phone__number=TOURIST)
    ref, day = booking.reference, f"{first_night.month}月{first_night.day}日"
    assert texts_to(TOURIST) == [
        f"【离石乡村旅游】您在黄土窑洞院的预订{ref}已确认，{day}入住，共2晚，期待您的光临。"
    ]
    assert texts_to(OWNER) == [
        f"【离石乡村旅游】黄土窑洞院有新预订{ref}：{day}入住2晚1间，请在经营户中心查看。"
    ]
    sent = Notification.objects.filter(subject=f"booking:{ref}", channel="sms", status="sent")
    assert sent.count() == 2

    # The owner: sign in by SMS code on their own phone and open the booking the text named.
    owner_page = open_page(PHONE)
    owner_page.goto("/accounts/login/")
    owner_page.get_by_role("link", name="发送登录代码给我").click()
    owner_page.locator("#id_phone").fill("139 1234 5678")
    owner_page.get_by_role("button", name="请求码").click()
    owner_page.locator("#id_code").fill(last_code(OWNER))
    owner_page.get_by_role("button", name="确认").click()
    expect(owner_page).not_to_have_url(re.compile(r"/accounts/"))
    owner_page.goto("/owner/bookings/")
    owner_page.get_by_role("link", name=re.compile(ref)).first.click()
    expect(owner_page.get_by_role("heading", name=re.compile(ref))).to_be_visible()
    expect(owner_page.get_by_text("李华").first).to_be_visible()
    assert_fits_phone(owner_page)
    shot(owner_page, "owner-sees-the-booking")

    # The notification settings explain why the owner got a text.
    owner_page.goto("/notifications/")
    expect(
        owner_page.get_by_text(re.compile("新预订、预订申请、取消和付款会用短信发到您已验证的手机号"))
    ).to_be_visible()
    expect(owner_page.get_by_text(re.compile(r"139\*\*\*\*5678|\*\*\*5678")).first).to_be_visible()
    assert_fits_phone(owner_page)
    shot(owner_page, "owner-notification-settings")
    assert page.js_errors == [] and owner_page.js_errors == []
