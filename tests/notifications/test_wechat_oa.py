"""The official account's subscription notices (订阅通知, bizsend) as a route of the ``wechat`` channel
(notifications/wechat.py), against the fake WeChat server: who gets them, which app is preferred when a
person has both, and their delivery recorded from WeChat's push."""

import copy
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.test import Client

from common.models import WeChatOpenId
from common.wechat_ids import wechat_link
from notifications import wechat
from notifications.models import Channel, ContactPreference, Notification, WeChatSubscription
from tests import factories
from tests.common import fake_wechat_push as push
from tests.common.fake_wechat_mini import VALUE_RULES, mini_program
from tests.common.fake_wechat_oa import official_account
from tests.conftest import WECHAT_TEST_APPS
from tests.notifications.fakes import SMS_CHANNEL
from tests.notifications.test_wechat import EVENTS, IDS, LONG_HOMESTAY, LONG_ROOM, book, guest_notice

pytestmark = pytest.mark.django_db
Status = Notification.Status
OA, MINI = WECHAT_TEST_APPS
OA_IDS = {purpose: f"Oa{template_id}" for purpose, template_id in IDS.items()}
SITE = "https://lishi-tourism.example.cn"


@pytest.fixture
def room():
    owner = factories.user(username="host", email="owner@example.com")
    homestay = factories.homestay(owner=owner, name_zh_hans=LONG_HOMESTAY[:80])
    return factories.room_type(homestay=homestay, room_count=3, name_zh_hans=LONG_ROOM[:60])


@pytest.fixture
def apps(fake_wechat, settings):
    """Both apps with all their templates, the wechat channel beside e-mail and SMS, and the push on."""
    mini_templates = copy.deepcopy(django_settings.WECHAT_SUBSCRIBE_TEMPLATES)
    oa_templates = copy.deepcopy(django_settings.WECHAT_OA_SUBSCRIBE_TEMPLATES)
    for purpose in IDS:
        mini_templates[purpose]["id"], oa_templates[purpose]["id"] = IDS[purpose], OA_IDS[purpose]
    settings.WECHAT_SUBSCRIBE_TEMPLATES = mini_templates
    settings.WECHAT_OA_SUBSCRIBE_TEMPLATES = oa_templates
    settings.NOTIFICATION_CHANNELS = {
        "email": "notifications.channels.EmailChannel",
        "sms": SMS_CHANNEL,
        "wechat": "notifications.wechat.WeChatChannel",
    }
    settings.SITE_URL = SITE + "/"
    settings.WECHAT_PUSH_TOKEN = push.TOKEN
    mini, oa = mini_program(fake_wechat, MINI), official_account(fake_wechat, OA)
    for purpose in IDS:
        mini.template(IDS[purpose], list(mini_templates[purpose]["data"]))
        oa.template(OA_IDS[purpose], list(oa_templates[purpose]["data"]))
    return mini, oa


def person(apps, *, in_mini=False, in_oa=True, email="guest@example.com"):
    """Someone who signed in through WeChat (so WeChat is how they signed up): openids per app."""
    mini, oa = apps
    user = factories.user(email=email)
    openids = {}
    if in_mini:
        openids[MINI] = mini.openid_of(mini.person())
        wechat_link(user, appid=MINI, kind=WeChatOpenId.Kind.MINI_PROGRAM, openid=openids[MINI], unionid="U1")
    if in_oa:
        openids[OA] = oa.person()
        wechat_link(user, appid=OA, kind=WeChatOpenId.Kind.OFFICIAL_ACCOUNT, openid=openids[OA], unionid="U1")
    return user, openids


def pushed(body: bytes):
    return Client().post(f"/wechat/push/?{urlencode(push.signed())}", data=body, content_type="text/xml")


def oa_accepts(apps, openid, purpose="booking_status"):
    """The person taps 允许 in the official account's pop-up; WeChat notes it and pushes it to us."""
    apps[1].accept(openid, OA_IDS[purpose])
    assert pushed(push.popup(openid, {OA_IDS[purpose]: "accept"})).status_code == 200


