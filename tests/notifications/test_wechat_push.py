"""WeChat's message push at /wechat/push/ (notifications/wechat_push.py): the console's check, the
signature, what each event records, repeats and replays, and bad input never being a 500."""

import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from common.models import WeChatOpenId
from common.wechat_ids import wechat_link
from notifications.models import Channel, Notification, WeChatSubscription
from tests import factories
from tests.common import fake_wechat_push as push
from tests.conftest import WECHAT_TEST_APPS

pytestmark = pytest.mark.django_db
Status = Notification.Status
OA, MINI = WECHAT_TEST_APPS
URL = "/wechat/push/"
TEMPLATE = "OaBookingStatusTpl-0123456789abcdef"
MINI_TEMPLATE = "BookingStatusTpl-0123456789abcdefghij"


@pytest.fixture(autouse=True)
def configured(settings):
    settings.WECHAT_PUSH_TOKEN = push.TOKEN
    settings.WECHAT_PUSH_AES_KEY = push.AES_KEY
    settings.WECHAT_APPS = dict(WECHAT_TEST_APPS)
    settings.WECHAT_OA_APPID, settings.WECHAT_MINI_APPID = OA, MINI
    settings.WECHAT_OA_SUBSCRIBE_TEMPLATES = {
        "booking_status": {"id": TEMPLATE, "events": ["booking.confirmed"], "page": "/", "data": {}}
    }
    settings.WECHAT_SUBSCRIBE_TEMPLATES = {
        "booking_status": {"id": MINI_TEMPLATE, "events": ["booking.confirmed"], "page": "", "data": {}}
    }


def post(body: bytes, query: dict | None = None, content_type: str = "text/xml"):
    query = push.signed() if query is None else query
    return Client().post(f"{URL}?{urlencode(query)}", data=body, content_type=content_type)


def sent_notification(msgid: str = "1700827132819554304", address: str = "oOA-guest") -> Notification:
    return Notification.objects.create(
        key=f"booking.confirmed:{msgid}",
        event="booking.confirmed",
        subject="booking:ABCD2345",
        role="guest",
        recipient=factories.user(),
        channel=Channel.WECHAT,
        address=address,
        language="zh-hans",
        status=Status.SENT,
        sent_at=timezone.now(),
        provider_id=msgid,
    )


def follower(openid: str = "oOA-guest", appid: str = OA) -> WeChatOpenId:
    user = factories.user()
    kind = WeChatOpenId.Kind.OFFICIAL_ACCOUNT if appid == OA else WeChatOpenId.Kind.MINI_PROGRAM
    wechat_link(user, appid=appid, kind=kind, openid=openid, unionid=f"U-{openid}")
    return WeChatOpenId.objects.get(appid=appid, openid=openid)


# The console's check of the address.


def test_the_console_check_gets_its_echostr_back():
    response = Client().get(URL, push.signed(echostr="4829371650213"))

    assert response.status_code == 200 and response.content == b"4829371650213"


def test_a_check_signed_with_another_token_is_refused():
    response = Client().get(URL, push.signed("SomeoneElsesToken", echostr="4829371650213"))

    assert response.status_code == 400 and b"4829371650213" not in response.content


def test_without_a_token_the_address_does_not_exist(settings):
    settings.WECHAT_PUSH_TOKEN = ""

    assert Client().get(URL, push.signed(echostr="1")).status_code == 404
    assert post(push.sent("oOA-guest", (TEMPLATE, "1", 0, "success"))).status_code == 404


# Delivery of a message.


@pytest.mark.parametrize("form", ["xml", "json"])
def test_a_delivered_message_is_recorded_on_its_notification(form):
    notification = sent_notification()

    response = post(
        push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 0, "success"), form=form),
        content_type="text/xml" if form == "xml" else "application/json",
    )

    assert response.status_code == 200 and response.content == b"success"
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.delivered_at is not None


def test_a_refused_message_fails_with_the_reason_and_leaves_no_acceptance():
    row = follower()
    WeChatSubscription.objects.create(openid=row, template_id=TEMPLATE, remaining=2)
    notification = sent_notification()
    other = sent_notification("1700827132819554305")

    post(
        push.sent(
            "oOA-guest",
            (TEMPLATE, "1700827132819554304", 43101, "failed: user refuse to accept the msg"),
            (TEMPLATE, "1700827132819554305", 0, "success"),
        )
    )

    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.status == Status.FAILED and notification.delivered_at is None
    assert "43101" in notification.last_error and "拒收" in notification.last_error
    assert other.status == Status.SENT and other.delivered_at is not None
    subscription = WeChatSubscription.objects.get()
    assert subscription.remaining == 0 and subscription.refused_at is not None


def test_another_wechat_error_fails_the_notification_with_the_code():
    notification = sent_notification()

    post(push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 20001, "failed: system failed")))

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert (
        notification.last_error == "微信消息未送达 WeChat message not delivered: 20001 failed: system failed"
    )


