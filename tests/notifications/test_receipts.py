"""Carriers' delivery receipts: Aliyun ``QuerySendDetails`` and Tencent ``PullSmsSendStatus`` through
their SDKs against the fake servers, recorded on the notifications by ``manage.py sms_receipts``:
delivered, not delivered (failed, with the carrier's error, shown to staff), or not yet known."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from notifications import sms
from notifications.models import Channel, Notification
from notifications.receipts import RECEIPT_WINDOW, sms_receipts_record
from tests import factories
from tests.notifications.fake_sms import aliyun_details, tencent_receipts
from tests.notifications.test_sms_providers import aliyun_answer, tencent_error
from villages.roles import GROUP_STAFF

pytestmark = pytest.mark.django_db
Status = Notification.Status
PHONE = "+8613812345678"


@pytest.fixture(autouse=True)
def fresh_backend():
    sms._backend.cache_clear()
    yield
    sms._backend.cache_clear()


def sent_sms(provider_id: str, *, ago: timedelta = timedelta(minutes=5), key: str = "") -> Notification:
    sent_at = timezone.now() - ago
    return Notification.objects.create(
        key=key or f"booking.confirmed:{provider_id}",
        event="booking.confirmed",
        subject="booking:ABCD2345",
        role="guest",
        recipient=factories.user(email=""),
        channel=Channel.SMS,
        address=PHONE,
        language="zh-hans",
        status=Status.SENT,
        sent_at=sent_at,
        provider_id=provider_id,
    )


def fresh(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def test_aliyun_delivered_and_undelivered_receipts_are_recorded(aliyun_sms):
    delivered, undelivered, waiting = sent_sms("111^0"), sent_sms("222^0"), sent_sms("333^0")
    answers = {
        "111^0": aliyun_details({"SendStatus": 3}),
        "222^0": aliyun_details({"SendStatus": 2, "ErrCode": "MK:0001"}),
        "333^0": aliyun_details({"SendStatus": 1}),
    }
    aliyun_sms.answer = lambda params: answers[params["BizId"]]

    result = sms_receipts_record()

    assert (result.delivered, result.failed) == (1, 1)
    assert fresh(delivered).delivered_at is not None and fresh(delivered).status == Status.SENT
    assert fresh(undelivered).status == Status.FAILED
    assert fresh(undelivered).last_error == "短信未送达 SMS not delivered: MK:0001"
    assert fresh(waiting).status == Status.SENT and fresh(waiting).delivered_at is None
    asked = {request["params"]["BizId"]: request["params"] for request in aliyun_sms.requests}
    assert asked["111^0"]["Action"] == "QuerySendDetails"
    assert asked["111^0"]["PhoneNumber"] == "13812345678"
    assert asked["111^0"]["SendDate"] == timezone.localtime(delivered.sent_at).strftime("%Y%m%d")


def test_a_receipt_is_recorded_once_and_a_delivered_message_is_not_asked_about_again(aliyun_sms):
    notification = sent_sms("111^0")
    aliyun_sms.answer = lambda params: aliyun_details({"SendStatus": 3})
    sms_receipts_record()
    first = fresh(notification).delivered_at

    again = sms_receipts_record()

    assert (again.delivered, again.failed) == (0, 0)
    assert fresh(notification).delivered_at == first
    assert len(aliyun_sms.requests) == 1


def test_messages_older_than_the_window_and_other_channels_are_not_asked_about(aliyun_sms):
    sent_sms("old^0", ago=RECEIPT_WINDOW + timedelta(hours=1))
    email = sent_sms("mail^0")
    Notification.objects.filter(pk=email.pk).update(channel=Channel.EMAIL)
    aliyun_sms.answer = lambda params: aliyun_details({"SendStatus": 3})

    assert sms_receipts_record().delivered == 0
    assert aliyun_sms.requests == []


def test_a_provider_error_changes_nothing_and_the_next_run_asks_again(aliyun_sms):
    notification = sent_sms("111^0")
    aliyun_sms.answer = aliyun_answer("isv.SMS_API_PERMISSION_DENIED", "no permission")

    assert (sms_receipts_record().delivered, sms_receipts_record().failed) == (0, 0)
    assert fresh(notification).status == Status.SENT and fresh(notification).delivered_at is None
    assert len(aliyun_sms.requests) == 2


def test_tencent_pulled_receipts_are_matched_by_serial_number(tencent_sms):
    delivered, undelivered = sent_sms("2433:1"), sent_sms("2433:2")
    tencent_sms.answer = lambda params: tencent_receipts(
        ("2433:1", "SUCCESS", "用户短信接收成功"),
        ("2433:2", "FAIL", "DELIVRD_FAILED 空号"),
        ("2433:999", "SUCCESS", "a message of another system"),
    )

    result = sms_receipts_record()

    assert (result.delivered, result.failed) == (1, 1)
    assert fresh(delivered).delivered_at is not None
    assert fresh(undelivered).status == Status.FAILED
    assert "FAIL DELIVRD_FAILED 空号" in fresh(undelivered).last_error
    [request] = tencent_sms.requests
    assert request["params"]["Action"] == "PullSmsSendStatus"
    assert (request["params"]["SmsSdkAppId"], request["params"]["Limit"]) == ("1400000001", 100)


def test_tencent_receipts_are_pulled_until_a_short_page(tencent_sms):
    first = sent_sms("2433:1")
    pages = [
        tencent_receipts(*[(f"other:{n}", "SUCCESS", "") for n in range(100)]),
        tencent_receipts(("2433:1", "SUCCESS", "")),
    ]
    tencent_sms.answer = lambda params: pages.pop(0)

    assert sms_receipts_record().delivered == 1
    assert fresh(first).delivered_at is not None
    assert len(tencent_sms.requests) == 2


def test_tencent_refusing_the_pull_changes_nothing(tencent_sms):
    notification = sent_sms("2433:1")
    tencent_sms.answer = tencent_error("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "app id verify fail")

    assert sms_receipts_record().delivered == 0
    assert fresh(notification).status == Status.SENT


def test_the_console_backend_has_no_receipts_and_the_command_says_what_it_did():
    sent_sms("console-abc")
    out = StringIO()

    call_command("sms_receipts", stdout=out)

    assert "Delivered 0, not delivered 0" in out.getvalue()


def test_an_undelivered_sms_shows_on_the_attention_page_without_the_number(aliyun_sms, client):
    notification = sent_sms("222^0")
    aliyun_sms.answer = lambda params: aliyun_details({"SendStatus": 2, "ErrCode": "MK:0001"})
    sms_receipts_record()
    staff = factories.user(email="staff@example.cn")
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    client.force_login(staff)

    page = client.get("/group/attention/")

    assert page.status_code == 200
    assert "短信未送达 SMS not delivered: MK:0001" in page.text
    assert "13812345678" not in page.text
    assert fresh(notification).status == Status.FAILED


def test_staff_can_send_an_undelivered_sms_again(aliyun_sms, django_capture_on_commit_callbacks):
    from notifications.services import notification_retry

    notification = sent_sms("222^0")
    aliyun_sms.answer = lambda params: aliyun_details({"SendStatus": 2, "ErrCode": "MK:0001"})
    sms_receipts_record()

    with django_capture_on_commit_callbacks():
        again = notification_retry(notification=fresh(notification))

    assert (again.status, again.provider_id) == (Status.PENDING, "")
