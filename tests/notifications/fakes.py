"""Stand-ins for the world outside: a mail server that refuses, and an SMS gateway that records."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend

from notifications.channels import ChannelBackend, Message

REFUSING_MAILER = "tests.notifications.fakes.RefusingMailer"
SMS_CHANNEL = "tests.notifications.fakes.SmsChannel"


class RefusingMailer(BaseEmailBackend):
    """An SMTP server that refuses every recipient; its error quotes the address, as real ones do."""

    tries: list[list[str]] = []

    def send_messages(self, email_messages):
        for message in email_messages:
            RefusingMailer.tries.append(list(message.to))
            raise smtplib.SMTPRecipientsRefused(
                {address: (550, b"5.1.1 mailbox unavailable") for address in message.to}
            )
        return 0


class SmsChannel(ChannelBackend):
    """An SMS gateway: reaches a person at the phone number given in ``numbers`` (user id -> number)."""

    channel = "sms"
    numbers: dict[int, str] = {}
    sent: list[tuple[str, Message]] = []

    def address_for(self, user) -> str:
        return SmsChannel.numbers.get(user.pk, "")

    def send(self, *, address: str, message: Message) -> None:
        SmsChannel.sent.append((address, message))
