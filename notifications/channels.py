"""The channels a notification can go out on, behind one interface.

A channel backend knows how to reach a person (``address_for``) and how to send a ``Message``; it
returns the provider's id for the message when there is one (an SMS's BizId or SerialNo, a WeChat
subscription message's msgid), recorded on the notification. E-mail is here; SMS
(``notifications.sms.channel``) and WeChat subscription messages (``notifications.wechat``) plug in
through ``NOTIFICATION_CHANNELS`` (channel -> dotted path) with the same two methods. SMS sends the
message's ``sms`` (a pre-approved template and its parameters), WeChat its ``facts`` (the values of a
subscription template's fields); channels that carry one line use ``short``. Which channel reaches
whom is ``notifications.routing``.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from notifications.models import Channel

DEFAULT_CHANNELS = {Channel.EMAIL: "notifications.channels.EmailChannel"}


@dataclass(frozen=True)
class SmsContent:
    """An SMS: the template's name (``SMS_TEMPLATES`` maps it to the provider's code) and its
    parameters by name, each within the provider's length limit (``notifications.sms.templates``)."""

    template: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """What a person reads: ``subject`` and ``text`` (and ``html``) for e-mail, ``short`` for channels
    that carry one line, ``sms`` for text messages, ``facts`` for channels that fill a template's fields
    (named values: the booking's ``reference``, ``homestay``, ``stay`` as a pair of dates, ``amount`` as a
    Decimal, a short Chinese ``status``...). ``event`` is the notification's event (set by the worker)."""

    subject: str
    text: str
    html: str = ""
    short: str = ""
    sms: SmsContent | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)
    event: str = ""


class DeliveryError(Exception):
    """The channel could not deliver. ``retryable``: trying again later may work. ``fallback``: this
    channel cannot reach the person with this message (they refused it, or never agreed to it), but
    another channel may: the worker sends it there instead."""

    def __init__(self, message: str, *, retryable: bool = True, fallback: bool = False):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.fallback = fallback


class ChannelBackend(ABC):
    channel: ClassVar[str]

    @abstractmethod
    def address_for(self, user: User) -> str:
        """Where this person is reached on this channel; empty when they cannot be."""

    @abstractmethod
    def send(self, *, address: str, message: Message) -> str | None:
        """Deliver the message or raise ``DeliveryError``; returns the provider's id for it, if any."""


class EmailChannel(ChannelBackend):
    channel = Channel.EMAIL

    def address_for(self, user: User) -> str:
        return getattr(user, "email", "") or ""

    def send(self, *, address: str, message: Message) -> str | None:
        email = EmailMultiAlternatives(message.subject, message.text, to=[address])
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except OSError as error:  # SMTP errors, refused connections and time-outs are all OSErrors
            raise DeliveryError(f"{type(error).__name__}: {error}"[:300]) from error
        return None


def channels_enabled() -> dict[str, ChannelBackend]:
    paths = getattr(settings, "NOTIFICATION_CHANNELS", None) or DEFAULT_CHANNELS
    return {channel: import_string(path)() for channel, path in paths.items()}
