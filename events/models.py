"""Events of the villages (festivals, exhibitions, activities), their time slots and the tickets people
register for them.

No slot is ever oversold (DESIGN invariant 3, as for rooms): a slot counts the people its live tickets
hold in ``taken``, a CHECK constraint keeps ``0 <= taken <= capacity`` on both SQLite and PostgreSQL, and
``events.services`` changes the counter only with a relative ``UPDATE`` in the ticket's transaction, so two
racing registrations for the last places cannot both succeed even if the application's own check had a
bug. Times are stored in UTC and shown in Asia/Shanghai.
"""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.phones import phone_mask
from villages.models import LATITUDE_RANGE, LONGITUDE_RANGE, Attraction, Village

MAX_PEOPLE_PER_TICKET = 10


def ticket_code() -> str:
    """A random, unguessable code (96 bits): the ticket's address and what its QR code carries."""
    return secrets.token_urlsafe(12)


class Event(models.Model):
    class Kind(models.TextChoices):
        FESTIVAL = "festival", _("节庆 Festival")
        EXHIBITION = "exhibition", _("展览 Exhibition")
        ACTIVITY = "activity", _("活动 Activity")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="events", verbose_name=_("村庄 village")
    )
    slug = models.SlugField(_("标识 slug"))
    kind = models.CharField(_("类型 kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称 title"), max_length=120)
    summary = models.CharField(_("简介 summary"), max_length=300, blank=True)
    description = models.TextField(_("介绍 description"), blank=True)
    place = models.CharField(_("地点 place"), max_length=120)
    attraction = models.ForeignKey(
        Attraction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("景点 attraction"),
    )
    latitude = models.DecimalField(
        _("纬度 latitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        blank=True,
        help_text=_("留空则用村庄的位置 Empty: the village's"),
    )
    longitude = models.DecimalField(
        _("经度 longitude (WGS-84)"),
        max_digits=9,
        decimal_places=6,
        blank=True,
        help_text=_("留空则用村庄的位置 Empty: the village's"),
    )
    starts_on = models.DateField(_("开始日期 first day"))
    ends_on = models.DateField(_("结束日期 last day"))
    is_published = models.BooleanField(_("已发布 published"), default=False)
    photo = models.ImageField(_("照片 photo"), upload_to="events/%Y/%m/", blank=True)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False)

    class Meta:
        ordering = ["starts_on", "village", "slug"]
        verbose_name = _("活动 event")
        verbose_name_plural = _("活动 events")
        constraints = [
            models.UniqueConstraint(fields=["village", "slug"], name="event_unique_slug_per_village"),
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="event_dates_order"),
            models.CheckConstraint(condition=LATITUDE_RANGE, name="event_latitude_range"),
            models.CheckConstraint(condition=LONGITUDE_RANGE, name="event_longitude_range"),
        ]

    def __str__(self) -> str:
        return str(self.title)

    def save(self, *args, **kwargs) -> None:
        if self.latitude is None or self.longitude is None:
            self.latitude, self.longitude = self.village.latitude, self.village.longitude
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"village_slug": self.village.slug, "slug": self.slug})


class TicketSlot(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="slots", verbose_name=_("活动 event")
    )
    starts_at = models.DateTimeField(_("开始时间 starts at"))
    ends_at = models.DateTimeField(_("结束时间 ends at"))
    capacity = models.PositiveIntegerField(_("名额 places"))
    taken = models.PositiveIntegerField(_("已登记 taken"), default=0, editable=False)
    price = models.DecimalField(
        _("每人价格 price per person"),
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text=_("0 为免费登记 0: free registration"),
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("场次 time slot")
        verbose_name_plural = _("场次 time slots")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="slot_times_order"),
            models.CheckConstraint(condition=Q(price__gte=0), name="slot_price_not_negative"),
            # The no-oversell guard: the database refuses a counter past the places that exist.
            models.CheckConstraint(
                condition=Q(taken__gte=0) & Q(taken__lte=F("capacity")), name="slot_taken_within_capacity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_free(self) -> bool:
        return self.price == 0


class Ticket(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("有效 Issued")
        CANCELLED = "cancelled", _("已取消 Cancelled")
        CHECKED_IN = "checked_in", _("已入场 Checked in")

    slot = models.ForeignKey(
        TicketSlot, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("场次 time slot")
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="event_tickets",
        verbose_name=_("持票人账号 holder"),
    )
    holder_name = models.CharField(_("姓名 name"), max_length=60)
    holder_phone = models.CharField(_("手机 phone"), max_length=20)
    quantity = models.PositiveSmallIntegerField(_("人数 people"))
    amount = models.DecimalField(_("应付金额 amount due"), max_digits=10, decimal_places=2, default=0)
    code = models.CharField(_("票码 code"), max_length=32, unique=True, default=ticket_code, editable=False)
    status = models.CharField(_("状态 status"), max_length=20, choices=Status.choices, default=Status.ISSUED)
    language = models.CharField(_("语言 language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("登记时间 registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间 cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("入场时间 checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核验人 checked in by"),
    )
    paid_at = models.DateTimeField(_("收款时间 paid"), null=True, blank=True)
    pays_online = models.BooleanField(_("在线支付 paid online"), default=False)
    pay_by = models.DateTimeField(
        _("支付截止 pay by"),
        null=True,
        blank=True,
        help_text=_("在线支付的门票此前未付款则自动取消 An online ticket unpaid by then is cancelled"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("门票 ticket")
        verbose_name_plural = _("门票 tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1) & Q(quantity__lte=MAX_PEOPLE_PER_TICKET),
                name="ticket_quantity_range",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="ticket_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="checked_in") | Q(checked_in_at__isnull=False),
                name="ticket_checked_in_has_time",
            ),
            models.CheckConstraint(
                condition=Q(pays_online=True, pay_by__isnull=False)
                | Q(pays_online=False, pay_by__isnull=True),
                name="ticket_online_has_pay_by",
            ),
        ]
        indexes = [models.Index(fields=["slot", "status"], name="ticket_slot_status")]

    def __str__(self) -> str:
        return f"{self.slot} ×{self.quantity}"

    def get_absolute_url(self) -> str:
        return reverse("events:ticket", kwargs={"code": self.code})

    @property
    def source_reference(self) -> str:
        """The ledger's ``Source`` and the payments' ``payable``: ``ticket:<id>``."""
        return f"ticket:{self.pk}"

    @property
    def awaiting_payment(self) -> bool:
        return self.pays_online and self.paid_at is None and self.status == self.Status.ISSUED

    def payment_overdue(self, now: datetime) -> bool:
        """Unpaid past its time: its places are no longer held, whether or not the clean-up ran."""
        return self.awaiting_payment and self.pay_by is not None and self.pay_by <= now

    @property
    def holder_name_masked(self) -> str:
        return name_mask(self.holder_name)

    @property
    def holder_phone_masked(self) -> str:
        return phone_mask(self.holder_phone)


def name_mask(name: str) -> str:
    """``王小明`` -> ``王**``: the family name, enough for the door to ask "王先生?", not to know who."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
