"""Aliyun SMS (阿里云短信服务, dysmsapi 2017-05-25) through its official SDK, signed ACS3-HMAC-SHA256.

Settings: ``ALIYUN_SMS_ACCESS_KEY_ID`` and ``ALIYUN_SMS_ACCESS_KEY_SECRET`` (a RAM user's key allowed
``dysms:SendSms``), ``ALIYUN_SMS_ENDPOINT`` (``dysmsapi.aliyuncs.com``), ``SMS_SIGN_NAME`` and the
template codes in ``SMS_TEMPLATES`` (``SMS_123456789``). ``ALIYUN_SMS_PROTOCOL`` is ``https``; the tests
point the endpoint at a local fake server over ``http``.

The answer's ``Code`` decides: ``OK`` is sent; ``isv.BUSINESS_LIMIT_CONTROL`` and ``Throttling.*`` are
the provider's frequency limits (``SmsThrottled``); other ``isv.*`` codes (bad number, signature,
template, no balance) are ``SmsRejected``; 5xx answers, timeouts and network errors ``SmsUnavailable``.

Receipts: ``QuerySendDetails`` per message (by number, BizId and the Beijing date it was sent; the RAM
user needs ``dysms:QuerySendDetails`` too). ``SendStatus`` 3 is delivered, 2 failed (``ErrCode`` says
why), 1 still waiting for the carrier.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from zoneinfo import ZoneInfo

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import QuerySendDetailsRequest, SendSmsRequest
from alibabacloud_tea_openapi.exceptions import (
    AlibabaCloudException,
    ClientException,
    ThrottlingException,
)
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.runtime import RuntimeOptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.sms import (
    SmsBackend,
    SmsError,
    SmsReceipt,
    SmsRejected,
    SmsSent,
    SmsThrottled,
    SmsUnavailable,
)

MAINLAND = "+86"
BEIJING = ZoneInfo("Asia/Shanghai")
DELIVERED, FAILED = 3, 2
THROTTLING_CODES = ("isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL")


class AliyunSmsBackend(SmsBackend):
    def __init__(self) -> None:
        key_id = getattr(settings, "ALIYUN_SMS_ACCESS_KEY_ID", "")
        secret = getattr(settings, "ALIYUN_SMS_ACCESS_KEY_SECRET", "")
        if not (key_id and secret):
            raise ImproperlyConfigured("ALIYUN_SMS_ACCESS_KEY_ID and ALIYUN_SMS_ACCESS_KEY_SECRET are needed")
        timeout_ms = int(getattr(settings, "SMS_PROVIDER_TIMEOUT", 5) * 1000)
        self.client = Client(
            Config(
                access_key_id=key_id,
                access_key_secret=secret,
                endpoint=getattr(settings, "ALIYUN_SMS_ENDPOINT", "dysmsapi.aliyuncs.com"),
                protocol=getattr(settings, "ALIYUN_SMS_PROTOCOL", "https"),
                connect_timeout=timeout_ms,
                read_timeout=timeout_ms,
            )
        )
        self.runtime = RuntimeOptions(autoretry=False, connect_timeout=timeout_ms, read_timeout=timeout_ms)

    def send(self, *, phone: str, sign_name: str, template_code: str, params: Mapping[str, str]) -> str:
        request = SendSmsRequest(
            phone_numbers=_number(phone),
            sign_name=sign_name,
            template_code=template_code,
            template_param=json.dumps(dict(params), ensure_ascii=False),
        )
        answer = _call(partial(self.client.send_sms_with_options, request, self.runtime)).body
        _check(answer.code or "", answer.message or "")
        return answer.biz_id or ""

    def receipts(self, *, sent: Sequence[SmsSent]) -> list[SmsReceipt]:
        found = []
        for message in sent:
            request = QuerySendDetailsRequest(
                phone_number=_number(message.phone),
                biz_id=message.message_id,
                send_date=message.sent_at.astimezone(BEIJING).strftime("%Y%m%d"),
                page_size=10,
                current_page=1,
            )
            answer = _call(partial(self.client.query_send_details_with_options, request, self.runtime)).body
            _check(answer.code or "", answer.message or "")
            details = answer.sms_send_detail_dtos.sms_send_detail_dto if answer.sms_send_detail_dtos else []
            for detail in details or []:
                if detail.send_status == DELIVERED:
                    found.append(SmsReceipt(message.message_id, delivered=True))
                elif detail.send_status == FAILED:
                    found.append(SmsReceipt(message.message_id, delivered=False, error=detail.err_code or ""))
        return found


def _number(phone: str) -> str:
    """Mainland numbers go without their country code; others keep the 00 prefix Aliyun asks for."""
    return phone.removeprefix(MAINLAND) if phone.startswith(MAINLAND) else "00" + phone.lstrip("+")


def _call[T](request: Callable[[], T]) -> T:
    try:
        return request()
    except ThrottlingException as error:
        raise SmsThrottled(error.message, code=error.code) from error
    except ClientException as error:
        if (error.code or "").startswith("Throttling"):
            raise SmsThrottled(error.message, code=error.code) from error
        raise SmsRejected(error.message, code=error.code) from error
    except AlibabaCloudException as error:
        raise SmsUnavailable(str(error.message), code=str(error.code)) from error
    except SmsError:
        raise
    except Exception as error:  # the SDK wraps network errors and timeouts in several exception types
        raise SmsUnavailable(str(error), code="network") from error


def _check(code: str, message: str) -> None:
    if code == "OK":
        return
    if code in THROTTLING_CODES or code.startswith("Throttling"):
        raise SmsThrottled(message or code, code=code)
    if code.startswith("isv.") or code.startswith("Invalid"):
        raise SmsRejected(message or code, code=code)
    raise SmsUnavailable(message or code, code=code)
