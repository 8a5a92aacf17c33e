"""Text messages (SMS) behind one interface: a backend per provider, chosen by ``SMS_BACKEND``.

``sms_send(phone=..., template=..., params=...)`` is the one way to send: it names a template by its
purpose (``"verification_code"``); ``SMS_TEMPLATES`` maps each purpose to the provider's template code
and ``SMS_SIGN_NAME`` is the approved signature (签名). Every message counts against the site's daily
budget (``notifications.sms.budget``). Backends:

- ``notifications.sms.console.ConsoleSmsBackend`` (the default): prints each message and keeps it in
  ``console.outbox``; nothing leaves the machine.
- ``notifications.sms.aliyun.AliyunSmsBackend``: Aliyun SMS (阿里云短信, dysmsapi 2017-05-25).
- ``notifications.sms.tencent.TencentSmsBackend``: Tencent Cloud SMS (腾讯云短信, sms 2021-01-11).

A backend raises ``SmsThrottled`` (the provider's own frequency limits), ``SmsRejected`` (a number,
signature or template the provider refuses, or no balance: trying again will not help) or
``SmsUnavailable`` (timeouts, network and server errors: trying again later may). The SMS notification
channel (``notifications.sms.channel``) sends through ``sms_send`` too, with templates of its own
(``notifications.sms.templates``).

Delivery receipts: ``SmsBackend.receipts`` asks the provider what became of messages sent (Aliyun
``QuerySendDetails`` per message, Tencent ``PullSmsSendStatus`` for every receipt not yet pulled);
``notifications.receipts`` records them on the notifications.
"""

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from common.phones import phone_mask

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifications.sms.console.ConsoleSmsBackend"
VERIFICATION_CODE = "verification_code"


class SmsError(Exception):
    """The message was not sent. ``code`` is the provider's (or ours); ``retryable``: later may work."""

    retryable = True

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


class SmsThrottled(SmsError):
    """The provider refuses for now: too many messages to this number or from this account."""


class SmsRejected(SmsError):
    """The provider refuses this message for good: a bad number, signature, template, or no balance."""

    retryable = False


class SmsUnavailable(SmsError):
    """The provider could not be reached or failed: a timeout, a network or a server error."""


@dataclass(frozen=True)
class SmsSent:
    """A message sent earlier, to ask the provider about: its id (Aliyun BizId, Tencent SerialNo)."""

    message_id: str
    phone: str
    sent_at: datetime


@dataclass(frozen=True)
class SmsReceipt:
    """What the carrier reported: delivered, or not with its error code and description."""

    message_id: str
    delivered: bool
    error: str = ""


class SmsBackend(ABC):
    """One provider. ``send`` returns the provider's id for the message or raises an ``SmsError``."""

    @abstractmethod
    def send(self, *, phone: str, sign_name: str, template_code: str, params: Mapping[str, str]) -> str:
        """Send template ``template_code`` with ``params`` (in the template's order) to ``phone`` (E.164)."""

    def receipts(self, *, sent: Sequence[SmsSent]) -> list[SmsReceipt]:
        """The receipts the provider has for messages sent (those in ``sent``, or for a provider that
        reports in bulk, any); a message still on its way has none. Raises ``SmsError``. Without a
        carrier (the console) there are none."""
        return []


@cache
def _backend(path: str) -> SmsBackend:
    return import_string(path)()


def sms_backend() -> SmsBackend:
    return _backend(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))


def sms_template_code(template: str) -> str:
    templates = getattr(settings, "SMS_TEMPLATES", {})
    code = templates.get(template, "")
    if not code:
        raise ImproperlyConfigured(f"SMS_TEMPLATES has no template code for {template!r}")
    return code


def sms_send(*, phone: str, template: str, params: Mapping[str, str]) -> str:
    """Send the message named ``template`` to ``phone``, counted against the daily budget; the
    provider's message id. Raises ``SmsError`` (and counts nothing more) when the budget is spent."""
    from notifications.sms.budget import sms_budget_take

    sms_budget_take()
    backend = sms_backend()
    try:
        message_id = backend.send(
            phone=phone,
            sign_name=getattr(settings, "SMS_SIGN_NAME", ""),
            template_code=sms_template_code(template),
            params=params,
        )
    except SmsError as error:
        logger.warning(
            "SMS %s to %s failed: %s %s", template, phone_mask(phone), error.code, type(error).__name__
        )
        raise
    logger.info("SMS %s sent to %s (%s)", template, phone_mask(phone), message_id)
    return message_id
