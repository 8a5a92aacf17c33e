"""Every write of the shop, one use case per action: pages, the API, the producer console and commands
call these and nothing else.

``orders_place`` turns a cart into orders, one per producer (each producer packs and hands over their
own), in one transaction: every product's stock is taken with a conditional UPDATE
(``stock = stock - n WHERE stock >= n``) under the CHECK ``stock >= 0``, so two buyers of the last jar
can never both get it, and a cart with one product short places nothing. The order actions
(``order_act``) follow ``shop.transitions``: they lock the order, answer it unchanged when the action is
already done, post to the ledger (``shop.ledger``), log an ``OrderEvent`` and queue notices
(``shop.notices``) after the commit.

Payment is offline (cash on delivery, at pickup, with the stay at the homestay: the producer or staff
record it, ``pay``) or online at checkout (``pay_online``): through the same providers as bookings
(``shop.payables``), the order holds its stock until ``pay_by`` (``PAY_WINDOW``), the producer hears of
it once it is paid, and an order still unpaid then is cancelled and its stock returned
(``orders_expire_due``: by the ``expire_holds`` job, and before any checkout that wants those products,
so an unpaid order never blocks a sale whether or not the job ran). Cancelling an order paid online
refunds it through its provider.
"""

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, Booking
from bookings.payments.base import ANY_CLIENT
from bookings.payments.payable_services import payable_cancelled, payable_online_choices
from common.clock import local_today
from common.money import ZERO, quantize
from common.phones import phone_normalize
from shop import ledger, notices
from shop.errors import OutOfStock
from shop.models import Fulfilment, Order, OrderEvent, OrderLine, OrderStatus, Product
from shop.transitions import BUYER, PRODUCER, STAFF, TARGETS, transition_check
from villages.roles import is_group_staff

MAX_QUANTITY = 99
MAX_ID = 2**63 - 1  # the largest primary key the databases store
PAY_WINDOW = timedelta(minutes=30)  # an order paid online holds its stock this long
SYSTEM = "system"  # the OrderEvent role of what happens by itself (an unpaid order expiring)
STAY_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.CHECKED_IN)


@dataclass(frozen=True)
class Actor:
    """Who acts: ``role`` from ``shop.transitions`` (buyer, producer, staff) and their user."""

    role: str
    user: User | None = None


def actor_for(order: Order, user: User) -> Actor | None:
    """The role ``user`` has on the order, or ``None`` when it is none of theirs."""
    if is_group_staff(user):
        return Actor(STAFF, user)
    if order.producer.users.filter(pk=user.pk).exists():
        return Actor(PRODUCER, user)
    if order.user_id == user.pk:
        return Actor(BUYER, user)
    return None


def delivery_fee_for(subtotal: Decimal) -> Decimal:
    """The fee of one delivered order: free from ``SHOP_FREE_DELIVERY_FROM`` of goods."""
    if subtotal >= quantize(settings.SHOP_FREE_DELIVERY_FROM):
        return ZERO
    return quantize(settings.SHOP_DELIVERY_FEE)


def stays_for_pickup(*, user: User):
    """The buyer's own confirmed stays that have not ended: where an order can wait for them."""
    return (
        Booking.objects.filter(user=user, status__in=STAY_STATUSES, check_out__gte=local_today())
        .select_related("homestay__village")
        .order_by("check_in")
    )


def _quantities(items: Mapping[int, int]) -> dict[int, int]:
    if not items:
        raise ValidationError(_("购物车是空的 The cart is empty"), code="cart_empty")
    wanted = {}
    for product_id, quantity in items.items():
        if not 1 <= int(quantity) <= MAX_QUANTITY:
            raise ValidationError(
                _("每件商品数量须为1至99 Each quantity must be 1 to 99"), code="invalid_quantity"
            )
        if not 1 <= int(product_id) <= MAX_ID:  # no product has it; the database cannot even compare it
            raise ValidationError(
                _("有商品已下架,请刷新购物车 A product is no longer on sale: refresh your cart"),
                code="product_unavailable",
            )
        wanted[int(product_id)] = int(quantity)
    return wanted


def _handover(
    *, user: User, fulfilment: str, recipient: str, phone: str, address: str, booking: Booking | int | None
) -> dict:
    """The order's fields for how it is handed over, checked."""
    if fulfilment not in Fulfilment.values:
        raise ValidationError(_("请选择取货方式 Choose how to get your order"), code="invalid_fulfilment")
    if fulfilment == Fulfilment.DELIVERY:
        recipient, address = recipient.strip(), address.strip()
        if not recipient or not address:
            raise ValidationError(
                _("快递需要收货人和地址 Delivery needs a recipient and an address"), code="address_missing"
            )
        return {
            "recipient": recipient[:60],
            "phone": phone_normalize(phone),
            "address": address[:200],
        }
    if fulfilment == Fulfilment.WITH_STAY:
        booking_id = booking.pk if isinstance(booking, Booking) else booking
        stay = stays_for_pickup(user=user).filter(pk=booking_id).first() if booking_id else None
        if stay is None:
            raise ValidationError(
                _("请选择您即将入住的已确认预订 Choose one of your upcoming confirmed stays"),
                code="stay_invalid",
            )
        return {
            "booking": stay,
            "recipient": recipient.strip()[:60],
            "phone": phone_normalize(phone) if phone else "",
        }
    return {"recipient": recipient.strip()[:60], "phone": phone_normalize(phone) if phone else ""}


