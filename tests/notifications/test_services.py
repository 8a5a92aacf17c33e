"""Queueing and sending notifications: once per key, only after the commit, retried with backoff when the
mail server fails, given up after MAX_ATTEMPTS, sent again on staff's request, and swept up by
``notifications_send_due`` when no worker took them."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from notifications import registry
from notifications.models import Channel, ContactPreference, Notification
from notifications.services import (
    BACKOFF,
    MAX_ATTEMPTS,
    UNSENT_GRACE,
    notification_deliver,
    notification_queue,
    notification_retry,
    notifications_send_due,
)
from tests import factories
from tests.notifications.fakes import REFUSING_MAILER, SMS_CHANNEL, RefusingMailer, SmsChannel

pytestmark = pytest.mark.django_db
Status = Notification.Status
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def person():
    return factories.user(email="guest@example.com")


def queue(recipient, key: str = "test.hello:1", **fields):
    fields.setdefault("event", "test.hello")
    fields.setdefault("subject", "thing:1")
    fields.setdefault("role", "guest")
    return notification_queue(key=key, recipient=recipient, **fields)


def fresh(notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


# Queueing and sending after the commit


def test_nothing_is_sent_before_the_transaction_commits(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)
        assert mail.outbox == []
        assert fresh(notification).status == Status.PENDING

    [email] = mail.outbox
    assert email.to == ["guest@example.com"]
    assert email.subject == "Subject of test.hello:1"
    assert isinstance(email, EmailMultiAlternatives)
    assert list(email.alternatives) == [("<p>HTML of test.hello:1</p>", "text/html")]
    notification = fresh(notification)
    assert (notification.status, notification.attempts, notification.last_error) == (Status.SENT, 1, "")
    assert notification.sent_at is not None and notification.next_attempt_at is None


def test_a_rolled_back_change_records_and_sends_nothing(person, django_capture_on_commit_callbacks):
    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        queue(person)
        raise Undo

    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_same_key_queued_twice_is_recorded_and_sent_once(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(person)
        second = queue(person, context={"different": True})
    with django_capture_on_commit_callbacks(execute=True):
        third = queue(person)

    assert first.pk == second.pk == third.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_different_keys_are_different_messages(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(person, key="test.hello:1")
        queue(person, key="test.hello:2")

    assert sorted(email.subject for email in mail.outbox) == [
        "Subject of test.hello:1",
        "Subject of test.hello:2",
    ]


def test_a_person_without_an_address_is_recorded_as_not_needed(django_capture_on_commit_callbacks):
    nobody = factories.user(email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = queue(nobody)

    assert callbacks == []
    notification = fresh(notification)
    assert (notification.status, notification.last_error, notification.address) == (
        Status.SKIPPED,
        "no address",
        "",
    )
    assert mail.outbox == []


def test_delivering_a_sent_notification_again_sends_nothing(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)

    assert notification_deliver(notification_id=notification.pk) is None
    assert len(mail.outbox) == 1
    assert fresh(notification).attempts == 1


def test_a_message_no_longer_needed_is_skipped(person, script, django_capture_on_commit_callbacks):
    script.unneeded.add("test.reminder")

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person, key="test.reminder:1", event="test.reminder")

    assert mail.outbox == []
    assert fresh(notification).status == Status.SKIPPED


def test_an_event_nobody_renders_fails_at_once_without_retrying(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person, key="nobody.knows:1", event="nobody.knows")

    notification = fresh(notification)
    assert (notification.status, notification.attempts) == (Status.FAILED, 1)
    assert "LookupError" in notification.last_error
    assert mail.outbox == []


# Language and channel


def test_the_message_is_rendered_in_the_notifications_language(
    person, script, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(person, language="en")

    assert script.rendered == ["en"]


def test_without_a_preference_a_person_is_written_to_by_email_in_chinese(person):
    notification = queue(person)

    assert (notification.channel, notification.address, notification.language) == (
        Channel.EMAIL,
        "guest@example.com",
        "zh-hans",
    )


def test_the_preferred_language_is_used_unless_the_caller_names_one(person):
    ContactPreference.objects.create(user=person, language="en")

    assert queue(person, key="test.a:1").language == "en"
    assert queue(person, key="test.a:2", language="zh-hans").language == "zh-hans"


def test_a_preferred_channel_that_is_not_enabled_falls_back_to_email(
    person, django_capture_on_commit_callbacks
):
    ContactPreference.objects.create(user=person, channel=Channel.SMS)

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)

    assert (notification.channel, notification.address) == (Channel.EMAIL, "guest@example.com")
    assert len(mail.outbox) == 1


def test_an_enabled_sms_channel_sends_the_short_text(person, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = {"email": "notifications.channels.EmailChannel", "sms": SMS_CHANNEL}
    ContactPreference.objects.create(user=person, channel=Channel.SMS)
    SmsChannel.numbers[person.pk] = "13900001111"

    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)

    assert (fresh(notification).channel, fresh(notification).status) == (Channel.SMS, Status.SENT)
    [(number, message)] = SmsChannel.sent
    assert (number, message.short) == ("13900001111", "Short test.hello:1")
    assert mail.outbox == []


def test_a_person_on_sms_without_a_number_is_written_to_by_email(person, settings):
    settings.NOTIFICATION_CHANNELS = {"email": "notifications.channels.EmailChannel", "sms": SMS_CHANNEL}
    ContactPreference.objects.create(user=person, channel=Channel.SMS)

    notification = queue(person)

    assert (notification.channel, notification.address) == (Channel.EMAIL, "guest@example.com")


# A failing mail server


def test_a_failing_mail_server_is_retried_with_backoff_then_given_up(
    person, settings, clock, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING_MAILER
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)
    first_try = clock.now

    for attempt, wait in enumerate(BACKOFF, start=1):
        notification = fresh(notification)
        assert (notification.status, notification.attempts) == (Status.PENDING, attempt)
        assert notification.next_attempt_at == first_try + sum(BACKOFF[:attempt], timedelta())
        assert "SMTPRecipientsRefused" in notification.last_error
        clock.advance(seconds=wait.total_seconds() - 1)
        assert notifications_send_due() == 0, f"retry {attempt} came early"
        clock.advance(seconds=1)
        assert notifications_send_due() == 1

    notification = fresh(notification)
    assert (notification.status, notification.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert notification.next_attempt_at is None
    assert len(RefusingMailer.tries) == MAX_ATTEMPTS
    clock.advance(days=1)
    assert notifications_send_due() == 0
    assert len(RefusingMailer.tries) == MAX_ATTEMPTS
    assert mail.outbox == []


def test_a_message_is_sent_once_the_mail_server_is_back(
    person, settings, clock, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING_MAILER
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)
    settings.EMAIL_BACKEND = LOCMEM
    clock.advance(minutes=1)

    assert notifications_send_due() == 1
    assert notifications_send_due() == 0

    notification = fresh(notification)
    assert (notification.status, notification.attempts, notification.last_error) == (Status.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_the_log_names_the_notification_but_never_the_address(
    person, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING_MAILER
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)

    assert f"notification {notification.pk} (test.hello) not sent" in caplog.text
    assert "guest@example.com" not in caplog.text


def test_staff_send_a_failed_notification_again(person, settings, clock, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = REFUSING_MAILER
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)
    for wait in BACKOFF:
        clock.advance(seconds=wait.total_seconds())
        notifications_send_due()
    assert fresh(notification).status == Status.FAILED
    settings.EMAIL_BACKEND = LOCMEM

    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=notification)

    notification = fresh(notification)
    assert (notification.status, notification.attempts) == (Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_asking_to_resend_a_sent_notification_sends_nothing(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification_retry(notification=notification)

    assert callbacks == []
    assert fresh(notification).status == Status.SENT
    assert len(mail.outbox) == 1


def test_a_retry_after_fixing_the_address_goes_to_the_new_address(
    settings, clock, django_capture_on_commit_callbacks
):
    person = factories.user(email="guest@exmaple.com")  # a typo the mail server refuses
    settings.EMAIL_BACKEND = REFUSING_MAILER
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)
    for wait in BACKOFF:
        clock.advance(seconds=wait.total_seconds())
        notifications_send_due()
    person.email = "guest@example.com"
    person.save()
    settings.EMAIL_BACKEND = LOCMEM

    with django_capture_on_commit_callbacks(execute=True):
        notification_retry(notification=notification)

    [email] = mail.outbox
    assert email.to == ["guest@example.com"]


# The safety net: notifications no worker took


def test_the_due_job_sends_what_no_worker_picked_up(
    person, settings, clock, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS  # a queue nobody works on
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue(person)
    assert mail.outbox == []

    assert notifications_send_due() == 0, "queued moments ago: left to its worker"
    clock.advance(seconds=UNSENT_GRACE.total_seconds())
    assert notifications_send_due() == 1
    assert notifications_send_due() == 0

    assert fresh(notification).status == Status.SENT
    assert len(mail.outbox) == 1


# Errors that are not the channel's


class BrokenMailer(BaseEmailBackend):
    """A mail backend with a bug of its own: not an OSError, so not a DeliveryError either."""

    def send_messages(self, email_messages):
        raise ValueError("guest@example.com: header contains a newline")


def test_an_unexpected_error_is_retried_then_failed_and_reaches_staff(person, clock, settings, caplog):
    settings.EMAIL_BACKEND = "tests.notifications.test_services.BrokenMailer"
    settings.TASKS = DUMMY_TASKS
    notification = queue(person)

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        for _attempt in range(MAX_ATTEMPTS + 3):
            notification_deliver(notification_id=notification.pk)
            clock.advance(hours=3)
            notifications_send_due()

    notification = fresh(notification)
    assert (notification.status, notification.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert "ValueError" in notification.last_error
    assert "guest@example.com" not in caplog.text


def test_one_broken_notification_does_not_stop_the_sweep(person, clock, settings, monkeypatch):
    def render_with_a_bug(notification):
        raise RuntimeError("the template has a bug")

    monkeypatch.setitem(registry._renderers, "broken.", render_with_a_bug)
    settings.TASKS = DUMMY_TASKS
    broken = queue(person, key="broken.thing:1", event="broken.thing")
    fine = queue(person, key="test.hello:2")
    clock.advance(minutes=5)

    notifications_send_due()

    assert (fresh(broken).status, fresh(broken).attempts) == (Status.PENDING, 1)
    assert "RuntimeError" in fresh(broken).last_error
    assert fresh(fine).status == Status.SENT
