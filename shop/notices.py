"""Who is told what about an order, through the notifications app (its channel routing, recorded once per
key, sent after the commit): the producer's people of a new order (role ``owner``: a villager gets a
text first), the buyer when the order is shipped or ready to pick up, both when a completed order is
returned, and the producer's people when the group pays them. The worker renders each message from the
order (or payout) as it is then.

Every event has an SMS template (``SMS``, registered in ``register`` and listed in
``SMS_TEMPLATE_NAMES``): Chinese, one SMS of 70 characters with the signature and the longest values
(tests/shop/test_notices.py); names are cut to ``NAME_LIMIT`` characters."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.channels import Message, SmsContent
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import Notice, notifications_queue
from notifications.sms.templates import SmsTemplate, sms_param, sms_template_register
from shop.models import Order, ProducerPayout

PREFIX = "shop."
PRODUCER_NEW = "shop.producer_new"
SHIPPED = "shop.shipped"
READY = "shop.ready"
RETURNED = "shop.returned"
PRODUCER_RETURNED = "shop.producer_returned"
PRODUCER_PAID = "shop.producer_paid"
NAME_LIMIT = 12
HEADLINES = {
    PRODUCER_NEW: _("您有新订单 A new order"),
    SHIPPED: _("您的订单已发货 Your order is on its way"),
    READY: _("您的订单可以取货了 Your order is ready to pick up"),
    RETURNED: _("您的订单已退货 Your order was returned"),
    PRODUCER_RETURNED: _("订单已退货 An order was returned"),
    PRODUCER_PAID: _("集团已向您付款 The group paid you"),
}
SMS = {
    PRODUCER_NEW: SmsTemplate(
        "shop_producer_new",
        "您有新订单${ref}，请在生产者中心查看并打包。",
        "生产者：新订单 Producer: new order",
    ),
    SHIPPED: SmsTemplate(
        "shop_shipped", "您的订单${ref}已发货，快递单号${tracking}。", "买家：已发货 Buyer: order shipped"
    ),
    READY: SmsTemplate(
        "shop_ready", "您的订单${ref}可以取货了，地点：${place}。", "买家：可取货 Buyer: ready to pick up"
    ),
    RETURNED: SmsTemplate(
        "shop_returned",
        "您的订单${ref}已办理退货，${amount}元将退还给您。",
        "买家：已退货退款 Buyer: order returned, money back",
    ),
    PRODUCER_RETURNED: SmsTemplate(
        "shop_producer_returned",
        "订单${ref}已退货，该单货款不再计入您的收入，详见生产者中心。",
        "生产者：订单退货 Producer: order returned",
    ),
    PRODUCER_PAID: SmsTemplate(
        "shop_producer_paid",
        "集团已向${producer}支付货款${amount}元，付款日期${day}，详见生产者中心。",
        "生产者：货款已支付 Producer: payout made",
    ),
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


def order_returned(order: Order) -> None:
    """Tell the buyer (money back) and the producer's people (not earned after all)."""
    notices = [
        Notice(
            key=f"{PRODUCER_RETURNED}:{order.reference}:{user.pk}",
            event=PRODUCER_RETURNED,
            subject=f"shop:{order.reference}",
            role="owner",
            recipient=user,
        )
        for user in order.producer.users.all()
    ]
    if order.user is not None:
        notices.append(
            Notice(
                key=f"{RETURNED}:{order.reference}",
                event=RETURNED,
                subject=f"shop:{order.reference}",
                role="guest",
                recipient=order.user,
                language=order.language,
            )
        )
    notifications_queue(notices)


def producer_paid(payout: ProducerPayout) -> None:
    notifications_queue(
        [
            Notice(
                key=f"{PRODUCER_PAID}:{payout.pk}:{user.pk}",
                event=PRODUCER_PAID,
                subject=f"shop_payout:{payout.pk}",
                role="owner",
                recipient=user,
            )
            for user in payout.producer.users.all()
        ]
    )


def _payout_render(notification: Notification) -> Message | None:
    pk = notification.subject.partition(":")[2]
    payout = ProducerPayout.objects.select_related("producer").filter(pk=pk if pk.isdigit() else 0).first()
    if payout is None:
        return None
    headline = str(HEADLINES[PRODUCER_PAID])
    site = str(settings.SITE_NAME)
    amount = f"{payout.amount}"
    path = reverse("producer:earnings")
    day = f"{payout.paid_on.month}月{payout.paid_on.day}日"
    params = {"producer": sms_param(payout.producer.name, limit=NAME_LIMIT), "amount": amount, "day": day}
    return Message(
        subject=f"【{site}】{headline} ¥{amount}",
        text=f"{headline}: {payout.producer.name}\n¥{amount} · {payout.paid_on.isoformat()}\n{path}",
        short=f"【{site}】{headline} ¥{amount}",
        sms=SmsContent(SMS[PRODUCER_PAID].name, params),
        facts={"amount": payout.amount},
    )


def _place(order: Order) -> str:
    if order.booking is not None:
        return order.booking.homestay.name
    return order.producer.village.name


def render(notification: Notification) -> Message | None:
    if notification.event == PRODUCER_PAID:
        return _payout_render(notification)
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
    if notification.event in (PRODUCER_NEW, PRODUCER_RETURNED):
        path = reverse("producer:order", kwargs={"reference": order.reference})
        lines = [f"{line.name} × {line.quantity}{line.unit}" for line in order.lines.all()]
        text = "\n".join(
            [f"{headline}: {order.reference}", *lines, f"{order.get_fulfilment_display()}", path]
        )
        params = {"ref": order.reference}
    else:
        path = reverse("shop:order", kwargs={"reference": order.reference})
        detail = {
            SHIPPED: order.tracking_number,
            READY: _place(order),
            RETURNED: f"¥{order.total}",
        }[notification.event]
        text = f"{headline}: {order.reference}\n{detail}\n{path}"
        params = {
            "ref": order.reference,
            "tracking": sms_param(order.tracking_number),
            "place": sms_param(_place(order), limit=NAME_LIMIT),
            "amount": f"{order.total}",
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