def _take_stock(wanted: dict[int, int]) -> None:
    """Take each product's quantity from its stock, or raise ``OutOfStock`` naming every product short.
    In product order, so two carts never lock the same rows in opposite orders."""
    short = []
    for product_id in sorted(wanted):
        taken = Product.objects.filter(pk=product_id, active=True, stock__gte=wanted[product_id]).update(
            stock=F("stock") - wanted[product_id]
        )
        if not taken:
            short.append(product_id)
    if short:
        raise OutOfStock(_("库存不足,请减少数量 Not enough in stock: lower the quantity"), product_ids=short)


def _reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(REFERENCE_LENGTH))


def order_event_log(order: Order, action: str, actor: Actor, before: str) -> None:
    OrderEvent.objects.create(
        order=order,
        action=action,
        role=actor.role,
        user=actor.user,
        status_before=before,
        status_after=order.status,
    )


def orders_place(
    *,
    user: User,
    items: Mapping[int, int],
    fulfilment: str,
    recipient: str = "",
    phone: str = "",
    address: str = "",
    booking: Booking | int | None = None,
    language: str = "zh-hans",
    pay_online: bool = False,
) -> list[Order]:
    """The buyer's cart (``{product id: quantity}``) as orders, one per producer, with the stock taken.
    Prices and the group's margin are copied onto the lines: later changes never touch an order.
    ``pay_online``: the orders wait for the buyer's online payment until ``pay_by``. Unpaid online
    orders of these products whose time is over give their stock back first."""
    orders_expire_due(product_ids=_quantities(items))
    return _orders_place(
        user=user,
        items=items,
        fulfilment=fulfilment,
        recipient=recipient,
        phone=phone,
        address=address,
        booking=booking,
        language=language,
        pay_online=pay_online,
    )


@transaction.atomic
def _orders_place(
    *,
    user: User,
    items: Mapping[int, int],
    fulfilment: str,
    recipient: str,
    phone: str,
    address: str,
    booking: Booking | int | None,
    language: str,
    pay_online: bool,
) -> list[Order]:
    wanted = _quantities(items)
    if pay_online and not payable_online_choices(client=ANY_CLIENT, language=language):
        raise ValidationError(
            _("暂时无法在线支付,请选择线下付款 Online payment is not available: choose to pay offline"),
            code="online_unavailable",
        )
    handover = _handover(
        user=user, fulfilment=fulfilment, recipient=recipient, phone=phone, address=address, booking=booking
    )
    products = Product.objects.filter(pk__in=wanted, active=True).select_related("producer")
    found = {product.pk: product for product in products}
    if len(found) != len(wanted):
        raise ValidationError(
            _("有商品已下架,请刷新购物车 A product is no longer on sale: refresh your cart"),
            code="product_unavailable",
        )
    _take_stock(wanted)
    by_producer: dict[int, list[Product]] = {}
    for product in sorted(found.values(), key=lambda p: (p.producer_id, p.pk)):
        by_producer.setdefault(product.producer_id, []).append(product)
    orders = []
    for producer_products in by_producer.values():
        subtotal = sum((quantize(p.price * wanted[p.pk]) for p in producer_products), ZERO)
        fee = delivery_fee_for(subtotal) if fulfilment == Fulfilment.DELIVERY else ZERO
        order = _order_create(
            user=user,
            producer=producer_products[0].producer,
            fulfilment=fulfilment,
            subtotal=subtotal,
            delivery_fee=fee,
            language=language,
            pays_online=pay_online,
            pay_by=timezone.now() + PAY_WINDOW if pay_online else None,
            **handover,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=p,
                name=p.name,
                unit=p.unit,
                quantity=wanted[p.pk],
                unit_price=p.price,
                margin_rate=p.margin_rate,
            )
            for p in producer_products
        )
        order_event_log(order, "place", Actor(BUYER, user), "")
        if not pay_online:  # an online order is the producer's once it is paid (``order_paid_online``)
            notices.order_placed(order)
        orders.append(order)
    return orders


def _order_create(**fields) -> Order:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Order.objects.create(
                    reference=_reference(), total=fields["subtotal"] + fields["delivery_fee"], **fields
                )
        except IntegrityError:  # the reference was taken: draw another
            continue
    raise RuntimeError("no free order reference")


def _clean_tracking(tracking_number: str) -> str:
    tracking_number = (tracking_number or "").strip()
    if not tracking_number or len(tracking_number) > 40:
        raise ValidationError(
            _("请填写快递单号(最多40个字符) Enter the tracking number (at most 40 characters)"),
            code="tracking_missing",
        )
    return tracking_number


