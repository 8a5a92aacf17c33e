"""What may happen to an order next: one table of actions, each with the statuses it starts from, the
roles that may take it and a guard on the order's facts (how it is handed over, whether it is paid).

The services enforce it (``transition_check`` raises ``IllegalTransition``, which the API answers with
409) and the pages read it (``actions_for``): the producer console shows exactly the buttons the services
would accept. Repeating an action already done is not a transition: the services answer the order as it
is (idempotent) before asking this table.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shop.errors import IllegalTransition
from shop.models import Fulfilment, Order, OrderStatus

Status = OrderStatus
BUYER, PRODUCER, STAFF = "buyer", "producer", "staff"

Guard = Callable[[Order, str], str | None]


def _always(order: Order, role: str) -> str | None:
    return None


def _ship(order: Order, role: str) -> str | None:
    if order.fulfilment != Fulfilment.DELIVERY:
        return _("这个订单是自提的,请标记为待取货 This order is picked up; mark it ready for pickup")
    return None


def _ready(order: Order, role: str) -> str | None:
    if order.fulfilment == Fulfilment.DELIVERY:
        return _("这个订单要快递,请填写快递单号发货 This order is delivered; ship it with a tracking number")
    return None


def _pay(order: Order, role: str) -> str | None:
    if order.is_paid:
        return _("已登记收款 The payment is already recorded")
    if order.pays_online:
        return _("这个订单由买家在线支付 The buyer pays this order online")
    return None


def _pack(order: Order, role: str) -> str | None:
    if order.pays_online and not order.is_paid:
        return _("等待买家在线付款 Waiting for the buyer to pay online")
    return None


def _complete(order: Order, role: str) -> str | None:
    if not order.is_paid:
        return _("请先登记收款 Record the payment first")
    return None


def _cancel(order: Order, role: str) -> str | None:
    if role == BUYER and order.status != Status.PLACED:
        return _("生产者已开始处理,请联系客服取消 The producer is already preparing it; ask us to cancel")
    return None


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    roles: frozenset[str]
    guard: Guard = _always


def _t(sources, roles, guard: Guard = _always) -> Transition:
    return Transition(frozenset(sources), frozenset(roles), guard)


SELLERS = {PRODUCER, STAFF}
TRANSITIONS: dict[str, Transition] = {
    "pack": _t({Status.PLACED}, SELLERS, _pack),
    "ship": _t({Status.PACKED}, SELLERS, _ship),
    "ready": _t({Status.PACKED}, SELLERS, _ready),
    "pay": _t({Status.PLACED, Status.PACKED, Status.SHIPPED, Status.READY}, SELLERS, _pay),
    "complete": _t({Status.SHIPPED, Status.READY}, SELLERS, _complete),
    "cancel": _t({Status.PLACED, Status.PACKED, Status.READY}, {BUYER, *SELLERS}, _cancel),
    # A completed order brought back: only staff record it (the buyer asks the group; the producer is
    # told). ``shop.returns.order_return`` takes it, not ``order_act``.
    "return": _t({Status.COMPLETED}, {STAFF}, _complete),
}
# Where each action leads (``pay`` records money and leaves the status as it is).
TARGETS = {
    "pack": Status.PACKED,
    "ship": Status.SHIPPED,
    "ready": Status.READY,
    "complete": Status.COMPLETED,
    "cancel": Status.CANCELLED,
    "return": Status.RETURNED,
}


def refusal(order: Order, action: str, *, role: str) -> str | None:
    """Why ``role`` cannot take ``action`` on the order now (bilingual), or ``None`` when it can."""
    transition = TRANSITIONS[action]
    if role not in transition.roles:
        return _("您不能对这个订单执行此操作 You may not do this to this order")
    if order.status not in transition.sources:
        return _(
            "订单当前状态为%(status)s,不能执行此操作 The order is %(status)s: this is not possible now"
        ) % {"status": order.get_status_display()}
    return transition.guard(order, role)


def transition_check(order: Order, action: str, *, role: str) -> None:
    message = refusal(order, action, role=role)
    if message is not None:
        raise IllegalTransition(message, status=order.status, action=action)


def actions_for(order: Order, *, role: str) -> list[str]:
    return [action for action in TRANSITIONS if refusal(order, action, role=role) is None]
