"""Payments, refunds and the provider events they came from. ``bookings/models.py`` imports this module,
so these are models of the ``bookings`` app; they name the booking by string (``"bookings.Booking"``) and
so import nothing from it.

Every record keeps the provider's references, a Decimal amount with its currency and a status that
only moves forward (``STATUS_RANK``): webhooks repeat and arrive in any order, a stale one never
undoes a later one. Money that could not be matched to a booking is refunded automatically and the
payment is flagged (``needs_attention``) for staff.

A payment or refund is for a booking (``booking``) or for another payable (``payable``: a shop order,
a ticket, ``"shop_order:12"``, see ``bookings.payments.payables``), exactly one of the two (CHECK).
"""

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from common.money import CURRENCY
from villages.models import Homestay

if TYPE_CHECKING:
    from bookings.models import Booking

PAYABLE_LENGTH = 40
ONE_OWNER = Q(booking__isnull=False, payable="") | Q(booking__isnull=True) & ~Q(payable="")


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待支付 Pending")
        PROCESSING = "processing", _("处理中 Processing")
        SUCCEEDED = "succeeded", _("已支付 Paid")
        FAILED = "failed", _("支付失败 Failed")
        EXPIRED = "expired", _("已过期 Expired")

    STATUS_RANK: ClassVar[dict[str, int]] = {
        Status.PENDING: 0,
        Status.PROCESSING: 1,
        Status.FAILED: 2,
        Status.EXPIRED: 2,
        Status.SUCCEEDED: 3,
    }

    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("预订 booking"),
        null=True,
        blank=True,
    )
    payable = models.CharField(
        _("付款对象 paid for"),
        max_length=PAYABLE_LENGTH,
        blank=True,
        db_index=True,
        help_text=_("预订以外的付款对象,如 shop_order:12 What else is paid, e.g. shop_order:12"),
    )
    provider = models.CharField(_("收款渠道 provider"), max_length=40)
    amount = models.DecimalField(_("金额 amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    status = models.CharField(_("状态 status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    applied = models.BooleanField(
        _("已计入预订 paid for the booking"),
        default=False,
        help_text=_("否则这笔钱已自动退回 Otherwise the money was refunded automatically"),
    )
    provider_reference = models.CharField(
        _("渠道单号 provider reference"), max_length=255, blank=True, help_text="Stripe Checkout Session"
    )
    provider_payment_reference = models.CharField(
        _("渠道支付单号 provider payment reference"), max_length=255, blank=True, help_text="PaymentIntent"
    )
    redirect_url = models.URLField(_("支付页面 payment page"), max_length=2000, blank=True)
    expires_at = models.DateTimeField(_("支付截止 pay by"), null=True, blank=True)
    idempotency_key = models.CharField(_("幂等键 idempotency key"), max_length=64, unique=True)
    needs_attention = models.BooleanField(_("需人工处理 needs staff attention"), default=False)
    attention_note = models.CharField(_("处理说明 note for staff"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人 recorded by"),
    )
    paid_at = models.DateTimeField(_("付款时间 paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("付款 payment")
        verbose_name_plural = _("付款 payments")
        indexes = [
            models.Index(
                fields=["provider", "provider_payment_reference"], name="payment_provider_payment_ref"
            ),
            models.Index(
                fields=["needs_attention"], condition=Q(needs_attention=True), name="payment_attention"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "processing", "succeeded", "failed", "expired"]),
                name="payment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(applied=False) | Q(status="succeeded"), name="payment_applied_only_when_paid"
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["booking"], condition=Q(applied=True), name="payment_one_applied_per_booking"
            ),
            models.UniqueConstraint(
                fields=["payable"],
                condition=Q(applied=True) & ~Q(payable=""),
                name="payment_one_applied_per_payable",
            ),
            models.CheckConstraint(condition=ONE_OWNER, name="payment_booking_or_payable"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} ¥{self.amount} {self.status}"

    @property
    def paid_for(self) -> str:
        """What it pays for, as staff read it: the booking's reference or the payable (``shop_order:12``)."""
        return self.payable or self.for_booking.reference

    @property
    def for_booking(self) -> "Booking":
        """The booking paid for, on the code paths that serve bookings only: the services and providers
        dispatch a payable's record (``payable`` set) elsewhere first, so reaching here without a booking
        is a bug, refused loudly rather than passed on as ``None``."""
        if self.booking is None:
            raise TypeError(f"{type(self).__name__} {self.pk} is for {self.payable!r}, not a booking")
        return self.booking


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("退款中 Pending")
        SUCCEEDED = "succeeded", _("已退款 Refunded")
        FAILED = "failed", _("退款失败 Failed")

    class Reason(models.TextChoices):
        CANCELLATION = "cancellation", _("取消退款 Cancellation")
        BOOKING_UNAVAILABLE = "booking_unavailable", _("预订已无法确认 Booking could not take the payment")
        DUPLICATE = "duplicate", _("重复付款 Duplicate payment")
        OUTSIDE = "outside", _("在收款渠道后台发起 Made at the provider")
        PAYABLE_UNAVAILABLE = "payable_unavailable", _("订单已无法收款 The order could not take the payment")

    STATUS_RANK: ClassVar[dict[str, int]] = {Status.PENDING: 0, Status.SUCCEEDED: 1, Status.FAILED: 2}

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("付款 payment")
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("预订 booking"),
        null=True,
        blank=True,
    )
    payable = models.CharField(_("付款对象 paid for"), max_length=PAYABLE_LENGTH, blank=True, db_index=True)
    amount = models.DecimalField(_("金额 amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    reason = models.CharField(_("原因 reason"), max_length=20, choices=Reason.choices)
    status = models.CharField(_("状态 status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_reference = models.CharField(
        _("渠道退款单号 provider reference"), max_length=255, blank=True, help_text="Stripe Refund"
    )
    idempotency_key = models.CharField(_("幂等键 idempotency key"), max_length=64, unique=True)
    needs_attention = models.BooleanField(_("需人工处理 needs staff attention"), default=False)
    attention_note = models.CharField(_("处理说明 note for staff"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("退款 refund")
        verbose_name_plural = _("退款 refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]), name="refund_status_valid"
            ),
            models.UniqueConstraint(
                fields=["provider_reference"],
                condition=~Q(provider_reference=""),
                name="refund_provider_reference_unique",
            ),
            models.CheckConstraint(condition=ONE_OWNER, name="refund_booking_or_payable"),
        ]

    def __str__(self) -> str:
        return f"¥{self.amount} {self.reason} {self.status}"

    @property
    def paid_for(self) -> str:
        return self.payable or self.for_booking.reference

    @property
    def for_booking(self) -> "Booking":
        """The booking paid for, on the code paths that serve bookings only: the services and providers
        dispatch a payable's record (``payable`` set) elsewhere first, so reaching here without a booking
        is a bug, refused loudly rather than passed on as ``None``."""
        if self.booking is None:
            raise TypeError(f"{type(self).__name__} {self.pk} is for {self.payable!r}, not a booking")
        return self.booking


class WebhookEvent(models.Model):
    """A provider event already handled: the same event id delivered again is answered and ignored.
    Only ids are kept, never the payload (it holds the payer's personal details)."""

    provider = models.CharField(_("收款渠道 provider"), max_length=40)
    event_id = models.CharField(_("事件编号 event id"), max_length=255)
    event_type = models.CharField(_("事件类型 event type"), max_length=100)
    received_at = models.DateTimeField(_("接收时间 received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("支付通知 provider event")
        verbose_name_plural = _("支付通知 provider events")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class HomestayPayment(models.Model):
    """The payment providers a homestay accepts, from those the platform has enabled. A homestay
    without a row accepts every enabled provider."""

    homestay = models.OneToOneField(
        Homestay, on_delete=models.CASCADE, related_name="payment_choice", verbose_name=_("民宿 homestay")
    )
    providers = models.JSONField(_("收款方式 payment providers"), default=list)

    class Meta:
        verbose_name = _("民宿收款方式 homestay payment providers")
        verbose_name_plural = _("民宿收款方式 homestay payment providers")

    def __str__(self) -> str:
        return ", ".join(self.providers)


# --- profit sharing (分账), ``bookings.payments.splits`` ------------------------------------------


def mask(value: str) -> str:
    """An account number as shown to owners: its last four characters."""
    return f"****{value[-4:]}" if len(value) > 4 else "****" if value else ""


class SplitAccount(models.Model):
    """Where a party's money goes in profit sharing: a homestay's owner as a WeChat Pay sub-merchant
    (特约商户, ``wechat_mchid``), a village collective's receiver account, or the platform's own
    account (one row). Only ``active`` and ``verified`` accounts are used; staff edit them in the admin
    after checking them with the payment partner."""

    class Party(models.TextChoices):
        OWNER = "owner", _("民宿经营户(子商户) Homestay owner (sub-merchant)")
        COLLECTIVE = "collective", _("村集体 Village collective")
        PLATFORM = "platform", _("平台(文旅集团) Platform (the group)")

    party = models.CharField(_("分账方 party"), max_length=12, choices=Party.choices)
    homestay = models.OneToOneField(
        Homestay,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_account",
        verbose_name=_("民宿 homestay"),
    )
    village = models.OneToOneField(
        "villages.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_account",
        verbose_name=_("村庄 village"),
    )
    name = models.CharField(
        _("收款方全称 legal name"),
        max_length=100,
        help_text=_("与微信支付商户或支付宝账户登记的名称一致 As registered with WeChat Pay or Alipay"),
    )
    wechat_mchid = models.CharField(
        _("微信支付商户号 WeChat Pay merchant id"),
        max_length=32,
        blank=True,
        help_text=_(
            "经营户:服务商下的特约商户号 sub_mchid;村集体和平台:接收分账的商户号 "
            "Owner: sub_mchid under our service provider; collective and platform: receiving merchant id"
        ),
    )
    alipay_account = models.CharField(
        _("支付宝账户(2088开头) Alipay user id"),
        max_length=32,
        blank=True,
        help_text=_("接收分账的支付宝用户号 The Alipay user id (2088...) that receives royalties"),
    )
    alipay_app_auth_token = models.CharField(
        _("支付宝商家授权令牌 Alipay app_auth_token"),
        max_length=64,
        blank=True,
        help_text=_(
            "经营户授权集团的第三方应用代其收款和分账后得到 Given when the owner authorises the group's "
            "application to take payments and royalties for them"
        ),
    )
    verified = models.BooleanField(
        _("已核实 verified"),
        default=False,
        help_text=_("与收款渠道核对过账户和分账关系 Checked with the payment partner"),
    )
    active = models.BooleanField(_("启用 active"), default=True)
    note = models.CharField(_("说明 note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人 updated by"),
    )
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["party", "id"]
        verbose_name = _("分账账户 profit-sharing account")
        verbose_name_plural = _("分账账户 profit-sharing accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(party="owner", homestay__isnull=False, village__isnull=True)
                | Q(party="collective", homestay__isnull=True, village__isnull=False)
                | Q(party="platform", homestay__isnull=True, village__isnull=True),
                name="split_account_party_names_its_holder",
            ),
            models.UniqueConstraint(
                fields=["party"], condition=Q(party="platform"), name="split_account_one_platform"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.name}"

    @property
    def usable(self) -> bool:
        return self.active and self.verified

    @property
    def wechat_masked(self) -> str:
        return mask(self.wechat_mchid)

    @property
    def alipay_masked(self) -> str:
        return mask(self.alipay_account)


class PaymentPayee(models.Model):
    """Whose account a payment was opened for, fixed when it is opened: a homestay owner's
    sub-merchant (the money settles to the owner, frozen for profit sharing) or the group (it collects
    and pays the owner by hand). Later calls for the payment (query, close, refund, split) name the
    same sub-merchant."""

    class Mode(models.TextChoices):
        SUB_MERCHANT = "sub_merchant", _("经营户子商户收款,分账 Owner's sub-merchant, split")
        GROUP = "group", _("集团代收,人工付经营户 Collected by the group, owner paid by hand")

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="payee", verbose_name=_("付款 payment")
    )
    mode = models.CharField(_("收款方式 mode"), max_length=12, choices=Mode.choices)
    sub_mchid = models.CharField(
        _("下单子商户号 sub_mchid"),
        max_length=32,
        blank=True,
        help_text=_("服务商模式下订单所属的子商户(集团代收时为集团自己的) The order's sub-merchant"),
    )
    reason = models.CharField(_("原因 reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)

    class Meta:
        verbose_name = _("付款收款方 payment payee")
        verbose_name_plural = _("付款收款方 payment payees")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode="group") | Q(mode="sub_merchant") & ~Q(sub_mchid=""),
                name="payment_payee_owner_has_sub_mchid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mode} {self.sub_mchid}"


class Split(models.Model):
    """One profit-sharing order (分账单) for a payment, by our ``out_order_no``: sent again with the same
    number after a failure, so the provider splits once. ``commission`` and ``collective`` are what
    goes to the platform and the village collective; the rest is released to the owner. A payment the
    group collected (no sub-merchant) gets a split record too, in ``group`` mode, with an
    ``OwnerPayout`` instead of a provider call."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待分账 Pending")
        PROCESSING = "processing", _("分账处理中 Processing")
        SUCCEEDED = "succeeded", _("已分账 Split")
        FAILED = "failed", _("分账失败 Failed")
        RETURNED = "returned", _("已回退 Returned")

    STATUS_RANK: ClassVar[dict[str, int]] = {
        Status.PENDING: 0,
        Status.PROCESSING: 1,
        Status.FAILED: 2,
        Status.SUCCEEDED: 3,
        Status.RETURNED: 4,
    }

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="split", verbose_name=_("付款 payment")
    )
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, related_name="splits", verbose_name=_("预订 booking")
    )
    mode = models.CharField(_("方式 mode"), max_length=12, choices=PaymentPayee.Mode.choices)
    sub_mchid = models.CharField(_("子商户号 sub_mchid"), max_length=32, blank=True)
    out_order_no = models.CharField(_("分账单号 our order number"), max_length=64, unique=True)
    provider_order_id = models.CharField(_("渠道分账单号 provider order id"), max_length=64, blank=True)
    amount = models.DecimalField(_("付款金额 payment amount"), max_digits=10, decimal_places=2)
    commission = models.DecimalField(_("平台佣金 commission"), max_digits=10, decimal_places=2)
    collective = models.DecimalField(_("村集体分成 collective share"), max_digits=10, decimal_places=2)
    owner = models.DecimalField(_("经营户所得 owner's part"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    receivers = models.JSONField(_("接收方 receivers"), default=list, blank=True)
    status = models.CharField(_("状态 status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数 attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试 next attempt"), null=True, blank=True)
    last_error = models.CharField(_("最近错误 last error"), max_length=300, blank=True)
    needs_attention = models.BooleanField(_("需人工处理 needs staff attention"), default=False)
    attention_note = models.CharField(_("处理说明 note for staff"), max_length=300, blank=True)
    finished_at = models.DateTimeField(_("完成时间 finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("分账 profit split")
        verbose_name_plural = _("分账 profit splits")
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "processing", "failed"]),
                name="split_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission__gte=0) & Q(collective__gte=0) & Q(owner__gte=0),
                name="split_parts_not_negative",
            ),
            models.CheckConstraint(
                # rounded to fen: SQLite compares decimals as floats, where 5.01 + 2.50 + 42.55 is not
                # 50.06 (PostgreSQL's numeric is exact either way)
                condition=Exact(Round(F("amount") - F("commission") - F("collective") - F("owner"), 2), 0),
                name="split_parts_add_up",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "processing", "succeeded", "failed", "returned"]),
                name="split_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(mode="group", sub_mchid="") | Q(mode="sub_merchant") & ~Q(sub_mchid=""),
                name="split_sub_mchid_with_mode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.out_order_no} {self.status}"


class SplitReturn(models.Model):
    """Money taken back from a receiver of a split (分账回退) before a refund leaves the owner's
    sub-merchant, by our ``out_return_no`` (idempotent like the split)."""

    class Status(models.TextChoices):
        PROCESSING = "processing", _("回退中 Processing")
        SUCCEEDED = "succeeded", _("已回退 Returned")
        FAILED = "failed", _("回退失败 Failed")

    split = models.ForeignKey(
        Split, on_delete=models.PROTECT, related_name="returns", verbose_name=_("分账 split")
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, related_name="split_returns", verbose_name=_("退款 refund")
    )
    party = models.CharField(_("分账方 party"), max_length=12, choices=SplitAccount.Party.choices)
    account = models.CharField(_("回退方账户 account"), max_length=32)
    amount = models.DecimalField(_("金额 amount"), max_digits=10, decimal_places=2)
    out_return_no = models.CharField(_("回退单号 our return number"), max_length=64, unique=True)
    provider_return_id = models.CharField(_("渠道回退单号 provider return id"), max_length=64, blank=True)
    status = models.CharField(
        _("状态 status"), max_length=12, choices=Status.choices, default=Status.PROCESSING
    )
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["split", "id"]
        verbose_name = _("分账回退 split return")
        verbose_name_plural = _("分账回退 split returns")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="split_return_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.out_return_no} ¥{self.amount} {self.status}"


class OwnerPayout(models.Model):
    """What the group owes a homestay owner for a booking it collected itself (the owner has no
    sub-merchant account, or the payment was made by card): paid by hand and recorded by staff, which
    posts ``owner_payout`` in the ledger."""

    class Status(models.TextChoices):
        OWED = "owed", _("待付 Owed")
        PAID = "paid", _("已付 Paid")

    split = models.OneToOneField(
        Split, on_delete=models.PROTECT, related_name="owner_payout", verbose_name=_("分账 split")
    )
    booking = models.ForeignKey(
        "bookings.Booking",
        on_delete=models.PROTECT,
        related_name="owner_payouts",
        verbose_name=_("预订 booking"),
    )
    homestay = models.ForeignKey(
        Homestay, on_delete=models.PROTECT, related_name="owner_payouts", verbose_name=_("民宿 homestay")
    )
    amount = models.DecimalField(_("应付经营户 amount owed"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    reason = models.CharField(_("代收原因 why the group collected"), max_length=200)
    status = models.CharField(_("状态 status"), max_length=8, choices=Status.choices, default=Status.OWED)
    paid_on = models.DateField(_("付款日期 paid on"), null=True, blank=True)
    reference = models.CharField(_("转账单号 transfer reference"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人 recorded by"),
    )
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        verbose_name = _("经营户结算(集团代收) owner payout")
        verbose_name_plural = _("经营户结算(集团代收) owner payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="owner_payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(status="owed", paid_on__isnull=True) | Q(status="paid", paid_on__isnull=False),
                name="owner_payout_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.homestay} ¥{self.amount} {self.status}"