@transaction.atomic
def order_act(
    *, order: Order | int, action: str, actor: Actor, tracking_number: str = "", reason: str = ""
) -> Order:
    """Take ``action`` (``shop.transitions``) on the order as ``actor``. Safe to repeat: an action
    already done answers the order unchanged. A return is its own use case (``shop.returns``, which
    also says whether the goods came back); here it assumes they did."""
    if action == "return":
        from shop.returns import order_return

        return order_return(order=order, actor=actor, reason=reason)
    order_id = order.pk if isinstance(order, Order) else order
    locked = Order.objects.select_for_update().select_related("producer__village").get(pk=order_id)
    if action == "pay" and locked.is_paid:
        return locked
    if action in TARGETS and locked.status == TARGETS[action]:
        return locked
    if action == "ship":
        tracking_number = _clean_tracking(tracking_number)
    transition_check(locked, action, role=actor.role)
    before = locked.status
    now = timezone.now()
    if action == "pay":
        locked.paid_at = now
        ledger.order_payment_received(locked)
    elif action == "cancel":
        locked.cancelled_at, locked.cancel_reason = now, reason.strip()[:200]
        order_stock_return(locked)
        if locked.pays_online:  # refunded through its provider, posted when the provider confirms
            payable_cancelled(payable=locked.source_reference)
        elif locked.is_paid:
            ledger.order_refunded(locked)
    elif action == "complete":
        locked.completed_at = now
        ledger.order_earned(locked)
    elif action == "ship":
        locked.shipped_at, locked.tracking_number = now, tracking_number
    elif action == "pack":
        locked.packed_at = now
    elif action == "ready":
        locked.ready_at = now
    if action in TARGETS:
        locked.status = TARGETS[action]
    locked.save()
    order_event_log(locked, action, actor, before)
    notices.order_changed(locked, action=action, by=actor.role)
    return locked


def orders_expire_due(*, product_ids: Iterable[int] | None = None) -> int:
    """Cancel the orders placed to be paid online and not paid by their ``pay_by``, returning their
    stock (only those holding ``product_ids`` when given). Each in its own transaction; a payment
    that arrives afterwards is refunded automatically (``shop.payables``). Returns how many expired."""
    overdue = Order.objects.filter(
        pays_online=True, paid_at__isnull=True, status=OrderStatus.PLACED, pay_by__lte=timezone.now()
    )
    if product_ids is not None:
        overdue = overdue.filter(lines__product_id__in=list(product_ids))
    ids = sorted(set(overdue.values_list("pk", flat=True)))
    return sum(1 for order_id in ids if _order_expire(order_id=order_id))


@transaction.atomic
def _order_expire(*, order_id: int) -> bool:
    locked = Order.objects.select_for_update().get(pk=order_id)
    if not locked.payment_overdue(timezone.now()):
        return False  # paid or cancelled meanwhile
    before = locked.status
    locked.status, locked.cancelled_at = OrderStatus.CANCELLED, timezone.now()
    locked.cancel_reason = _("超时未支付,订单已自动取消 Not paid in time: cancelled automatically")
    locked.save()
    order_stock_return(locked)
    payable_cancelled(payable=locked.source_reference)
    order_event_log(locked, "expire", Actor(SYSTEM), before)
    return True


@transaction.atomic
def order_paid_online(*, order_id: int, paid_at: datetime) -> str | None:
    """The money of an online order arrived (``shop.payables``, inside the payment's transaction, the
    order locked): the order is paid and its producer told; or why it cannot take the money (the
    payment is then refunded automatically)."""
    locked = Order.objects.select_for_update().select_related("producer").get(pk=order_id)
    if locked.is_paid:
        return _("订单已由另一笔付款支付 The order was already paid by another payment")
    if locked.status == OrderStatus.CANCELLED:
        return _("订单已取消,付款自动退回 The order was cancelled: the payment goes back")
    if not locked.pays_online:
        return _("这个订单不是在线支付的 This order is not paid online")
    locked.paid_at = paid_at
    locked.save(update_fields=["paid_at"])
    order_event_log(locked, "pay", Actor(SYSTEM), locked.status)
    notices.order_placed(locked)
    return None


def order_stock_return(order: Order) -> None:
    """Put the order's goods back into stock (a cancelled or expired order, goods that came back)."""
    for line in order.lines.order_by("product_id"):
        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)


@transaction.atomic
def product_stock_set(
    *, product: Product, stock: int, price: Decimal | None = None, active: bool | None = None
) -> Product:
    """The producer's count of what is on hand (and, optionally, the price and whether it is on sale)."""
    if stock < 0:
        raise ValidationError(_("库存不能为负数 Stock cannot be negative"), code="stock_negative")
    fields: dict = {"stock": stock}
    if price is not None:
        if price <= 0:
            raise ValidationError(_("价格须大于0 The price must be above 0"), code="price_invalid")
        fields["price"] = quantize(price)
    if active is not None:
        fields["active"] = active
    Product.objects.filter(pk=product.pk).update(**fields)
    product.refresh_from_db()
    return product
