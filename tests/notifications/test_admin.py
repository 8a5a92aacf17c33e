"""Staff see notifications in the admin, cannot edit or delete them, and can send failed ones again."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def staff_client(client):
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    return client


def failed(**fields) -> Notification:
    recipient = factories.user(email="guest@example.com")
    return Notification.objects.create(
        key=f"test.hello:{recipient.pk}",
        event="test.hello",
        subject="thing:1",
        role="guest",
        recipient=recipient,
        channel="email",
        address=recipient.email,
        language="zh-hans",
        status=Notification.Status.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused",
        **fields,
    )


def test_staff_send_failed_notifications_again_from_the_list(
    staff_client, django_capture_on_commit_callbacks
):
    notification = failed()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "retry", "_selected_action": [notification.pk]}, follow=True
        )

    assert response.status_code == 200
    assert "已重新排队" in response.text
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_notifications_cannot_be_added_or_deleted_in_the_admin(staff_client):
    notification = failed()

    assert staff_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    delete = reverse("admin:notifications_notification_delete", args=[notification.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_staff_do_not_see_who_the_recipient_is_by_username(staff_client):
    """allauth makes usernames from the e-mail's local part: the page names the person by number only."""
    notification = failed()
    assert notification.recipient is not None
    notification.recipient.username = "zhao.min88"
    notification.recipient.save()

    page = staff_client.get(reverse("admin:notifications_notification_change", args=[notification.pk])).text

    assert "zhao.min88" not in page
    assert f"#{notification.recipient_id}" in page


def sms_sent(**fields) -> Notification:
    recipient = factories.user(email="")
    fields.setdefault("key", f"booking.confirmed:{recipient.pk}")
    fields.setdefault("provider_id", "900619746936498440^0")
    return Notification.objects.create(
        event="booking.confirmed",
        subject="booking:ABCD2345",
        role="guest",
        recipient=recipient,
        channel="sms",
        address="+8613812345678",
        language="zh-hans",
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        **fields,
    )


def test_the_list_shows_sms_numbers_masked_and_whether_they_were_delivered(staff_client):
    sms_sent(delivered_at=timezone.now())

    page = staff_client.get(CHANGELIST).text

    assert "13812345678" not in page
    assert "***5678" in page
    assert "送达时间 delivered" in page


def test_staff_find_an_sms_by_the_providers_message_id_and_see_its_receipt(staff_client):
    notification = sms_sent()
    delivered = sms_sent(key="other", delivered_at=timezone.now(), provider_id="5000:1045")

    found = staff_client.get(CHANGELIST, {"q": "900619746936498440^0"}).context["cl"].result_list
    undelivered = staff_client.get(CHANGELIST, {"delivered_at__isempty": "1"}).context["cl"].result_list
    page = staff_client.get(reverse("admin:notifications_notification_change", args=[delivered.pk])).text

    assert list(found) == [notification]
    assert list(undelivered) == [notification]
    assert "5000:1045" in page and "13812345678" not in page
