"""The 消费帮扶 shop: the group's supply company (联农商品供应公司) sells what village producers make.

Rules the database keeps, whatever the code above it does: stock never below zero (the checkout
decrements it with a conditional UPDATE and this CHECK makes an oversell impossible even for a buggy
path), the group's margin between 0 and 50 %, an order's total is its goods plus its delivery fee, a
delivery has an address, an order picked up with a stay names the stay and only then, a shipped order has
its tracking number, and a product appears once per order.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from bookings.models import REFERENCE_LENGTH
from common.money import CURRENCY, quantize, share

DEFAULT_MARGIN = Decimal("0.15")
MAX_MARGIN = Decimal("0.5")


class Producer(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("农户 Household")
        COOPERATIVE = "cooperative", _("合作社 Cooperative")

    village = models.ForeignKey(
        "villages.Village", on_delete=models.PROTECT, related_name="producers", verbose_name=_("村庄 village")
    )
    kind = models.CharField(_("类型 kind"), max_length=12, choices=Kind.choices, default=Kind.HOUSEHOLD)
    name = models.CharField(_("名称 name"), max_length=80)
    description = models.TextField(_("介绍 description"), blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="producers",
        verbose_name=_("经营人 people who run it"),
    )
    phone = models.CharField(_("联系电话(不公开) contact phone (private)"), max_length=20, blank=True)
    demo = models.BooleanField(_("演示数据 demo data"), default=False)

    class Meta:
        ordering = ["village", "name"]
        verbose_name = _("生产者 producer")
        verbose_name_plural = _("生产者 producers")

    def __str__(self) -> str:
        return self.name

    @property
    def party(self) -> str:
        """Who the ledger's ``producer_payable`` lines are owed to."""
        return f"producer:{self.pk}"


