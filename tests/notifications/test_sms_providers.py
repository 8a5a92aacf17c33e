"""The Aliyun and Tencent Cloud SMS backends through their real SDKs against local fake servers that sign
like the real services: success, provider errors, throttling answers, timeouts and bad keys."""

import json

import pytest
from django.test import override_settings

from notifications import sms
from notifications.sms import SmsRejected, SmsThrottled, SmsUnavailable, sms_send
from notifications.sms.aliyun import AliyunSmsBackend
from notifications.sms.tencent import TencentSmsBackend
from tests.notifications.fake_sms import FakeProvider, fake_server

PHONE = "+8613812345678"
KEY_ID, SECRET = "LTAI-fake-key-id", "fake-secret-of-the-test"
TEMPLATE = "SMS_465100001"


def send(backend):
    return backend.send(
        phone=PHONE, sign_name="离石乡村旅游", template_code=TEMPLATE, params={"code": "482913"}
    )


@pytest.fixture
def aliyun(settings):
    provider = FakeProvider(KEY_ID, SECRET)
    with fake_server(provider, "aliyun") as endpoint:
        settings.ALIYUN_SMS_ACCESS_KEY_ID = KEY_ID
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = SECRET
        settings.ALIYUN_SMS_ENDPOINT = endpoint
        settings.ALIYUN_SMS_PROTOCOL = "http"
        settings.SMS_PROVIDER_TIMEOUT = 1
        yield provider


@pytest.fixture
def tencent(settings):
    provider = FakeProvider("AKID-fake-secret-id", SECRET)
    with fake_server(provider, "tencent") as endpoint:
        settings.TENCENT_SMS_SECRET_ID = provider.key_id
        settings.TENCENT_SMS_SECRET_KEY = SECRET
        settings.TENCENT_SMS_SDK_APP_ID = "1400000001"
        settings.TENCENT_SMS_ENDPOINT = endpoint
        settings.TENCENT_SMS_PROTOCOL = "http"
        settings.SMS_PROVIDER_TIMEOUT = 1
        yield provider


def aliyun_answer(code, message="OK", status=200):
    return lambda params: (
        status,
        {"Code": code, "Message": message, "BizId": "900619746936498440^0", "RequestId": "F655A8D5"},
    )


def tencent_answer(code, message="send success"):
    status = {
        "SerialNo": "5000:1045710669157053657849499619",
        "PhoneNumber": PHONE,
        "Fee": 1,
        "SessionContext": "",
        "Code": code,
        "Message": message,
        "IsoCode": "CN",
    }
    return lambda params: (
        200,
        {"Response": {"SendStatusSet": [status], "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}},
    )


def tencent_error(code, message):
    return lambda params: (
        200,
        {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "b0aabda6"}},
    )


# Aliyun


def test_aliyun_sends_a_signed_request_with_the_mainland_number_and_template(aliyun):
    aliyun.answer = aliyun_answer("OK")

    assert send(AliyunSmsBackend()) == "900619746936498440^0"

    [request] = aliyun.requests
    assert request["signature_ok"]
    params = request["params"]
    assert (params["PhoneNumbers"], params["SignName"], params["TemplateCode"]) == (
        "13812345678",
        "离石乡村旅游",
        TEMPLATE,
    )
    assert json.loads(params["TemplateParam"]) == {"code": "482913"}


def test_aliyun_refuses_a_request_signed_with_the_wrong_secret(aliyun, settings):
    settings.ALIYUN_SMS_ACCESS_KEY_SECRET = "not-the-secret"

    with pytest.raises(SmsRejected) as refused:
        send(AliyunSmsBackend())

    assert refused.value.code == "SignatureDoesNotMatch"
    assert aliyun.requests[0]["signature_ok"] is False


@pytest.mark.parametrize(
    "code", ["isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.AMOUNT_NOT_ENOUGH"]
)
def test_aliyun_business_errors_are_refusals(aliyun, code):
    aliyun.answer = aliyun_answer(code, "非法")

    with pytest.raises(SmsRejected) as refused:
        send(AliyunSmsBackend())

    assert refused.value.code == code and not refused.value.retryable


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (
            aliyun_answer("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"),
            "isv.BUSINESS_LIMIT_CONTROL",
        ),
        (
            aliyun_answer("Throttling.User", "Request was denied due to user flow control.", status=400),
            "Throttling.User",
        ),
    ],
)
def test_aliyun_flow_control_is_throttling(aliyun, answer, code):
    aliyun.answer = answer

    with pytest.raises(SmsThrottled) as throttled:
        send(AliyunSmsBackend())

    assert throttled.value.code == code and throttled.value.retryable


