"""SMS as a notification channel: the person's verified phone, the message's template sent through the
configured SMS backend (the console, or Aliyun and Tencent through their SDKs against the fake servers),
the provider's message id recorded, and provider errors retried or not as they deserve."""

import logging

import pytest

from common.models import UserPhone
from notifications import registry, sms
from notifications.channels import Message, SmsContent
from notifications.models import Channel, ContactPreference, Notification
from notifications.services import BACKOFF, notification_queue
from notifications.sms import console
from notifications.sms.channel import SmsChannel
from notifications.sms.templates import SmsTemplate, sms_template_register, sms_templates
from tests import factories
from tests.notifications.test_sms_providers import aliyun_answer, tencent_answer

pytestmark = pytest.mark.django_db
Status = Notification.Status
PHONE = "+8613812345678"
CHANNELS = {"email": "notifications.channels.EmailChannel", "sms": "notifications.sms.channel.SmsChannel"}
TEMPLATE = SmsTemplate("test_arrival", "您在${homestay}的预订${ref}已确认。")


@pytest.fixture(autouse=True)
def sms_setup(settings, monkeypatch):
    settings.NOTIFICATION_CHANNELS = CHANNELS
    settings.SMS_TEMPLATES = {"test_arrival": "SMS_465100009"}
    settings.SMS_SIGN_NAME = "离石乡村旅游"
    monkeypatch.setitem(registry._renderers, "msgs.", render)
    monkeypatch.setattr("notifications.sms.templates._templates", {**sms_templates()})
    sms_template_register(TEMPLATE)
    console.outbox.clear()
    sms._backend.cache_clear()
    yield
    sms._backend.cache_clear()


def render(notification) -> Message:
    if notification.event == "msgs.no_sms":
        return Message(subject="s", text="t")
    return Message(
        subject="预订已确认",
        text="正文",
        sms=SmsContent("test_arrival", {"homestay": "枣林窑洞小院", "ref": "ABCD2345"}),
    )


def phone_person(number: str = PHONE, *, verified: bool = True, email: str = ""):
    person = factories.user(email=email)
    UserPhone.objects.create(user=person, number=number, verified=verified)
    return person


def send(person, *, event: str = "msgs.confirmed", key: str = "msgs:1", capture=None, role: str = "guest"):
    with capture(execute=True):
        notification = notification_queue(
            key=key, event=event, subject="booking:ABCD2345", role=role, recipient=person
        )
    return Notification.objects.get(pk=notification.pk)


def test_a_phone_sign_up_gets_the_template_by_sms_and_the_console_shows_its_text(
    django_capture_on_commit_callbacks, capsys
):
    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert (notification.channel, notification.status) == (Channel.SMS, Status.SENT)
    [message] = console.outbox
    assert (message.phone, message.template_code) == (PHONE, "SMS_465100009")
    assert message.text == "【离石乡村旅游】您在枣林窑洞小院的预订ABCD2345已确认。"
    assert notification.provider_id == message.message_id
    printed = capsys.readouterr().out
    assert "【离石乡村旅游】您在枣林窑洞小院的预订ABCD2345已确认。" in printed
    assert PHONE not in printed and "138****5678" in printed


def test_an_unverified_phone_is_not_written_to(django_capture_on_commit_callbacks):
    person = phone_person(verified=False, email="li@example.cn")
    ContactPreference.objects.create(user=person, channel=Channel.SMS)

    notification = send(person, capture=django_capture_on_commit_callbacks)

    assert (notification.channel, notification.address) == (Channel.EMAIL, "li@example.cn")
    assert console.outbox == []


def test_a_message_without_an_sms_template_fails_at_once_and_is_not_retried(
    django_capture_on_commit_callbacks,
):
    notification = send(phone_person(), event="msgs.no_sms", capture=django_capture_on_commit_callbacks)

    assert (notification.status, notification.attempts) == (Status.FAILED, 1)
    assert "No SMS template" in notification.last_error
    assert console.outbox == []


def test_a_template_without_a_code_in_the_settings_fails_without_retrying(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_TEMPLATES = {}

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert (notification.status, notification.attempts) == (Status.FAILED, 1)
    assert "test_arrival" in notification.last_error


def test_the_channel_reads_the_phone_loaded_with_the_user(django_assert_num_queries):
    person = phone_person()
    loaded = type(person).objects.select_related("phone").get(pk=person.pk)

    with django_assert_num_queries(0):
        assert SmsChannel().address_for(loaded) == PHONE


# Through the providers' SDKs


def test_aliyun_sends_the_template_with_named_parameters_and_its_biz_id_is_recorded(
    aliyun_sms, django_capture_on_commit_callbacks
):
    aliyun_sms.answer = aliyun_answer("OK")

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert notification.status == Status.SENT
    assert notification.provider_id == "900619746936498440^0"
    [request] = aliyun_sms.requests
    assert request["params"]["Action"] == "SendSms"
    assert request["params"]["TemplateCode"] == "SMS_465100009"
    assert request["params"]["PhoneNumbers"] == "13812345678"
    assert '"homestay": "枣林窑洞小院"' in request["params"]["TemplateParam"]


def test_tencent_sends_the_parameters_in_template_order_and_its_serial_no_is_recorded(
    tencent_sms, django_capture_on_commit_callbacks
):
    tencent_sms.answer = tencent_answer("Ok")

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert notification.provider_id == "5000:1045710669157053657849499619"
    assert tencent_sms.requests[0]["params"]["TemplateParamSet"] == ["枣林窑洞小院", "ABCD2345"]


@pytest.mark.parametrize(
    "code", ["isv.MOBILE_NUMBER_ILLEGAL", "isv.AMOUNT_NOT_ENOUGH", "isv.SMS_TEMPLATE_ILLEGAL"]
)
def test_a_provider_refusal_fails_the_notification_at_once(
    aliyun_sms, code, django_capture_on_commit_callbacks, caplog
):
    aliyun_sms.answer = aliyun_answer(code, message=f"{code} for 13812345678")
    caplog.set_level(logging.INFO)

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert (notification.status, notification.attempts, notification.next_attempt_at) == (
        Status.FAILED,
        1,
        None,
    )
    assert notification.last_error.startswith(code)
    assert len(aliyun_sms.requests) == 1
    assert "13812345678" not in caplog.text


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (
            aliyun_answer("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"),
            "isv.BUSINESS_LIMIT_CONTROL",
        ),
        (aliyun_answer("InternalError", "server error", status=500), "InternalError"),
    ],
)
def test_throttling_and_server_errors_are_tried_again_later(
    aliyun_sms, answer, code, django_capture_on_commit_callbacks, clock
):
    aliyun_sms.answer = answer

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert notification.next_attempt_at == clock.now + BACKOFF[0]
    assert code in notification.last_error


def test_a_provider_that_does_not_answer_in_time_is_tried_again_later(
    aliyun_sms, django_capture_on_commit_callbacks
):
    aliyun_sms.delay = 2.5

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert notification.provider_id == ""


def test_a_spent_daily_budget_is_tried_again_later(settings, django_capture_on_commit_callbacks):
    settings.SMS_DAILY_BUDGET = 0

    notification = send(phone_person(), capture=django_capture_on_commit_callbacks)

    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert "daily_budget" in notification.last_error
    assert console.outbox == []
