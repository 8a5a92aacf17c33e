"""WeChat subscription messages as the ``wechat`` channel (notifications/wechat.py): a booking's notices
sent with the mini-program's templates against the fake WeChat server, only what the person accepted,
one message per acceptance, and the fallbacks to SMS or e-mail when WeChat cannot carry a message."""

import copy
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from bookings import notices, usecases
from bookings.activity import Source
from bookings.models import Booking
from bookings.transitions import GUEST
from common.models import WeChatOpenId
from common.wechat_ids import wechat_link
from notifications import wechat
from notifications.models import Channel, ContactPreference, Notification, WeChatSubscription
from notifications.services import notification_deliver
from tests import factories
from tests.common.fake_wechat_mini import VALUE_RULES, mini_program
from tests.conftest import WECHAT_TEST_APPS
from tests.notifications.fakes import SMS_CHANNEL, SmsChannel

pytestmark = pytest.mark.django_db
Status = Notification.Status
OA, MINI = WECHAT_TEST_APPS
IDS = {
    "booking_status": "BookingStatusTpl-0123456789abcdefghij",
    "refund": "RefundTpl-0123456789abcdefghijklmnop",
    "stay_reminder": "StayReminderTpl-0123456789abcdefgh",
    "owner_booking": "OwnerBookingTpl-0123456789abcdefgh",
}
STATUS_TEMPLATE = IDS["booking_status"]
# A homestay and room with names as long as the catalogue allows (80 and 60 characters).
LONG_HOMESTAY = "彩家庄村明清古院落精品民宿·枣林乡传统四合院修缮改造示范项目" * 2
LONG_ROOM = "二楼朝南带独立卫生间和观景露台的家庭套房（可加床）" * 2


@pytest.fixture
def mini(fake_wechat, settings):
    """The mini-program with its four templates, and the wechat channel on beside e-mail and SMS."""
    templates = copy.deepcopy(django_settings.WECHAT_SUBSCRIBE_TEMPLATES)
    for purpose, spec in templates.items():
        spec["id"] = IDS[purpose]
    settings.WECHAT_SUBSCRIBE_TEMPLATES = templates
    settings.NOTIFICATION_CHANNELS = {
        "email": "notifications.channels.EmailChannel",
        "sms": SMS_CHANNEL,
        "wechat": "notifications.wechat.WeChatChannel",
    }
    fake = mini_program(fake_wechat, MINI)
    for spec in templates.values():
        fake.template(spec["id"], list(spec["data"]))
    return fake


def wechat_person(mini, *, email="guest@example.com", phone="", channel=Channel.WECHAT):
    user = factories.user(email=email)
    openid = mini.openid_of(mini.person())
    wechat_link(user, appid=MINI, kind=WeChatOpenId.Kind.MINI_PROGRAM, openid=openid, unionid=f"U-{user.pk}")
    ContactPreference.objects.create(user=user, channel=channel, language="zh-hans")
    if phone:
        SmsChannel.numbers[user.pk] = phone
    return user, openid


def accepted(mini, user, openid, *template_ids):
    """The person taps "allow" in the mini-program (WeChat notes it), which then tells our API."""
    for template_id in template_ids:
        mini.accept(openid, template_id)
        wechat.subscriptions_record(user=user, results={template_id: "accept"})


@pytest.fixture
def room():
    owner = factories.user(username="host", email="owner@example.com")
    homestay = factories.homestay(owner=owner, name_zh_hans=LONG_HOMESTAY[:80])
    return factories.room_type(homestay=homestay, room_count=3, name_zh_hans=LONG_ROOM[:60])


def book(room, user, django_capture_on_commit_callbacks, *, check_in=None) -> Booking:
    check_in = check_in or timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        return usecases.booking_place(
            actor=usecases.Actor(GUEST, Source.API, user),
            room_type=room,
            check_in=check_in,
            check_out=check_in + timedelta(days=3),
            guests=2,
            lead_guest_name="张三",
            lead_guest_phone="13912345678",
            payment=Booking.Payment.AT_HOMESTAY,
        ).booking


def guest_notice(booking) -> Notification:
    return Notification.objects.get(event="booking.confirmed", subject=f"booking:{booking.reference}")