def test_an_unknown_msgid_is_answered_and_changes_nothing():
    notification = sent_notification()

    response = post(push.sent("oOA-guest", (TEMPLATE, "999", 43101, "failed: user refuse")))

    assert response.status_code == 200 and response.content == b"success"
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.delivered_at is None


def test_the_msgid_of_an_sms_is_not_taken_for_a_wechat_message():
    notification = sent_notification()
    Notification.objects.filter(pk=notification.pk).update(channel=Channel.SMS)

    post(push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 43101, "failed")))

    notification.refresh_from_db()
    assert notification.status == Status.SENT


def test_a_repeated_push_is_recorded_once():
    notification = sent_notification()
    body = push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 0, "success"))
    post(body)
    notification.refresh_from_db()
    delivered = notification.delivered_at

    again = post(body)

    notification.refresh_from_db()
    assert again.status_code == 200 and notification.delivered_at == delivered


def test_a_refusal_after_the_delivery_does_not_undo_it():
    notification = sent_notification()
    post(push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 0, "success")))

    post(push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 43101, "failed")))

    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.delivered_at is not None


# Signatures and replays.


UNSIGNED = {
    "unsigned": lambda: {},
    "no-signature": lambda: {"timestamp": str(int(time.time())), "nonce": "1"},
    "other-token": lambda: push.signed("SomeoneElsesToken"),
    "wrong-signature": lambda: {**push.signed(), "signature": "0" * 40},
    "odd-timestamp": lambda: {**push.signed(), "timestamp": "１７００"},  # full-width digits
}


@pytest.mark.parametrize("trouble", UNSIGNED)
def test_a_push_not_signed_with_our_token_is_refused_and_changes_nothing(trouble):
    notification = sent_notification()

    response = post(
        push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 43101, "failed")), UNSIGNED[trouble]()
    )

    assert response.status_code == 400
    notification.refresh_from_db()
    assert notification.status == Status.SENT


@pytest.mark.parametrize("age", [-3600, 3600])
def test_a_push_signed_long_ago_or_in_the_future_is_a_replay_and_refused(age):
    notification = sent_notification()
    body = push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 43101, "failed"))

    response = post(body, push.signed(at=time.time() - age))

    assert response.status_code == 400
    notification.refresh_from_db()
    assert notification.status == Status.SENT


# Malformed input: never a 500, nothing changed.

BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<xml><Event>&lol2;</Event></xml>"
)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"hello",
        b"<xml><Event>subscribe_msg_sent_event</Event>",
        BOMB,
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>',
        b"[1, 2]",
        b'{"Event": ',
        b"\xff\xfe<xml/>",
        b'{"List": ' + b"[" * 60_000,
        b"<xml>" + b"x" * 70_000 + b"</xml>",
    ],
    ids=[
        "empty",
        "text",
        "unclosed",
        "entities",
        "external",
        "json-list",
        "cut-json",
        "utf16",
        "deep",
        "big",
    ],
)
def test_a_malformed_push_is_refused(body):
    notification = sent_notification()

    response = post(body)

    assert response.status_code == 400
    notification.refresh_from_db()
    assert notification.status == Status.SENT


NUL_SENT = (
    b'{"Event": "subscribe_msg_sent_event", "FromUserName": "o\\u0000x", "SubscribeMsgSentEvent": {"List": '
    b'{"MsgID": "1700827132819554304", "ErrorCode": 20001, "TemplateId": "\\u0000", '
    b'"ErrorStatus": "\\ud800bad\\u0000"}}}'
)


@pytest.mark.parametrize(
    "body",
    [
        b"<xml><Event>subscribe_msg_sent_event</Event></xml>",
        b'{"Event": "subscribe_msg_sent_event", "SubscribeMsgSentEvent": {"List": "1700827132819554304"}}',
        b'{"Event": "subscribe_msg_sent_event", "SubscribeMsgSentEvent": {"List": [{"MsgID": {"a": 1}}]}}',
        b'{"Event": ["x"], "FromUserName": 5}',
        b"<xml><Event>subscribe</Event><FromUserName>oOA-guest</FromUserName></xml>",
        b"<xml><Event>subscribe_msg_popup_event</Event><SubscribeMsgPopupEvent><List><List><List>"
        b"<TemplateId>x</TemplateId></List></List></List></SubscribeMsgPopupEvent></xml>",
        # NUL and lone surrogates, which JSON can carry and PostgreSQL refuses in text.
        NUL_SENT.replace(b"1700827132819554304", b"\\ud800"),
        b'{"Event": "subscribe_msg_change_event", "FromUserName": "oOA-guest\\u0000", '
        b'"SubscribeMsgChangeEvent": {"List": [{"TemplateId": "\\ud800", '
        b'"SubscribeStatusString": "reject"}]}}',
        b'{"Event": "subscribe_msg_popup_event", "FromUserName": "\\ud800", "List": '
        b'{"TemplateId": "\\u0000", "SubscribeStatusString": "accept"}}',
    ],
    ids=[
        "no-items",
        "list-of-text",
        "msgid-object",
        "odd-types",
        "other-event",
        "nested",
        "nul",
        "nul-2",
        "nul-3",
    ],
)
def test_a_signed_push_we_cannot_use_is_answered_and_changes_nothing(body):
    notification = sent_notification()

    response = post(body)

    assert response.status_code == 200 and response.content == b"success"
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.delivered_at is None


