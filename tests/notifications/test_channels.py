"""The e-mail channel and the channels named in the settings."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from notifications.channels import DeliveryError, EmailChannel, Message, channels_enabled
from tests import factories
from tests.notifications.fakes import REFUSING_MAILER, SMS_CHANNEL, SmsChannel

MESSAGE = Message(subject="预订已确认 Booking confirmed", text="正文 Text", html="<p>正文</p>", short="短信")


def test_an_email_carries_the_text_and_the_html_part():
    EmailChannel().send(address="guest@example.com", message=MESSAGE)

    [email] = mail.outbox
    assert (email.to, email.subject, email.body) == (["guest@example.com"], MESSAGE.subject, MESSAGE.text)
    assert isinstance(email, EmailMultiAlternatives)
    assert list(email.alternatives) == [("<p>正文</p>", "text/html")]


def test_an_email_without_html_is_plain_text():
    EmailChannel().send(address="guest@example.com", message=Message(subject="S", text="T"))

    [email] = mail.outbox
    assert isinstance(email, EmailMultiAlternatives)
    assert email.alternatives == []


def test_a_refusing_mail_server_is_a_delivery_error_worth_retrying(settings):
    settings.EMAIL_BACKEND = REFUSING_MAILER

    with pytest.raises(DeliveryError) as raised:
        EmailChannel().send(address="guest@example.com", message=MESSAGE)

    assert raised.value.retryable
    assert raised.value.message.startswith("SMTPRecipientsRefused")


@pytest.mark.django_db
def test_the_email_address_is_the_users():
    assert EmailChannel().address_for(factories.user(email="a@example.com")) == "a@example.com"
    assert EmailChannel().address_for(factories.user(email="")) == ""


def test_the_enabled_channels_come_from_the_settings(settings):
    settings.NOTIFICATION_CHANNELS = {"email": "notifications.channels.EmailChannel", "sms": SMS_CHANNEL}

    enabled = channels_enabled()

    assert {name: type(backend) for name, backend in enabled.items()} == {
        "email": EmailChannel,
        "sms": SmsChannel,
    }


def test_without_settings_only_email_is_enabled(settings):
    settings.NOTIFICATION_CHANNELS = {}

    assert {name: type(backend) for name, backend in channels_enabled().items()} == {"email": EmailChannel}
