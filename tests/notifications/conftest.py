"""Notification tests: a clock under the test's control and a renderer for ``test.`` events.

Queued notifications go to the task backend when the transaction commits: run the commit callbacks with
``django_capture_on_commit_callbacks(execute=True)``; the backend is the immediate one
(tests/conftest.py), so they are sent right then."""

import pytest

from notifications import registry
from notifications.channels import Message
from tests.bookings.conftest import Clock
from tests.notifications.fake_sms import FakeProvider, fake_server
from tests.notifications.fakes import RefusingMailer, SmsChannel

SECRET = "fake-secret-of-the-test"


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


@pytest.fixture
def aliyun_sms(settings):
    """The Aliyun backend chosen by the settings, against the fake server."""
    provider = FakeProvider("LTAI-fake-key-id", SECRET)
    with fake_server(provider, "aliyun") as endpoint:
        settings.SMS_BACKEND = "notifications.sms.aliyun.AliyunSmsBackend"
        settings.ALIYUN_SMS_ACCESS_KEY_ID = provider.key_id
        settings.ALIYUN_SMS_ACCESS_KEY_SECRET = SECRET
        settings.ALIYUN_SMS_ENDPOINT = endpoint
        settings.ALIYUN_SMS_PROTOCOL = "http"
        settings.SMS_PROVIDER_TIMEOUT = 2  # slack for a loaded machine; the timeout test waits 2.5 s
        yield provider


@pytest.fixture
def tencent_sms(settings):
    """The Tencent backend chosen by the settings, against the fake server."""
    provider = FakeProvider("AKID-fake-secret-id", SECRET)
    with fake_server(provider, "tencent") as endpoint:
        settings.SMS_BACKEND = "notifications.sms.tencent.TencentSmsBackend"
        settings.TENCENT_SMS_SECRET_ID = provider.key_id
        settings.TENCENT_SMS_SECRET_KEY = SECRET
        settings.TENCENT_SMS_SDK_APP_ID = "1400000001"
        settings.TENCENT_SMS_ENDPOINT = endpoint
        settings.TENCENT_SMS_PROTOCOL = "http"
        settings.SMS_PROVIDER_TIMEOUT = 2  # slack for a loaded machine; the timeout test waits 2.5 s
        yield provider