def test_text_postgresql_refuses_is_left_out_of_what_is_recorded():
    notification = sent_notification()

    response = post(NUL_SENT, content_type="application/json")

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.status == Status.FAILED and notification.last_error.endswith(": 20001 bad")


def test_an_error_code_that_is_no_number_never_counts_as_delivered():
    notification = sent_notification()

    post(push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", "abc", "odd")))  # type: ignore[arg-type]

    notification.refresh_from_db()
    assert notification.delivered_at is None and notification.status == Status.FAILED


# The official account's subscriptions.


def test_accepting_in_the_official_account_allows_one_message_per_acceptance():
    row = follower()

    post(push.popup("oOA-guest", {TEMPLATE: "accept", "SomeoneElsesTemplate": "accept"}))
    post(push.popup("oOA-guest", {TEMPLATE: "accept"}, form="json"), content_type="application/json")

    subscription = WeChatSubscription.objects.get()
    assert (subscription.openid, subscription.template_id, subscription.remaining) == (row, TEMPLATE, 2)


def test_a_repeated_popup_push_counts_once():
    follower()
    body = push.popup("oOA-guest", {TEMPLATE: "accept"})

    post(body)
    post(body)

    assert WeChatSubscription.objects.get().remaining == 1


def test_a_rejected_popup_records_nothing():
    follower()

    post(push.popup("oOA-guest", {TEMPLATE: "reject"}))

    assert not WeChatSubscription.objects.exists()


def test_a_popup_from_someone_who_never_signed_in_records_nothing():
    post(push.popup("oOA-stranger", {TEMPLATE: "accept"}))

    assert not WeChatSubscription.objects.exists()


def test_the_mini_programs_popup_is_not_counted_twice():
    """The mini-program records acceptances through its API; its push of the same pop-up adds none."""
    follower("oMINI-guest", appid=MINI)

    post(push.popup("oMINI-guest", {MINI_TEMPLATE: "accept"}, form="json"), content_type="application/json")

    assert not WeChatSubscription.objects.exists()


@pytest.mark.parametrize("appid", [OA, MINI])
def test_turning_a_template_off_leaves_no_acceptance(appid):
    template = TEMPLATE if appid == OA else MINI_TEMPLATE
    row = follower("o-guest", appid=appid)
    WeChatSubscription.objects.create(openid=row, template_id=template, remaining=3)

    post(push.change("o-guest", template))

    subscription = WeChatSubscription.objects.get()
    assert subscription.remaining == 0 and subscription.refused_at is not None


# The safe mode.


@pytest.mark.parametrize("form", ["xml", "json"])
def test_an_encrypted_push_is_read(form):
    notification = sent_notification()
    plain = push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 0, "success"), form=form)
    query, body = push.encrypted(plain, appid=OA, form=form)

    response = post(body, query, "text/xml" if form == "xml" else "application/json")

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.delivered_at is not None


def envelope(secret: str) -> tuple[dict[str, str], bytes]:
    """A safe-mode envelope around ``secret``, correctly signed."""
    query = push.signed(encrypt_type="aes")
    query["msg_signature"] = push.sha1(push.TOKEN, query["timestamp"], query["nonce"], secret)
    return query, f"<xml><Encrypt><![CDATA[{secret}]]></Encrypt></xml>".encode()


@pytest.mark.parametrize(
    "trouble",
    ["other-app", "other-key", "bad-msg-signature", "no-key-set", "not-base64", "cut", "empty", "surrogate"],
)
def test_an_encrypted_push_that_is_not_ours_is_refused(trouble, settings):
    notification = sent_notification()
    plain = push.sent("oOA-guest", (TEMPLATE, "1700827132819554304", 43101, "failed"))
    appid = "wx0someoneelse000009" if trouble == "other-app" else OA
    key = push.AES_KEY[::-1] if trouble == "other-key" else push.AES_KEY
    query, body = push.encrypted(plain, appid=appid, key=key)
    if trouble == "bad-msg-signature":
        query["msg_signature"] = "0" * 40
    if trouble == "no-key-set":
        settings.WECHAT_PUSH_AES_KEY = ""
    if trouble == "not-base64":
        query, body = envelope("%%not base64%%")
    if trouble == "cut":
        query, body = envelope(body.split(b"CDATA[")[2].split(b"]]")[0].decode()[:24])
    if trouble == "empty":
        query, body = envelope("")
    if trouble == "surrogate":
        query, body = push.signed(encrypt_type="aes", msg_signature="0" * 40), b'{"Encrypt": "\\ud800"}'

    response = post(body, query)

    assert response.status_code == 400
    notification.refresh_from_db()
    assert notification.status == Status.SENT
