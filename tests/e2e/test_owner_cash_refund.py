"""On a phone: an owner whose guest paid at the homestay cancels the stay, hands the cash back and records
it; the guest is told. The owner also switches the notifications to English. Both forms are posted by a
real browser (Django's test client sends no Origin header, so it would not catch a CSRF refusal)."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.payments.models import Refund
from bookings.payments.services import payment_mark_paid_at_homestay
from bookings.services import booking_hold
from common.clock import local_today
from notifications.models import ContactPreference
from villages.models import RoomType

from .helpers import assert_fits_phone, sign_in

OWNER = "owner@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def test_owner_hands_back_cash_and_chooses_english_notifications(phone, shot):
    page = phone
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    tourist = get_user_model().objects.create_user("zhangli", "zhangli@example.cn", "loess-2026-pass")
    arrival = local_today() + timedelta(days=10)
    booking = booking_hold(
        room_type=room,
        check_in=arrival,
        check_out=arrival + timedelta(days=1),
        guests=2,
        user=tourist,
        lead_guest_name="张丽",
        lead_guest_phone="13912345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )
    payment_mark_paid_at_homestay(booking=booking)

    sign_in(page, OWNER, PASSWORD)
    page.goto(f"/owner/bookings/{booking.reference}/")
    page.get_by_label("原因").fill("房屋维修")
    page.get_by_role("button", name="取消这个预订").click()
    expect(page.get_by_role("button", name="现金已退还客人")).to_be_visible()
    assert Refund.objects.get(booking=booking).status == Refund.Status.PENDING
    assert_fits_phone(page)
    shot(page, "cash-to-hand-back")

    mail.outbox.clear()
    page.get_by_role("button", name="现金已退还客人").click()
    expect(page.get_by_text("已登记现金退还")).to_be_visible()
    assert Refund.objects.get(booking=booking).status == Refund.Status.SUCCEEDED
    assert any("退款已完成" in email.subject and email.to == [tourist.email] for email in mail.outbox)
    expect(page.locator("ol.events")).to_contain_text(re.compile("退款完成"))
    shot(page, "cash-handed-back")

    page.goto("/owner/")
    page.get_by_role("link", name="通知设置").click()
    page.get_by_label("English").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("通知设置已保存")).to_be_visible()
    assert ContactPreference.objects.get(user__email=OWNER).language == "en"
    assert_fits_phone(page)
    shot(page, "notification-settings")
    assert page.js_errors == []