def mini_accepts(apps, user, openid, purpose="booking_status"):
    apps[0].accept(openid, IDS[purpose])
    wechat.subscriptions_record(user=user, results={IDS[purpose]: "accept"})


def test_a_guest_of_the_official_account_gets_their_booking_as_its_notice_and_its_delivery_is_recorded(
    apps, room, django_capture_on_commit_callbacks
):
    _mini, oa = apps
    user, openids = person(apps)
    oa_accepts(apps, openids[OA])

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.address) == (Channel.WECHAT, Status.SENT, openids[OA])
    [sent] = oa.sent
    assert sent["touser"] == openids[OA] and sent["template_id"] == OA_IDS["booking_status"]
    assert sent["page"] == f"{SITE}/bookings/{booking.reference}/"
    assert "miniprogram_state" not in sent
    data = {key: value["value"] for key, value in sent["data"].items()}
    assert data["thing2"] == LONG_HOMESTAY[:19] + "…" and data["phrase4"] == "已确认"
    assert notice.provider_id == "4000000001" and notice.delivered_at is None

    pushed(push.sent(openids[OA], (OA_IDS["booking_status"], notice.provider_id, 0, "success")))

    notice.refresh_from_db()
    assert notice.delivered_at is not None


def test_someone_in_both_apps_hears_in_the_mini_program(apps, room, django_capture_on_commit_callbacks):
    mini, oa = apps
    user, openids = person(apps, in_mini=True)
    mini_accepts(apps, user, openids[MINI])
    oa_accepts(apps, openids[OA])

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.address) == (Channel.WECHAT, Status.SENT, openids[MINI])
    assert len(mini.sent) == 1 and oa.sent == []


def test_with_no_acceptance_left_in_the_mini_program_the_official_account_carries_it(
    apps, room, django_capture_on_commit_callbacks
):
    mini, oa = apps
    user, openids = person(apps, in_mini=True)
    oa_accepts(apps, openids[OA])

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.last_error) == (Channel.WECHAT, Status.SENT, "")
    assert mini.sent == [] and [s["touser"] for s in oa.sent] == [openids[OA]]


def test_refused_in_the_mini_program_the_official_account_carries_it(
    apps, room, django_capture_on_commit_callbacks
):
    mini, oa = apps
    user, openids = person(apps, in_mini=True)
    mini_accepts(apps, user, openids[MINI])
    oa_accepts(apps, openids[OA])
    mini.refuse(openids[MINI], IDS["booking_status"])

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status, notice.provider_id) == (Channel.WECHAT, Status.SENT, "4000000001")
    assert mini.sent == [] and len(oa.sent) == 1
    assert wechat.subscriptions_left(user=user)[IDS["booking_status"]] == 0


def test_an_event_the_mini_program_has_no_template_for_goes_by_the_official_account(
    apps, room, django_capture_on_commit_callbacks, settings
):
    mini, oa = apps
    settings.WECHAT_SUBSCRIBE_TEMPLATES = {"refund": settings.WECHAT_SUBSCRIBE_TEMPLATES["refund"]}
    user, openids = person(apps, in_mini=True)
    mini_accepts(apps, user, openids[MINI], "refund")
    oa_accepts(apps, openids[OA])

    booking = book(room, user, django_capture_on_commit_callbacks)

    assert guest_notice(booking).status == Status.SENT
    assert mini.sent == [] and [s["template_id"] for s in oa.sent] == [OA_IDS["booking_status"]]


def test_refused_in_the_official_account_is_recorded_and_falls_back_to_email(
    apps, room, django_capture_on_commit_callbacks, mailoutbox
):
    _mini, oa = apps
    user, openids = person(apps)
    oa_accepts(apps, openids[OA])
    oa.refuse(openids[OA], OA_IDS["booking_status"])  # turned off in WeChat since

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status) == (Channel.EMAIL, Status.SENT)
    assert "43101" in notice.last_error
    subscription = WeChatSubscription.objects.get()
    assert subscription.remaining == 0 and subscription.refused_at is not None
    assert any(m.to == ["guest@example.com"] for m in mailoutbox)


