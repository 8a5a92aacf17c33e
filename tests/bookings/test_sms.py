# ruff: noqa: E501 (the expected messages are whole lines of Chinese text, easier to read unbroken)
"""The text messages of booking notifications (bookings.sms): every event's text, within one SMS of 70
characters with the longest realistic values and within Aliyun's 35 characters a parameter; and a
guest who signed up by phone, and an owner with a verified phone, told by SMS through the use cases.

The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time (tests/bookings/conftest.py); the
stay is 8 to 10 September."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from bookings import usecases
from bookings.activity import Source
from bookings.models import Booking
from bookings.sms import EVENT_TEMPLATES, TEMPLATES, booking_sms
from bookings.transitions import GUEST, OWNER
from common.models import UserPhone
from notifications.models import Notification
from notifications.sms import console
from notifications.sms.templates import PARAM_LIMIT, SMS_SINGLE_LIMIT, sms_templates
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, SHANGHAI

pytestmark = pytest.mark.django_db
GUEST_PHONE, OWNER_PHONE = "+8613912345678", "+8613800138000"
LONG_NAME = "离石区枣林乡彩家庄村明清古院落特色精品民宿（原赵家大院）"


@pytest.fixture(autouse=True)
def empty_outbox():
    console.outbox.clear()


def texts_to(phone: str) -> list[str]:
    return [sms.text for sms in console.outbox if sms.phone == phone]


def longest_booking() -> Booking:
    """A booking with the longest values a message may carry: the homestay's long name, a date with two
    two-digit numbers, a month of nights, many rooms."""
    homestay = factories.homestay(
        name_zh_hans=LONG_NAME,
        name_en="Caijiazhuang Ming and Qing courtyard homestay (the former Zhao family house)",
    )
    room_type = factories.room_type(homestay=homestay)
    return Booking(
        reference="ABCD2345",
        homestay=homestay,
        room_type=room_type,
        check_in=date(2026, 12, 28),
        check_out=date(2027, 1, 27),
        rooms=12,
        guests=24,
        total=Decimal("99999.99"),
        hold_expires_at=datetime(2026, 12, 31, 23, 59, tzinfo=SHANGHAI),
    )


CASES = [(event, False) for event in EVENT_TEMPLATES] + [("booking.refund_sent", True)]


@pytest.mark.parametrize(("event", "cash"), CASES)
def test_every_message_fits_one_sms_with_the_longest_values(event, cash):
    content = booking_sms(event, longest_booking(), context={"amount": "99999.99", "cash": cash})
    template = sms_templates()[content.template]

    text = template.render(content.params)

    assert len(text) <= SMS_SINGLE_LIMIT, text
    assert text.startswith(f"【{settings.SMS_SIGN_NAME}】")
    assert set(content.params) == set(template.params)
    assert all(0 < len(value) <= PARAM_LIMIT for value in content.params.values()), content.params
    assert "${" not in text


def test_every_template_is_registered_has_a_code_and_is_unique():
    names = [template.name for template in TEMPLATES]

    assert len(set(names)) == len(names)
    assert set(EVENT_TEMPLATES.values()) | {"booking_refund_cash"} == set(names)
    for name in names:
        assert name in sms_templates()
        assert settings.SMS_TEMPLATES[name]
    assert len(set(settings.SMS_TEMPLATES.values())) == len(settings.SMS_TEMPLATES)


EXPECTED = {
    "booking.held": "【离石乡村旅游】您在离石区枣林乡彩家庄村明…的预订ABCD2345待付款，请于12月31日23:59前完成支付，逾期自动取消。",
    "booking.requested": "【离石乡村旅游】您在离石区枣林乡彩家庄村明…的预订申请ABCD2345已提交，民宿确认后会再通知您。",
    "booking.confirmed": "【离石乡村旅游】您在离石区枣林乡彩家庄村明…的预订ABCD2345已确认，12月28日入住，共30晚，期待您的光临。",
    "booking.cancelled": "【离石乡村旅游】您在离石区枣林乡彩家庄村明…的预订ABCD2345已取消。如有退款，我们会另行通知。",
    "booking.expired": "【离石乡村旅游】您在离石区枣林乡彩家庄村明…的预订ABCD2345已过期，房间已释放，欢迎重新预订。",
    "booking.refund_sent": "【离石乡村旅游】预订ABCD2345的99999.99元退款已发出，将按原付款方式退回。",
    "booking.refund_completed": "【离石乡村旅游】预订ABCD2345的99999.99元已退还给您。",
    "booking.reminder": "【离石乡村旅游】您预订的离石区枣林乡彩家庄村明…明天入住（预订号ABCD2345），地址和电话请见预订详情。",
    "booking.owner_new": "【离石乡村旅游】离石区枣林乡彩家庄村明…有新预订ABCD2345：12月28日入住30晚12间，请在经营户中心查看。",
    "booking.owner_request": "【离石乡村旅游】离石区枣林乡彩家庄村明…有预订申请ABCD2345，12月28日入住，请于12月31日23:59前在经营户中心处理。",
    "booking.owner_cancelled": "【离石乡村旅游】预订ABCD2345（12月28日入住）已取消，房间已重新开放。",
    "booking.owner_paid": "【离石乡村旅游】预订ABCD2345的客人已在线支付99999.99元。",
    "booking.owner_cash_refund": "【离石乡村旅游】请将预订ABCD2345的99999.99元现金退还客人，并在经营户中心登记已退还。",
}


@pytest.mark.parametrize("event", EXPECTED)
def test_what_each_event_says(event):
    content = booking_sms(event, longest_booking(), context={"amount": "99999.99", "cash": False})

    assert sms_templates()[content.template].render(content.params) == EXPECTED[event]


def test_a_cash_refund_tells_the_guest_the_host_hands_it_back():
    content = booking_sms(
        "booking.refund_sent", longest_booking(), context={"amount": "400.00", "cash": True}
    )

    text = sms_templates()[content.template].render(content.params)
    assert text == "【离石乡村旅游】预订ABCD2345的400.00元将由民宿以现金退还给您，登记后会再通知您。"


def test_a_guest_who_booked_in_english_still_gets_the_chinese_name_of_the_homestay():
    booking = longest_booking()
    booking.language = "en"

    content = booking_sms("booking.confirmed", booking, context={})

    assert content.params["homestay"].startswith("离石区")


# Through the use cases


@pytest.fixture
def phone_guest(db):
    """A tourist who signed up by phone: no e-mail address."""
    user = factories.user(username="phone-guest", email="")
    UserPhone.objects.create(user=user, number=GUEST_PHONE, verified=True)
    return user


@pytest.fixture
def phone_owner(owner):
    UserPhone.objects.create(user=owner, number=OWNER_PHONE, verified=True)
    return owner


@pytest.fixture
def homestay(phone_owner):
    return factories.homestay(owner=phone_owner, name_zh_hans="枣林窑洞小院")


def place(room_type, user, *, payment=Booking.Payment.AT_HOMESTAY) -> Booking:
    return usecases.booking_place(
        actor=usecases.Actor(GUEST, Source.WEB, user),
        room_type=room_type,
        check_in=ARRIVAL,
        check_out=DEPARTURE,
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13912345678",
        payment=payment,
        language="zh-hans",
    ).booking


def test_an_instant_booking_texts_the_phone_guest_and_the_owner(homestay, phone_guest, committed):
    room = factories.room_type(homestay=homestay)

    with committed():
        booking = place(room, phone_guest)

    ref = booking.reference
    assert texts_to(GUEST_PHONE) == [
        f"【离石乡村旅游】您在枣林窑洞小院的预订{ref}已确认，9月8日入住，共2晚，期待您的光临。"
    ]
    assert texts_to(OWNER_PHONE) == [
        f"【离石乡村旅游】枣林窑洞小院有新预订{ref}：9月8日入住2晚1间，请在经营户中心查看。"
    ]
    assert mail.outbox == []  # the owner has an e-mail address too: SMS is their default
    sent = Notification.objects.filter(subject=f"booking:{ref}")
    assert set(sent.values_list("channel", "status")) == {("sms", "sent")}
    assert all(notification.provider_id.startswith("console-") for notification in sent)


def test_a_request_texts_the_owner_the_deadline_and_the_guest_its_receipt(homestay, phone_guest, committed):
    homestay.instant_book = False
    homestay.save()
    room = factories.room_type(homestay=homestay)

    with committed():
        booking = place(room, phone_guest)

    assert booking.hold_expires_at is not None
    deadline = booking.hold_expires_at.astimezone(SHANGHAI)
    assert texts_to(GUEST_PHONE) == [
        f"【离石乡村旅游】您在枣林窑洞小院的预订申请{booking.reference}已提交，民宿确认后会再通知您。"
    ]
    [to_owner] = texts_to(OWNER_PHONE)
    assert f"请于{deadline.month}月{deadline.day}日{deadline:%H:%M}前在经营户中心处理" in to_owner


def test_an_owner_cancelling_a_cash_booking_texts_the_cash_refund_to_both(homestay, phone_guest, committed):
    room = factories.room_type(homestay=homestay)
    with committed():
        booking = place(room, phone_guest)
        usecases.booking_paid_at_homestay(
            booking=booking, actor=usecases.Actor(OWNER, Source.CONSOLE, homestay.owner)
        )
    console.outbox.clear()

    with committed():
        usecases.booking_cancel(
            booking=Booking.objects.get(pk=booking.pk),
            actor=usecases.Actor(OWNER, Source.CONSOLE, homestay.owner),
            reason="房屋漏水",
        )

    ref = booking.reference
    assert sorted(texts_to(GUEST_PHONE)) == sorted(
        [
            f"【离石乡村旅游】您在枣林窑洞小院的预订{ref}已取消。如有退款，我们会另行通知。",
            f"【离石乡村旅游】预订{ref}的400.00元将由民宿以现金退还给您，登记后会再通知您。",
        ]
    )
    assert texts_to(OWNER_PHONE) == [
        f"【离石乡村旅游】请将预订{ref}的400.00元现金退还客人，并在经营户中心登记已退还。"
    ]


def test_the_reminder_the_day_before_arrival_is_texted(homestay, phone_guest, clock, committed):
    room = factories.room_type(homestay=homestay)
    with committed():
        booking = place(room, phone_guest)
    console.outbox.clear()
    clock.set("2026-09-07 09:00")

    with committed():
        call_command("booking_reminders", stdout=StringIO())

    assert texts_to(GUEST_PHONE) == [
        f"【离石乡村旅游】您预订的枣林窑洞小院明天入住（预订号{booking.reference}），地址和电话请见预订详情。"
    ]


def test_an_owner_without_a_verified_phone_is_told_by_e_mail(owner, phone_guest, committed):
    room = factories.room_type(homestay=factories.homestay(owner=owner))

    with committed():
        place(room, phone_guest)

    assert [email.to for email in mail.outbox] == [["owner@example.com"]]
    assert texts_to(GUEST_PHONE) and texts_to(OWNER_PHONE) == []
