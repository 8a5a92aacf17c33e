"""Tencent Cloud SMS (腾讯云短信, sms 2021-01-11) through its official SDK, signed TC3-HMAC-SHA256.

Settings: ``TENCENT_SMS_SECRET_ID`` and ``TENCENT_SMS_SECRET_KEY`` (a CAM key allowed
``sms:SendSms``), ``TENCENT_SMS_SDK_APP_ID`` (the SMS application's SdkAppId), ``TENCENT_SMS_REGION``
(``ap-guangzhou``), ``TENCENT_SMS_ENDPOINT`` (``sms.tencentcloudapi.com``), ``SMS_SIGN_NAME`` and the
template ids in ``SMS_TEMPLATES``; template parameters are sent in order. ``TENCENT_SMS_PROTOCOL`` is
``https``; the tests point the endpoint at a local fake server over ``http``.

Errors of the whole request (``Response.Error``) and of the one number (``SendStatusSet[0].Code``)
decide alike: ``LimitExceeded.*`` and ``RequestLimitExceeded`` are the provider's frequency limits
(``SmsThrottled``); ``InternalError.*``, network errors and timeouts are ``SmsUnavailable``; the rest
(bad number, signature, template, key, no balance) ``SmsRejected``.

Receipts: ``PullSmsSendStatus`` hands over every receipt not pulled before (up to ``PULL_LIMIT`` a call;
pulling must be enabled in the SMS console and the CAM key allowed ``sms:PullSmsSendStatus``), matched
by SerialNo; ``ReportStatus`` ``SUCCESS`` is delivered, ``FAIL`` not (``Description`` says why).
"""

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import PullSmsSendStatusRequest, SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from notifications.sms import (
    SmsBackend,
    SmsError,
    SmsReceipt,
    SmsRejected,
    SmsSent,
    SmsThrottled,
    SmsUnavailable,
)

SENT = "Ok"
DELIVERED = "SUCCESS"
PULL_LIMIT = 100
UNAVAILABLE = ("ClientNetworkError", "ServerNetworkError", "InternalError")
THROTTLED = ("LimitExceeded", "RequestLimitExceeded")


def _error(code: str, message: str) -> SmsError:
    if code.startswith(THROTTLED):
        return SmsThrottled(message, code=code)
    if code.startswith(UNAVAILABLE):
        return SmsUnavailable(message, code=code)
    return SmsRejected(message, code=code)


class TencentSmsBackend(SmsBackend):
    def __init__(self) -> None:
        secret_id = getattr(settings, "TENCENT_SMS_SECRET_ID", "")
        secret_key = getattr(settings, "TENCENT_SMS_SECRET_KEY", "")
        self.app_id = getattr(settings, "TENCENT_SMS_SDK_APP_ID", "")
        if not (secret_id and secret_key and self.app_id):
            raise ImproperlyConfigured(
                "TENCENT_SMS_SECRET_ID, TENCENT_SMS_SECRET_KEY and TENCENT_SMS_SDK_APP_ID are needed"
            )
        http = HttpProfile(
            protocol=getattr(settings, "TENCENT_SMS_PROTOCOL", "https"),
            endpoint=getattr(settings, "TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com"),
            reqTimeout=getattr(settings, "SMS_PROVIDER_TIMEOUT", 5),
        )
        self.client = SmsClient(
            Credential(secret_id, secret_key),
            getattr(settings, "TENCENT_SMS_REGION", "ap-guangzhou"),
            ClientProfile(httpProfile=http),
        )

    def send(self, *, phone: str, sign_name: str, template_code: str, params: Mapping[str, str]) -> str:
        request = SendSmsRequest()
        request.SmsSdkAppId = self.app_id
        request.SignName = sign_name
        request.TemplateId = template_code
        request.TemplateParamSet = [str(value) for value in params.values()]
        request.PhoneNumberSet = [phone]
        try:
            answer = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            raise _error(str(error.code or ""), str(error.message or "")) from error
        [status] = answer.SendStatusSet or [None]
        if status is None:
            raise SmsUnavailable("腾讯云未返回发送状态 no send status", code="NoStatus")
        if status.Code != SENT:
            raise _error(status.Code or "", status.Message or "")
        return status.SerialNo or ""

    def receipts(self, *, sent: Sequence[SmsSent]) -> list[SmsReceipt]:
        found: list[SmsReceipt] = []
        while True:
            request = PullSmsSendStatusRequest()
            request.SmsSdkAppId = self.app_id
            request.Limit = PULL_LIMIT
            try:
                answer = self.client.PullSmsSendStatus(request)
            except TencentCloudSDKException as error:
                raise _error(str(error.code or ""), str(error.message or "")) from error
            batch = answer.PullSmsSendStatusSet or []
            for status in batch:
                delivered = status.ReportStatus == DELIVERED
                why = "" if delivered else " ".join(filter(None, [status.ReportStatus, status.Description]))
                found.append(SmsReceipt(status.SerialNo or "", delivered=delivered, error=why))
            if len(batch) < PULL_LIMIT:  # each receipt is handed over once: a short page is the last
                return found
