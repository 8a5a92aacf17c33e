"""Notification tests: a clock under the test's control and a renderer for ``test.`` events.

Queued notifications go to the task backend when the transaction commits: run the commit callbacks with
``django_capture_on_commit_callbacks(execute=True)``; the backend is the immediate one
(tests/conftest.py), so they are sent right then."""

import pytest

from notifications import registry
from notifications.channels import Message
from tests.bookings.conftest import Clock
from tests.notifications.fakes import RefusingMailer, SmsChannel


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


class Script:
    """What the ``test.`` renderer answers: a message naming the notification, or ``None`` (no longer
    needed) for the events in ``unneeded``. ``rendered`` lists the languages it was asked in."""

    def __init__(self):
        self.unneeded: set[str] = set()
        self.rendered: list[str] = []

    def __call__(self, notification) -> Message | None:
        from django.utils import translation

        self.rendered.append(translation.get_language())
        if notification.event in self.unneeded:
            return None
        return Message(
            subject=f"Subject of {notification.key}",
            text=f"Text of {notification.key}",
            html=f"<p>HTML of {notification.key}</p>",
            short=f"Short {notification.key}",
        )


@pytest.fixture(autouse=True)
def script(monkeypatch) -> Script:
    renderer = Script()
    monkeypatch.setitem(registry._renderers, "test.", renderer)
    return renderer


@pytest.fixture(autouse=True)
def _fakes_start_empty(monkeypatch):
    monkeypatch.setattr(RefusingMailer, "tries", [])
    monkeypatch.setattr(SmsChannel, "numbers", {})
    monkeypatch.setattr(SmsChannel, "sent", [])
