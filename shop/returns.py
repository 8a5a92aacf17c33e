"""A completed order brought back (退货), and the refund that goes with it.

The flow, kept simple and honest: the buyer asks the group (the order page says how), the group's staff
record the return in the producer console or the admin once they have agreed it with the producer, and
say whether the goods came back (then they go back into stock; perished red dates do not). Recording it
turns the ``sale`` posting around line for line (``sale_reversed``: the producer's part, the group's
margin and the delivery fee), records the refund and tells the buyer and the producer, in one
transaction under the order's lock. Repeating it changes nothing.

``order_refund_record`` is the refund step on its own, the same rule as cancelling: an order paid
offline gets the cash handed back recorded (``sale_refund``); an order paid online is refunded through
its provider (``payable_cancelled``), and the provider's confirmation posts the same ``sale_refund``.
"""

from django.db import transaction
from django.utils import timezone

from bookings.payments.payable_services import payable_cancelled
from shop import ledger, notices
from shop.models import Order
from shop.services import Actor, order_event_log, order_stock_return
from shop.transitions import transition_check


def order_refund_record(*, order: Order) -> None:
    """The money of a returned order given back to the buyer: through the provider it was paid with
    (sent after the commit), or, paid offline, handed back in cash or by transfer. Runs in the caller's
    transaction, under the order's lock; safe to repeat."""
    if order.pays_online:
        payable_cancelled(payable=order.source_reference)
    else:
        ledger.order_refunded(order)


@transaction.atomic
def order_return(*, order: Order | int, actor: Actor, reason: str = "", goods_back: bool = True) -> Order:
    """Record the return of a completed order (staff only, ``shop.transitions``). Safe to repeat: a
    returned order is answered as it is."""
    order_id = order.pk if isinstance(order, Order) else order
    locked = Order.objects.select_for_update().select_related("producer__village").get(pk=order_id)
    if locked.status == Order.Status.RETURNED:
        return locked
    transition_check(locked, "return", role=actor.role)
    before = locked.status
    locked.returned_at = timezone.now()
    locked.return_reason = reason.strip()[:200]
    locked.goods_back = goods_back
    if goods_back:
        order_stock_return(locked)
    ledger.order_sale_reversed(locked)
    order_refund_record(order=locked)
    locked.status = Order.Status.RETURNED
    locked.save()
    order_event_log(locked, "return", actor, before)
    notices.order_returned(locked)
    return locked