def test_a_confirmed_booking_is_sent_as_the_accepted_subscription_message(
    mini, room, django_capture_on_commit_callbacks
):
    user, openid = wechat_person(mini)
    accepted(mini, user, openid, STATUS_TEMPLATE)

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.address) == (Channel.WECHAT, Status.SENT, openid)
    [sent] = mini.sent
    assert notice.provider_id == "3000000001"
    assert sent["touser"] == openid and sent["template_id"] == STATUS_TEMPLATE
    assert sent["page"] == f"pages/booking/detail?reference={booking.reference}"
    data = {key: value["value"] for key, value in sent["data"].items()}
    day_in, day_out = (f"{d.year}年{d.month}月{d.day}日" for d in (booking.check_in, booking.check_out))
    assert data == {
        "character_string1": booking.reference,
        "thing2": LONG_HOMESTAY[:19] + "…",
        "date3": f"{day_in}~{day_out}",
        "phrase4": "已确认",
        "thing5": "预订成功，期待您的到来",
    }
    assert wechat.subscriptions_left(user=user)[STATUS_TEMPLATE] == 0


def test_without_an_accepted_template_the_message_goes_by_email(
    mini, room, django_capture_on_commit_callbacks, mailoutbox
):
    user, _openid = wechat_person(mini)

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.address) == (
        Channel.EMAIL,
        Status.SENT,
        "guest@example.com",
    )
    assert notice.last_error.startswith("wechat → email: ") and "not subscribed" in notice.last_error
    assert mini.sent == [] and not any(r[1].endswith("subscribe/send") for r in mini.fake.requests)
    [email] = [m for m in mailoutbox if m.to == ["guest@example.com"]]
    assert booking.reference in email.subject


def test_one_acceptance_carries_one_message_and_the_next_falls_back(
    mini, room, django_capture_on_commit_callbacks
):
    user, openid = wechat_person(mini)
    accepted(mini, user, openid, STATUS_TEMPLATE)

    first = book(room, user, django_capture_on_commit_callbacks)
    second = book(
        room, user, django_capture_on_commit_callbacks, check_in=first.check_in + timedelta(days=10)
    )

    assert guest_notice(first).channel == Channel.WECHAT
    assert guest_notice(second).channel == Channel.EMAIL
    assert len(mini.sent) == 1


def test_refused_in_wechat_is_recorded_and_the_message_goes_by_sms_to_a_phone_without_email(
    mini, room, django_capture_on_commit_callbacks
):
    user, openid = wechat_person(mini, email="", phone="+8613912345678")
    accepted(mini, user, openid, STATUS_TEMPLATE, STATUS_TEMPLATE)
    mini.refuse(openid, STATUS_TEMPLATE)  # turned off in WeChat's settings since

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.address) == (Channel.SMS, Status.SENT, "+8613912345678")
    assert "43101" in notice.last_error
    subscription = WeChatSubscription.objects.get()
    assert subscription.remaining == 0 and subscription.refused_at is not None
    assert [address for address, _message in SmsChannel.sent] == ["+8613912345678"]


def test_an_openid_wechat_does_not_know_falls_back(mini, room, django_capture_on_commit_callbacks):
    user, openid = wechat_person(mini)
    accepted(mini, user, openid, STATUS_TEMPLATE)
    mini.openids.discard(openid)

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert notice.channel == Channel.EMAIL and notice.status == Status.SENT and "40003" in notice.last_error


def test_refused_with_no_other_way_to_reach_the_person_fails_and_says_why(
    mini, room, django_capture_on_commit_callbacks
):
    user, openid = wechat_person(mini, email="")
    accepted(mini, user, openid, STATUS_TEMPLATE)
    mini.refuse(openid, STATUS_TEMPLATE)

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status) == (Channel.WECHAT, Status.FAILED)
    assert "43101" in notice.last_error


