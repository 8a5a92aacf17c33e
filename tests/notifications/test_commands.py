"""``manage.py send_notifications``: the cron job that sends what is due."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from notifications.services import notification_queue
from tests import factories

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("send_notifications", stdout=out)
    return out.getvalue()


def test_the_command_sends_what_is_due_once_however_often_it_runs(
    settings, clock, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        for number in (1, 2):
            notification_queue(
                key=f"test.hello:{number}",
                event="test.hello",
                subject=f"thing:{number}",
                role="guest",
                recipient=factories.user(),
            )
    clock.advance(minutes=5)

    assert "已尝试发送 2 条通知 Tried 2 notifications" in run()
    assert "Tried 0 notifications" in run()

    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}
