import pytest

from events import notices, services
from notifications.models import Notification
from tests import factories
from tests.events.helpers import register

pytestmark = pytest.mark.django_db


def test_the_confirmation_says_when_where_how_many_and_what_to_pay_at_the_door(paid_slot):
    ticket = register(paid_slot, user=factories.user(), quantity=2)
    notification = Notification.objects.get(key=f"ticket.registered:{ticket.pk}")

    message = notices.render(notification)

    assert message is not None
    assert "2026-09-01 14:00" in message.text
    assert "¥60.00" in message.text
    assert ticket.get_absolute_url() in message.text
    assert "13800138000" not in message.text


def test_a_ticket_cancelled_before_the_message_goes_sends_nothing(free_slot):
    ticket = register(free_slot)
    services.ticket_cancel(ticket=ticket)

    assert notices.render(Notification.objects.get(key=f"ticket.registered:{ticket.pk}")) is None


def test_the_confirmation_is_in_english_for_an_english_registration(free_slot):
    ticket = services.ticket_register(
        slot=free_slot,
        holder=factories.user(),
        holder_name="Li Lei",
        holder_phone="13800138000",
        quantity=1,
        language="en",
    ).ticket

    notification = Notification.objects.get(key=f"ticket.registered:{ticket.pk}")

    assert notification.language == "en"
    assert notices.render(notification) is not None