@pytest.mark.parametrize("trouble", ["busy", "timeout"])
def test_busy_or_slow_wechat_is_retried_with_the_acceptance_kept(
    mini, room, django_capture_on_commit_callbacks, trouble, settings
):
    user, openid = wechat_person(mini)
    accepted(mini, user, openid, STATUS_TEMPLATE)
    if trouble == "busy":
        mini.fake.fail("/cgi-bin/message/subscribe/send", -1)
    else:
        settings.WECHAT_API_TIMEOUT = (0.5, 0.5)
        mini.fake.delay = 0.8

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.attempts) == (Channel.WECHAT, Status.PENDING, 1)
    assert notice.last_error.startswith("wechat: ")
    assert wechat.subscriptions_left(user=user)[STATUS_TEMPLATE] == 1
    mini.fake.delay = 0
    settings.WECHAT_API_TIMEOUT = (3, 3)
    Notification.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())

    notification_deliver(notification_id=notice.pk)

    notice.refresh_from_db()
    assert (notice.status, notice.channel, notice.last_error) == (Status.SENT, Channel.WECHAT, "")
    assert notice.provider_id and len(mini.sent) == 1


def test_a_person_without_the_mini_program_is_reached_by_email(
    mini, room, django_capture_on_commit_callbacks
):
    user = factories.user(email="web@example.com")
    ContactPreference.objects.create(user=user, channel=Channel.WECHAT, language="zh-hans")

    booking = book(room, user, django_capture_on_commit_callbacks)

    assert guest_notice(booking).channel == Channel.EMAIL and mini.sent == []


def test_the_channel_is_off_without_the_mini_program_or_templates(settings_under):
    base = {"WECHAT_MINI_APPID": "wx0mini000000000002", "WECHAT_MINI_SECRET": "secret"}
    templates = {f"WECHAT_TEMPLATE_{p.upper()}": None for p in IDS}

    assert "wechat" not in settings_under(**base, **templates)["NOTIFICATION_CHANNELS"]
    on = settings_under(**base, **{**templates, "WECHAT_TEMPLATE_REFUND": "RefundTpl-1"})
    assert on["NOTIFICATION_CHANNELS"]["wechat"] == "notifications.wechat.WeChatChannel"
    off = settings_under(WECHAT_MINI_APPID=None, **{**templates, "WECHAT_TEMPLATE_REFUND": "RefundTpl-1"})
    assert "wechat" not in off["NOTIFICATION_CHANNELS"]


def test_without_the_mini_program_keys_nobody_has_a_wechat_address(mini, settings):
    user, _openid = wechat_person(mini)
    assert wechat.WeChatChannel().address_for(user)
    settings.WECHAT_APPS = {OA: WECHAT_TEST_APPS[OA]}

    assert wechat.WeChatChannel().address_for(user) == ""


# Template values within WeChat's limits.

EVENTS = [
    *notices.GUEST_STATE.values(),
    notices.REFUND_SENT,
    notices.REFUND_COMPLETED,
    notices.REMINDER,
    notices.OWNER_NEW,
    notices.OWNER_REQUEST,
    notices.OWNER_CANCELLED,
    notices.OWNER_PAID,
    notices.OWNER_CASH_REFUND,
]


@pytest.mark.parametrize("event", EVENTS)
def test_every_booking_event_has_a_template_and_fits_its_limits(mini, room, event):
    guest = factories.user(email="guest@example.com")
    booking = Booking.objects.create(
        reference="HKZX7QWA",
        user=guest,
        homestay=room.homestay,
        room_type=room,
        check_in=date(2026, 12, 31),
        check_out=date(2027, 1, 3),
        guests=4,
        rooms=2,
        total=Decimal("12880.00"),
        status=Booking.Status.CONFIRMED,
        lead_guest_name="欧阳娜娜",
        lead_guest_phone="13912345678",
        hold_expires_at=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )
    notification = Notification(
        key=f"{event}:x",
        event=event,
        subject=notices.subject_of(booking),
        role="owner" if ".owner_" in event else "guest",
        recipient=guest,
        channel=Channel.WECHAT,
        address="o-x",
        language="en",
        context={"amount": "9999999.99", "cash": False},
    )

    message = notices.render(notification)
    assert message is not None

    spec = wechat.template_for(event)
    assert spec is not None, f"no template carries {event}"
    data = wechat.template_data(spec, message.facts)
    for keyword, value in data.items():
        kind = keyword.rstrip("0123456789")
        assert VALUE_RULES[kind](value["value"]), (keyword, value)
    assert set(data) == set(mini.templates[spec["id"]])


