"""The activity log of bookings: one append-only row per change (DESIGN: every path does the whole job).

Every use case (``bookings.usecases``) and the payment services write one ``BookingEvent`` in the same
transaction as the change: what happened, who did it and in which role, through which entry point, and
the booking's status before and after. The owner's booking page and the admin show every event; the
guest's booking page shows the ones listed in ``GUEST_VISIBLE``. Rows are never changed or deleted: the
model refuses it, and on PostgreSQL a trigger (migration 0007) refuses it from any client, except
forgetting the actor when their account is deleted.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.choices import BookingStatus

if TYPE_CHECKING:
    from bookings.models import Booking


class Role(models.TextChoices):
    GUEST = "guest", _("客人 Guest")
    OWNER = "owner", _("经营户 Owner")
    STAFF = "staff", _("文旅集团 Group staff")
    SYSTEM = "system", _("系统 System")


class Source(models.TextChoices):
    WEB = "web", _("网页 Web")
    API = "api", _("接口 API")
    CONSOLE = "console", _("经营户中心 Owner console")
    ADMIN = "admin", _("管理后台 Admin")
    WEBHOOK = "webhook", _("支付通知 Payment provider")
    SYSTEM = "system", _("定时任务 Scheduled job")


class Action(models.TextChoices):
    PLACED = "placed", _("下单 Booked")
    APPROVED = "approved", _("经营户同意 Approved by the owner")
    DECLINED = "declined", _("经营户拒绝 Declined by the owner")
    CANCELLED = "cancelled", _("取消 Cancelled")
    EXPIRED = "expired", _("保留到期 Hold expired")
    PAID = "paid", _("收到在线付款 Paid online")
    PAID_AT_HOMESTAY = "paid_at_homestay", _("到店付款 Paid at the homestay")
    CHECKED_IN = "checked_in", _("入住 Checked in")
    CHECKED_OUT = "checked_out", _("退房 Checked out")
    NO_SHOW = "no_show", _("未到店 No-show")
    GUESTS_REGISTERED = "guests_registered", _("入住登记 Guests registered")
    REFUND_SENT = "refund_sent", _("退款已发出 Refund sent")
    REFUND_COMPLETED = "refund_completed", _("退款完成 Refund completed")
    REFUND_FAILED = "refund_failed", _("退款失败 Refund failed")
    PAYMENT_FLAGGED = "payment_flagged", _("付款需人工处理 Payment flagged for staff")


GUEST_VISIBLE = {
    Action.PLACED,
    Action.APPROVED,
    Action.DECLINED,
    Action.CANCELLED,
    Action.EXPIRED,
    Action.PAID,
    Action.PAID_AT_HOMESTAY,
    Action.CHECKED_IN,
    Action.CHECKED_OUT,
    Action.REFUND_SENT,
    Action.REFUND_COMPLETED,
}


class BookingEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("booking events are never changed")

    def delete(self):
        raise TypeError("booking events are never deleted")


class BookingEvent(models.Model):
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, related_name="events", verbose_name=_("预订 booking")
    )
    action = models.CharField(_("事件 action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人 by"),
    )
    role = models.CharField(_("身份 role"), max_length=10, choices=Role.choices)
    source = models.CharField(_("途径 through"), max_length=10, choices=Source.choices)
    from_status = models.CharField(_("原状态 from"), max_length=12, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态 to"), max_length=12, choices=BookingStatus.choices)
    note = models.CharField(_("说明 note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间 when"), auto_now_add=True)

    objects = BookingEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("预订动态 booking event")
        verbose_name_plural = _("预订动态 booking events")
        indexes = [models.Index(fields=["booking", "created_at"], name="booking_event_booking")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["guest", "owner", "staff", "system"]), name="booking_event_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("booking events are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("booking events are never deleted")

    @property
    def guest_visible(self) -> bool:
        return self.action in GUEST_VISIBLE


def event_record(
    *,
    booking: "Booking",
    action: str,
    role: str,
    source: str,
    from_status: str,
    actor: User | None = None,
    note: str = "",
) -> BookingEvent:
    event = event_new(
        booking=booking,
        action=action,
        role=role,
        source=source,
        from_status=from_status,
        actor=actor,
        note=note,
    )
    event.save(force_insert=True)
    return event


def event_new(
    *,
    booking: "Booking",
    action: str,
    role: str,
    source: str,
    from_status: str,
    actor: User | None = None,
    note: str = "",
) -> BookingEvent:
    """The event, not saved yet: ``event_record`` saves it; ``bookings.services.booking_take`` inserts a
    new booking's first event with the booking."""
    return BookingEvent(
        booking=booking,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        role=role,
        source=source,
        from_status=from_status,
        to_status=booking.status,
        note=note[:300],
    )
