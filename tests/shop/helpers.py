"""Orders in a given state for the shop's tests."""

from shop.models import Order
from shop.services import Actor, order_act, orders_place
from shop.transitions import PRODUCER

PHONE = "13800138000"


def delivered_and_completed(*, buyer, seller, items: dict[int, int]) -> Order:
    """A delivered order, shipped, paid in cash and completed by the producer."""
    [order] = orders_place(
        user=buyer, items=items, fulfilment="delivery", recipient="李四", phone=PHONE, address="永宁路1号"
    )
    for action, extra in [("pack", {}), ("ship", {"tracking_number": "SF1"}), ("pay", {}), ("complete", {})]:
        order = order_act(order=order, action=action, actor=Actor(PRODUCER, seller), **extra)
    return order