class Product(models.Model):
    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="products", verbose_name=_("生产者 producer")
    )
    name = models.CharField(_("名称 name"), max_length=80)
    description = models.TextField(_("介绍 description"), blank=True)
    unit = models.CharField(_("单位 unit"), max_length=10, help_text=_("如:斤、盒、瓶 e.g. jin, box, bottle"))
    price = models.DecimalField(_("单价 price"), max_digits=10, decimal_places=2)
    stock = models.PositiveIntegerField(_("库存 stock"), default=0)
    margin_rate = models.DecimalField(
        _("集团毛利率 group margin"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_MARGIN,
        help_text=_("集团留成比例,0至0.5 The group's share of the price, 0 to 0.5"),
    )
    active = models.BooleanField(_("上架 on sale"), default=True)
    photo = models.ImageField(_("照片 photo"), upload_to="shop/%Y/%m/", blank=True)
    demo = models.BooleanField(_("演示数据 demo data"), default=False)

    class Meta:
        ordering = ["producer__village", "name"]
        verbose_name = _("商品 product")
        verbose_name_plural = _("商品 products")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_product_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="shop_product_price_positive"),
            models.CheckConstraint(
                condition=Q(margin_rate__gte=0, margin_rate__lte=MAX_MARGIN), name="shop_product_margin_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("已下单 Placed")
    PACKED = "packed", _("已打包 Packed")
    SHIPPED = "shipped", _("已发货 Shipped")
    READY = "ready_for_pickup", _("待取货 Ready for pickup")
    COMPLETED = "completed", _("已完成 Completed")
    CANCELLED = "cancelled", _("已取消 Cancelled")
    RETURNED = "returned", _("已退货 Returned")


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", _("快递到家 Delivery")
    PICKUP = "pickup", _("到村自提 Pick up in the village")
    WITH_STAY = "with_stay", _("入住时在民宿取 Pick up at your homestay")


# How each fulfilment is paid offline, on handing over; an order may instead be paid online at
# checkout (``Order.pays_online``, through the providers of ``bookings.payments``: ``shop.payables``).
PAYMENT_PROVIDER = {
    Fulfilment.DELIVERY: "cash_on_delivery",
    Fulfilment.PICKUP: "at_pickup",
    Fulfilment.WITH_STAY: "at_homestay",
}


class Order(models.Model):
    Status = OrderStatus
    Fulfilment = Fulfilment

    reference = models.CharField(
        _("订单号 reference"), max_length=REFERENCE_LENGTH, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_orders",
        verbose_name=_("买家 buyer"),
    )
    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("生产者 producer")
    )
    status = models.CharField(
        _("状态 status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    fulfilment = models.CharField(_("取货方式 fulfilment"), max_length=12, choices=Fulfilment.choices)
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shop_orders",
        verbose_name=_("随住宿取货的预订 stay to pick up with"),
    )
    recipient = models.CharField(_("收货人 recipient"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话 phone"), max_length=20, blank=True)
    address = models.CharField(_("收货地址 address"), max_length=200, blank=True)
    tracking_number = models.CharField(_("快递单号 tracking number"), max_length=40, blank=True)
    subtotal = models.DecimalField(_("商品金额 goods"), max_digits=10, decimal_places=2)
    delivery_fee = models.DecimalField(_("运费 delivery fee"), max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(_("合计 total"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    language = models.CharField(
        _("语言 language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    cancel_reason = models.CharField(_("取消原因 cancellation reason"), max_length=200, blank=True)
    paid_at = models.DateTimeField(_("收款时间 paid"), null=True, blank=True)
    pays_online = models.BooleanField(_("在线支付 paid online"), default=False)
    pay_by = models.DateTimeField(
        _("支付截止 pay by"),
        null=True,
        blank=True,
        help_text=_("在线支付的订单此前未付款则自动取消 An online order unpaid by then is cancelled"),
    )
    packed_at = models.DateTimeField(_("打包时间 packed"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间 shipped"), null=True, blank=True)
    ready_at = models.DateTimeField(_("可取货时间 ready"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间 completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间 cancelled"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退货时间 returned"), null=True, blank=True)
    return_reason = models.CharField(_("退货原因 reason for the return"), max_length=200, blank=True)
    goods_back = models.BooleanField(
        _("货物已退回 goods came back"),
        null=True,
        blank=True,
        help_text=_("退货时货物是否退回并重新入库 Whether the goods came back to stock on a return"),
    )
    created_at = models.DateTimeField(_("下单时间 placed"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("订单 order")
        verbose_name_plural = _("订单 orders")
        indexes = [models.Index(fields=["producer", "status"], name="shop_order_producer_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="shop_order_status_valid"
            ),
            models.CheckConstraint(
                # rounded to the fen: SQLite compares decimals as floats, where 1.06 + 5.00 is not 6.06
                # (PostgreSQL's numeric is exact either way)
                condition=Q(subtotal__gt=0, delivery_fee__gte=0)
                & Q(Exact(Round(F("total") - F("subtotal") - F("delivery_fee"), 2), 0)),
                name="shop_order_total",
            ),
            models.CheckConstraint(
                condition=~Q(fulfilment=Fulfilment.DELIVERY)
                | (~Q(address="") & ~Q(recipient="") & ~Q(phone="")),
                name="shop_order_delivery_address",
            ),
            models.CheckConstraint(
                condition=Q(fulfilment=Fulfilment.WITH_STAY, booking__isnull=False)
                | (~Q(fulfilment=Fulfilment.WITH_STAY) & Q(booking__isnull=True)),
                name="shop_order_stay_named",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.SHIPPED) | ~Q(tracking_number=""),
                name="shop_order_shipped_tracked",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrderStatus.RETURNED)
                | Q(returned_at__isnull=False, goods_back__isnull=False, completed_at__isnull=False),
                name="shop_order_returned_facts",
            ),
            models.CheckConstraint(
                condition=Q(pays_online=True, pay_by__isnull=False)
                | Q(pays_online=False, pay_by__isnull=True),
                name="shop_order_online_has_pay_by",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def provider(self) -> str:
        """The offline way it is paid (an online order's provider is its payment's)."""
        return PAYMENT_PROVIDER[Fulfilment(self.fulfilment)]

    @property
    def awaiting_payment(self) -> bool:
        """Placed to be paid online and not paid yet (its time may be over: ``payment_overdue``)."""
        return self.pays_online and not self.is_paid and self.status == OrderStatus.PLACED

    def payment_overdue(self, now: datetime) -> bool:
        """Unpaid past its time: it no longer holds its stock, whether or not the clean-up ran."""
        return self.awaiting_payment and self.pay_by is not None and self.pay_by <= now

    @property
    def source_reference(self) -> str:
        return f"shop_order:{self.pk}"


class OrderLine(models.Model):
    """One product of an order, with its name, unit, price and the group's margin as they were when the
    order was placed: later price changes never touch an order."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("订单 order")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("商品 product")
    )
    name = models.CharField(_("名称 name"), max_length=80)
    unit = models.CharField(_("单位 unit"), max_length=10)
    quantity = models.PositiveIntegerField(_("数量 quantity"))
    unit_price = models.DecimalField(_("单价 price"), max_digits=10, decimal_places=2)
    margin_rate = models.DecimalField(_("集团毛利率 group margin"), max_digits=4, decimal_places=3)

    class Meta:
        ordering = ["id"]
        verbose_name = _("订单明细 order line")
        verbose_name_plural = _("订单明细 order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="shop_order_line_product_once"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shop_order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(margin_rate__gte=0, margin_rate__lte=MAX_MARGIN),
                name="shop_order_line_margin_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return quantize(self.unit_price * self.quantity)

    @property
    def margin(self) -> Decimal:
        return share(self.amount, self.margin_rate)


class OrderEvent(models.Model):
    """The activity log of an order: one row per change, never changed afterwards."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("订单 order")
    )
    action = models.CharField(_("操作 action"), max_length=20)
    role = models.CharField(_("角色 role"), max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_before = models.CharField(_("原状态 before"), max_length=20, blank=True)
    status_after = models.CharField(_("新状态 after"), max_length=20)
    created_at = models.DateTimeField(_("时间 when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("订单记录 order event")
        verbose_name_plural = _("订单记录 order events")

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class ProducerPayout(models.Model):
    """Money the group paid a producer by hand (bank transfer or cash) from what the ledger says it owes
    them (``producer_payable``). ``key`` makes a repeated submission of the same form one payout."""

    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="payouts", verbose_name=_("生产者 producer")
    )
    amount = models.DecimalField(_("金额 amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    paid_on = models.DateField(_("付款日期 paid on"))
    note = models.CharField(_("备注 note"), max_length=200, blank=True)
    key = models.CharField(_("幂等键 idempotency key"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人 recorded by"),
    )
    created_at = models.DateTimeField(_("登记时间 recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("生产者付款 producer payout")
        verbose_name_plural = _("生产者付款 producer payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="shop_producer_payout_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.producer} {self.amount}"

    @property
    def source_reference(self) -> str:
        return f"producer_payout:{self.pk}"
