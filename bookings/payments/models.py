"""Payments, refunds and the provider events they came from. ``bookings/models.py`` imports this module,
so these are models of the ``bookings`` app; they name the booking by string (``"bookings.Booking"``) and
so import nothing from it.

Every record keeps the provider's references, a Decimal amount with its currency and a status that
only moves forward (``STATUS_RANK``): webhooks repeat and arrive in any order, a stale one never
undoes a later one. Money that could not be matched to a booking is refunded automatically and the
payment is flagged (``needs_attention``) for staff.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.money import CURRENCY
from villages.models import Homestay


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
        "bookings.Booking", on_delete=models.PROTECT, related_name="payments", verbose_name=_("预订 booking")
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
        ]

    def __str__(self) -> str:
        return f"{self.provider} ¥{self.amount} {self.status}"


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

    STATUS_RANK: ClassVar[dict[str, int]] = {Status.PENDING: 0, Status.SUCCEEDED: 1, Status.FAILED: 2}

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("付款 payment")
    )
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, related_name="refunds", verbose_name=_("预订 booking")
    )
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
        ]

    def __str__(self) -> str:
        return f"¥{self.amount} {self.reason} {self.status}"


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
