"""Who is told what about an order, through the notifications app (its channel routing, recorded once per
key, sent after the commit): the producer's people of a new order (role ``owner``: a villager gets a
text first), the buyer when the order is shipped or ready to pick up. The worker renders each message
from the order as it is then."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.channels import Message, SmsContent
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import Notice, notifications_queue
from notifications.sms.templates import SmsTemplate, sms_param, sms_template_register
from shop.models import Order

PREFIX = "shop."
PRODUCER_NEW = "shop.producer_new"
SHIPPED = "shop.shipped"
READY = "shop.ready"
HEADLINES = {
    PRODUCER_NEW: _("您有新订单 A new order"),
    SHIPPED: _("您的订单已发货 Your order is on its way"),
    READY: _("您的订单可以取货了 Your order is ready to pick up"),
}
SMS = {
    PRODUCER_NEW: SmsTemplate("shop_producer_new", "您有新订单${ref}，请在生产者中心查看并打包。"),
    SHIPPED: SmsTemplate("shop_shipped", "您的订单${ref}已发货，快递单号${tracking}。"),
    READY: SmsTemplate("shop_ready", "您的订单${ref}可以取货了，地点：${place}。"),
}


def order_placed(order: Order) -> None:
    notifications_queue(
        [
            Notice(
                key=f"{PRODUCER_NEW}:{order.reference}:{user.pk}",
                event=PRODUCER_NEW,
                subject=f"shop:{order.reference}",
                role="owner",
                recipient=user,
            )
            for user in order.producer.users.all()
        ]
    )


def order_changed(order: Order, *, action: str, by: str) -> None:
    event = {"ship": SHIPPED, "ready": READY}.get(action)
    if event is None or order.user is None:
        return
    notifications_queue(
        [
            Notice(
                key=f"{event}:{order.reference}",
                event=event,
                subject=f"shop:{order.reference}",
                role="guest",
                recipient=order.user,
                language=order.language,
            )
        ]
    )


def _place(order: Order) -> str:
    if order.booking is not None:
        return order.booking.homestay.name
    return order.producer.village.name


def render(notification: Notification) -> Message | None:
    reference = notification.subject.partition(":")[2]
    order = (
        Order.objects.select_related("producer__village", "booking__homestay")
        .filter(reference=reference)
        .first()
    )
    if order is None:
        return None
    headline = str(HEADLINES[notification.event])
    site = str(settings.SITE_NAME)
    if notification.event == PRODUCER_NEW:
        path = reverse("producer:order", kwargs={"reference": order.reference})
        lines = [f"{line.name} × {line.quantity}{line.unit}" for line in order.lines.all()]
        text = "\n".join(
            [f"{headline}: {order.reference}", *lines, f"{order.get_fulfilment_display()}", path]
        )
        params = {"ref": order.reference}
    else:
        path = reverse("shop:order", kwargs={"reference": order.reference})
        detail = order.tracking_number if notification.event == SHIPPED else _place(order)
        text = f"{headline}: {order.reference}\n{detail}\n{path}"
        params = {
            "ref": order.reference,
            "tracking": sms_param(order.tracking_number),
            "place": sms_param(_place(order)),
        }
    template = SMS[notification.event]
    return Message(
        subject=f"【{site}】{headline} {order.reference}",
        text=text,
        short=f"【{site}】{headline} {order.reference}",
        sms=SmsContent(template.name, {name: params[name] for name in template.params}),
        facts={"reference": order.reference, "amount": order.total, "status": order.get_status_display()},
    )


def register() -> None:
    renderer_register(PREFIX, render)
    for template in SMS.values():
        sms_template_register(template)