@pytest.mark.parametrize(
    ("keyword", "value", "expected"),
    [
        ("thing1", "一" * 25, "一" * 19 + "…"),
        ("thing1", "  短  名 ", "短 名"),
        ("character_string2", "预订ABCD-2345", "ABCD-2345"),
        ("phrase3", "已确认 Confirmed", "已确认"),
        ("phrase3", "请尽快完成支付", "请尽快完成"),
        ("amount4", Decimal("1280.5"), "¥1280.50"),
        ("date5", date(2027, 2, 1), "2027年2月1日"),
        ("date5", (date(2027, 2, 1), date(2027, 2, 3)), "2027年2月1日~2027年2月3日"),
        ("name6", "欧阳娜娜娜娜娜娜娜娜娜", "欧阳娜娜娜娜娜娜娜娜"),
        ("name6", "Alexandra Konstantinopoulou", "Alexandra Konstantin"),
    ],
)
def test_values_are_fitted_to_wechats_rules(keyword, value, expected):
    fitted = wechat.field_value(keyword, value)
    assert fitted == expected
    assert VALUE_RULES[keyword.rstrip("0123456789")](fitted)


def test_an_amount_wechat_cannot_show_is_refused_not_cut():
    with pytest.raises(ValueError):
        wechat.field_value("amount1", Decimal("123456789012.00"))


# The mini-program records what the person accepted.

SUBSCRIPTIONS = "/api/miniprogram/subscriptions"


def api(method, token, body=None):
    client = Client(HTTP_X_SESSION_TOKEN=token)
    if method == "get":
        return client.get(SUBSCRIPTIONS)
    return client.post(SUBSCRIPTIONS, json.dumps(body), content_type="application/json")


@pytest.fixture
def token(mini):
    response = Client().post(
        "/api/miniprogram/login", json.dumps({"code": mini.person()}), content_type="application/json"
    )
    return response.json()["session_token"]


def test_the_app_learns_which_templates_to_ask_for(token):
    body = api("get", token).json()

    assert body["enabled"] is True
    assert {t["purpose"]: (t["template_id"], t["remaining"]) for t in body["templates"]} == {
        purpose: (template_id, 0) for purpose, template_id in IDS.items()
    }


def test_accepted_templates_are_counted_and_the_rest_ignored(token):
    results = {
        "errMsg": "requestSubscribeMessage:ok",
        IDS["booking_status"]: "accept",
        IDS["refund"]: "reject",
        IDS["stay_reminder"]: "ban",
        "SomeoneElsesTemplate": "accept",
    }

    api("post", token, {"results": results})
    body = api("post", token, {"results": {IDS["booking_status"]: "accept", IDS["refund"]: "filter"}}).json()

    left = {t["purpose"]: t["remaining"] for t in body["templates"]}
    assert left == {"booking_status": 2, "refund": 0, "stay_reminder": 0, "owner_booking": 0}
    assert not WeChatSubscription.objects.filter(template_id="SomeoneElsesTemplate").exists()


def test_someone_signed_in_without_the_mini_program_records_nothing(mini):
    user = factories.user(password="Lishi-zaolin-2024")
    client = Client()
    client.force_login(user)

    response = client.post(
        SUBSCRIPTIONS,
        json.dumps({"results": {IDS["refund"]: "accept"}}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert not WeChatSubscription.objects.exists()


def test_recording_needs_a_signed_in_person(mini):
    response = Client().post(SUBSCRIPTIONS, json.dumps({"results": {}}), content_type="application/json")

    assert response.status_code == 401


def test_without_templates_there_is_nothing_to_ask_for(token, settings):
    settings.WECHAT_SUBSCRIBE_TEMPLATES = {}

    assert api("get", token).json() == {"enabled": False, "templates": []}


def test_a_template_set_up_for_facts_the_message_lacks_falls_back_without_using_an_acceptance(
    mini, room, django_capture_on_commit_callbacks, settings
):
    settings.WECHAT_SUBSCRIBE_TEMPLATES["booking_status"]["data"]["thing6"] = "guest_nickname"
    user, openid = wechat_person(mini)
    accepted(mini, user, openid, STATUS_TEMPLATE)

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status) == (Channel.EMAIL, Status.SENT)
    assert "guest_nickname" in notice.last_error
    assert wechat.subscriptions_left(user=user)[STATUS_TEMPLATE] == 1 and mini.sent == []