def test_without_an_acceptance_in_either_app_the_guest_is_written_to(
    apps, room, django_capture_on_commit_callbacks
):
    mini, oa = apps
    user, _openids = person(apps, in_mini=True)

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.channel, notice.status) == (Channel.EMAIL, Status.SENT)
    assert "not subscribed" in notice.last_error and mini.sent == [] and oa.sent == []


def test_without_templates_of_the_official_account_its_followers_have_no_wechat_address(apps, settings):
    user, _openids = person(apps)
    assert wechat.WeChatChannel().address_for(user)
    settings.WECHAT_OA_SUBSCRIBE_TEMPLATES = {}

    assert wechat.WeChatChannel().address_for(user) == ""


def test_an_answer_without_a_msgid_is_sent_with_none_recorded(apps, room, django_capture_on_commit_callbacks):
    _mini, oa = apps
    oa.msgid = False
    user, openids = person(apps)
    oa_accepts(apps, openids[OA])

    booking = book(room, user, django_capture_on_commit_callbacks)

    notice = guest_notice(booking)
    assert (notice.status, notice.provider_id) == (Status.SENT, "")


def test_the_channel_is_on_with_the_official_account_and_one_of_its_templates(settings_under):
    base = {"WECHAT_OA_APPID": "wx0fa0000000000001", "WECHAT_OA_SECRET": "secret", "WECHAT_MINI_APPID": None}
    off = {f"WECHAT_{app}TEMPLATE_{p.upper()}": None for p in IDS for app in ("", "OA_")}

    assert "wechat" not in settings_under(**base, **off)["NOTIFICATION_CHANNELS"]
    on = settings_under(**base, **{**off, "WECHAT_OA_TEMPLATE_REFUND": "OaRefundTpl-1"})
    assert on["NOTIFICATION_CHANNELS"]["wechat"] == "notifications.wechat.WeChatChannel"
    assert on["WECHAT_OA_SUBSCRIBE_TEMPLATES"]["refund"]["id"] == "OaRefundTpl-1"
    assert on["WECHAT_OA_SUBSCRIBE_TEMPLATES"]["booking_status"]["id"] == ""
    no_secret = settings_under(
        **{**base, "WECHAT_OA_SECRET": None}, **{**off, "WECHAT_OA_TEMPLATE_REFUND": "x"}
    )
    assert "wechat" not in no_secret["NOTIFICATION_CHANNELS"]


@pytest.mark.parametrize("event", EVENTS)
def test_every_booking_event_has_a_template_of_the_official_account_opening_the_site(apps, event):
    spec = wechat.template_for(event, wechat.oa_templates())

    assert spec is not None
    page = wechat._page(wechat.apps()[1], spec, {"reference": "HKZX7QWA"})
    owner = spec["id"] == OA_IDS["owner_booking"]
    assert page == f"{SITE}/{'owner/' if owner else ''}bookings/HKZX7QWA/"
    assert all(keyword.rstrip("0123456789") in VALUE_RULES for keyword in spec["data"])


def test_an_owner_in_the_official_account_is_told_of_a_new_booking_with_the_console_page(
    apps, room, django_capture_on_commit_callbacks
):
    _mini, oa = apps
    owner = room.homestay.owner
    openid = oa.person()
    wechat_link(owner, appid=OA, kind=WeChatOpenId.Kind.OFFICIAL_ACCOUNT, openid=openid, unionid="U-host")
    ContactPreference.objects.create(user=owner, channel=Channel.WECHAT, language="zh-hans")
    oa_accepts(apps, openid, "owner_booking")
    guest = factories.user(email="guest@example.com")

    booking = book(room, guest, django_capture_on_commit_callbacks)

    [sent] = [s for s in oa.sent if s["touser"] == openid]
    assert sent["page"] == f"{SITE}/owner/bookings/{booking.reference}/"
    assert sent["template_id"] == OA_IDS["owner_booking"]
    owner_notice = Notification.objects.get(event="booking.owner_new")
    assert (owner_notice.channel, owner_notice.status) == (Channel.WECHAT, Status.SENT)
