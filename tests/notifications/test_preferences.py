"""A person chooses how and in which language the platform writes to them (/notifications/)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import ContactPreference
from notifications.services import notification_deliver, notification_queue
from notifications.tasks import notification_send
from tests import factories

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")


def test_the_page_shows_the_defaults_before_anything_was_chosen(client):
    client.force_login(factories.user())

    page = client.get(URL)

    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="channel"[^>]*value=""[^>]*checked', page.text)
    assert re.search(r'<input[^>]*name="language"[^>]*value="zh-hans"[^>]*checked', page.text)


def test_choosing_english_is_saved_and_used_for_the_next_message(client, django_capture_on_commit_callbacks):
    user = factories.user(email="owner@example.com")
    client.force_login(user)

    response = client.post(URL, {"channel": "email", "language": "en"})

    assert response.status_code == 302
    assert ContactPreference.objects.get(user=user).language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(
            key="test:1", event="test.hello", subject="test:1", role="owner", recipient=user
        )
    assert notification.language == "en"


def test_a_channel_that_is_not_enabled_cannot_be_chosen(client, settings):
    settings.NOTIFICATION_CHANNELS = {"email": "notifications.channels.EmailChannel"}
    user = factories.user()
    client.force_login(user)

    response = client.post(URL, {"channel": "sms", "language": "zh-hans"})

    assert response.status_code == 400
    assert not ContactPreference.objects.filter(user=user).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_an_unknown_event_fails_the_notification_instead_of_retrying(django_capture_on_commit_callbacks):
    user = factories.user(email="someone@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_queue(
            key="test:2", event="nobody.renders.this", subject="x:1", role="guest", recipient=user
        )
    notification.refresh_from_db()

    assert notification.status == "failed"
    assert notification.attempts == 1
    assert mail.outbox == []
    assert notification_deliver(notification_id=notification.pk) is None
    assert notification_send.call(notification.pk) == "not_due"


def test_an_owner_with_a_verified_phone_sees_that_automatic_means_sms_to_their_masked_number(client):
    from common.models import UserPhone

    owner = factories.user(email="host@example.cn")
    factories.homestay(owner=owner)
    UserPhone.objects.create(user=owner, number="+8613812345678", verified=True)
    client.force_login(owner)

    page = client.get(URL).text

    assert "新预订、预订申请、取消和付款会用短信发到您已验证的手机号" in page
    assert "短信 SMS · ***5678" in page
    assert "13812345678" not in page


def test_choosing_automatic_again_clears_an_earlier_choice(client):
    user = factories.user(email="li@example.cn")
    ContactPreference.objects.create(user=user, channel="email")
    client.force_login(user)

    response = client.post(URL, {"channel": "", "language": "zh-hans"})

    assert response.status_code == 302
    assert ContactPreference.objects.get(user=user).channel == ""
