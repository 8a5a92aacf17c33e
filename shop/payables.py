"""A shop order as a payable of ``bookings.payments`` (``payables``): what the providers show for it,
and what happens to the order and the shop's ledger when its money arrives or goes back. Registered in
``ShopConfig.ready``; the payments reach the order only through here."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.payments.models import Payment, Refund
from bookings.payments.payables import Payable, PayableNotFound, payable_handler_register
from shop import ledger, services
from shop.models import Order

KIND = "shop_order"  # ``Order.source_reference``: shop_order:<id>


def _order(ident: int) -> Order:
    order = Order.objects.select_related("producer").filter(pk=ident).first()
    if order is None:
        raise PayableNotFound(f"{KIND}:{ident}")
    return order


def _why_not(order: Order, now: datetime) -> str:
    if not order.pays_online:
        return _("这个订单在取货或收货时付款 This order is paid on handover")
    if order.is_paid:
        return _("订单已付款 The order is paid")
    if order.status != Order.Status.PLACED:
        return _("订单已取消 The order is cancelled")
    if order.payment_overdue(now):
        return _("支付时间已过,订单已取消 The time to pay is over: the order is cancelled")
    return ""


class ShopOrderPayable:
    kind = KIND

    def describe(self, *, ident: int) -> Payable:
        order = _order(ident)
        first = order.lines.order_by("id").first()
        title = f"{order.producer.name} {first.name if first else ''}".strip()
        why_not = _why_not(order, timezone.now())
        return Payable(
            reference=order.source_reference,
            number=order.reference,
            title=title,
            amount=order.total,
            currency=order.currency,
            language=order.language,
            payer=order.user,
            pay_by=order.pay_by,
            payable_now=not why_not,
            why_not=why_not,
        )

    def lock(self, *, ident: int) -> None:
        if not Order.objects.select_for_update().filter(pk=ident).exists():
            raise PayableNotFound(f"{KIND}:{ident}")

    def pay_by_extend(self, *, ident: int, until: datetime) -> None:
        Order.objects.filter(pk=ident, paid_at__isnull=True, pay_by__lt=until).update(pay_by=until)

    def paid(self, *, payment: Payment) -> str | None:
        assert payment.paid_at is not None
        return services.order_paid_online(order_id=_ident(payment), paid_at=payment.paid_at)

    def payment_received(self, *, payment: Payment) -> None:
        ledger.order_online_payment(_order(_ident(payment)), payment)

    def refunded(self, *, refund: Refund) -> None:
        ledger.order_online_refund(_order(_ident(refund)), refund)

    def refund_failed(self, *, refund: Refund) -> None:
        ledger.order_online_refund(_order(_ident(refund)), refund, failed=True)

    def expire_due(self) -> int:
        return services.orders_expire_due()


def _ident(record: Payment | Refund) -> int:
    return int(record.payable.partition(":")[2])


def register() -> None:
    payable_handler_register(ShopOrderPayable())
