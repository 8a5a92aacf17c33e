"""SMS as a notification channel: a person's verified mobile number, and the message's template sent
through the configured SMS backend (``sms_send``: counted against the daily budget).

A message without an SMS template cannot go out by SMS (``DeliveryError``, not retried). Provider
answers map onto the channel's: ``SmsRejected`` (a bad number, template or signature, no balance) is
final; throttling and unavailability are tried again with the notification's backoff. The error kept
on the notification is the provider's code and message, which staff read redacted.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from common.models import UserPhone
from notifications.channels import ChannelBackend, DeliveryError, Message
from notifications.models import Channel
from notifications.sms import SmsError, sms_send


class SmsChannel(ChannelBackend):
    channel = Channel.SMS

    def address_for(self, user: User) -> str:
        """The verified number; read from the user object when loaded with ``select_related("phone")``."""
        try:
            phone = user.phone
        except UserPhone.DoesNotExist:
            return ""
        return phone.number if phone.verified else ""

    def send(self, *, address: str, message: Message) -> str | None:
        if message.sms is None:
            raise DeliveryError("此消息没有短信模板 No SMS template for this message", retryable=False)
        try:
            return sms_send(phone=address, template=message.sms.template, params=message.sms.params)
        except ImproperlyConfigured as error:  # no template code for it in SMS_TEMPLATES
            raise DeliveryError(str(error)[:300], retryable=False) from error
        except SmsError as error:
            text = f"{error.code}: {error.message}" if error.code else error.message
            raise DeliveryError(text[:300], retryable=error.retryable) from error
