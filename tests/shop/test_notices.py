"""What the producer and the buyer read about an order: rendered from the order as it is when sent."""

from decimal import Decimal

import pytest

from notifications.models import Notification
from notifications.sms.templates import SMS_SINGLE_LIMIT, sms_templates
from shop import notices
from shop.services import Actor, order_act, orders_place
from shop.transitions import PRODUCER
from tests import factories
from tests.shop import factories as shop

pytestmark = pytest.mark.django_db


def test_each_message_names_the_order_and_fits_one_text(django_capture_on_commit_callbacks):
    seller = factories.user()
    juice = shop.product(
        producer=shop.producer(users=[seller]), name_zh_hans="沙棘汁", price=Decimal("88.00")
    )
    [order] = orders_place(
        user=factories.user(),
        items={juice.pk: 1},
        fulfilment="delivery",
        recipient="李华",
        phone="13812345678",
        address="离石区永宁中路1号",
    )
    for action, extra in [("pack", {}), ("ship", {"tracking_number": "SF1234567890123"})]:
        order_act(order=order, action=action, actor=Actor(PRODUCER, seller), **extra)

    for notification in Notification.objects.all():
        message = notices.render(notification)
        assert message is not None and order.reference in message.subject
        assert message.sms is not None
        text = sms_templates()[message.sms.template].render(message.sms.params)
        assert order.reference in text and len(text) <= SMS_SINGLE_LIMIT, text
    shipped = notices.render(Notification.objects.get(event=notices.SHIPPED))
    assert shipped is not None and "SF1234567890123" in shipped.text