def test_aliyun_server_errors_are_unavailability(aliyun):
    aliyun.answer = aliyun_answer(
        "InternalError", "The request processing has failed due to some unknown error.", status=500
    )

    with pytest.raises(SmsUnavailable):
        send(AliyunSmsBackend())


def test_aliyun_gives_up_after_the_timeout(aliyun):
    aliyun.answer = aliyun_answer("OK")
    aliyun.delay = 2.5

    with pytest.raises(SmsUnavailable):
        send(AliyunSmsBackend())


# Tencent Cloud


def test_tencent_sends_a_signed_request_with_the_app_template_and_ordered_parameters(tencent):
    tencent.answer = tencent_answer("Ok")

    assert send(TencentSmsBackend()) == "5000:1045710669157053657849499619"

    [request] = tencent.requests
    assert request["signature_ok"]
    params = request["params"]
    assert params["Action"] == "SendSms"
    assert (params["PhoneNumberSet"], params["SmsSdkAppId"], params["SignName"]) == (
        [PHONE],
        "1400000001",
        "离石乡村旅游",
    )
    assert (params["TemplateId"], params["TemplateParamSet"]) == (TEMPLATE, ["482913"])


def test_tencent_refuses_a_request_signed_with_the_wrong_secret(tencent, settings):
    settings.TENCENT_SMS_SECRET_KEY = "not-the-secret"

    with pytest.raises(SmsRejected) as refused:
        send(TencentSmsBackend())

    assert refused.value.code == "AuthFailure.SignatureFailure"
    assert tencent.requests[0]["signature_ok"] is False


@pytest.mark.parametrize(
    "code",
    [
        "InvalidParameterValue.IncorrectPhoneNumber",
        "FailedOperation.InsufficientBalanceInSmsPackage",
        "FailedOperation.TemplateIncorrectOrUnapproved",
    ],
)
def test_tencent_per_number_errors_are_refusals(tencent, code):
    tencent.answer = tencent_answer(code, "refused")

    with pytest.raises(SmsRejected) as refused:
        send(TencentSmsBackend())

    assert refused.value.code == code


@pytest.mark.parametrize(
    "answer",
    [
        tencent_answer("LimitExceeded.PhoneNumberThirtySecondLimit", "30秒内同一号码限制"),
        tencent_answer("LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发条数超过设定的上限"),
        tencent_error("RequestLimitExceeded", "请求的次数超过了频率限制。"),
    ],
)
def test_tencent_frequency_limits_are_throttling(tencent, answer):
    tencent.answer = answer

    with pytest.raises(SmsThrottled):
        send(TencentSmsBackend())


def test_tencent_internal_errors_are_unavailability(tencent):
    tencent.answer = tencent_error("InternalError.Timeout", "请求下发短信超时")

    with pytest.raises(SmsUnavailable):
        send(TencentSmsBackend())


def test_tencent_gives_up_after_the_timeout(tencent):
    tencent.answer = tencent_answer("Ok")
    tencent.delay = 2.5

    with pytest.raises(SmsUnavailable) as unavailable:
        send(TencentSmsBackend())

    assert unavailable.value.code == "ClientNetworkError"


# Chosen by settings


@pytest.mark.django_db
def test_sms_send_uses_the_backend_and_template_code_the_settings_name(tencent, settings):
    tencent.answer = tencent_answer("Ok")
    settings.SMS_BACKEND = "notifications.sms.tencent.TencentSmsBackend"
    settings.SMS_TEMPLATES = {"verification_code": "2046001"}
    sms._backend.cache_clear()
    try:
        sms_send(phone=PHONE, template="verification_code", params={"code": "1", "minutes": "5"})
    finally:
        sms._backend.cache_clear()

    assert tencent.requests[0]["params"]["TemplateId"] == "2046001"
    assert tencent.requests[0]["params"]["TemplateParamSet"] == ["1", "5"]


def test_a_provider_without_keys_is_a_configuration_error():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(ALIYUN_SMS_ACCESS_KEY_ID=""), pytest.raises(ImproperlyConfigured):
        AliyunSmsBackend()
