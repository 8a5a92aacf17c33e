"""Inventory, prices and bookings. The database enforces the rules that must never break:

* ``RoomNight``: one row per room type and night with counters; a CHECK constraint makes
  ``rooms_booked + rooms_held + rooms_closed <= rooms_total`` hold on every row, so no code path and no
  race can sell a room twice (services only ever change counters relatively, with ``F()``).
* ``Booking``: dates in order, at least one guest and one room, a total that is never negative.

State changes live in ``bookings.services``; nothing here has business rules in ``save()``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.activity import BookingEvent
from bookings.choices import BookingStatus
from bookings.ledger import LedgerEntry
from bookings.payments.models import HomestayPayment, Payment, Refund, WebhookEvent
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.revenue.models import DividendPayout, RevenueShareRule
from bookings.revenue.sql import MonthStart
from bookings.reviews.models import Review, ReviewPhoto
from bookings.sync.models import CalendarExport, CalendarFeed, ExternalNight
from common.money import CURRENCY
from common.stamped import StampedQuerySet
from common.write_once import WriteOnceModel
from villages.models import Homestay, RoomType

# The app's other models live beside the code that uses them (activity log, ledger, payments, revenue,
# calendar sync); they refer to these by name ("bookings.Booking"), so importing them here, which
# registers them with the app, makes no cycle.
__all__ = [
    "Booking",
    "BookingEvent",
    "BookingNight",
    "CalendarExport",
    "CalendarFeed",
    "DividendPayout",
    "ExternalNight",
    "Guest",
    "HolidayDay",
    "HomestayPayment",
    "LedgerEntry",
    "Mismatch",
    "Payment",
    "PriceRule",
    "ReconciliationRun",
    "Refund",
    "RevenueShareRule",
    "Review",
    "ReviewPhoto",
    "RoomNight",
    "WebhookEvent",
]

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to read out on the phone
REFERENCE_LENGTH = 8


class HolidayDay(models.Model):
    """A date of the official holiday calendar: a day off of a statutory holiday break (weekend days inside
    the break included), or a make-up working day (调休).

    ``provisional`` days were computed by rule (the ``holidays`` package) for a year the State Council has
    not published yet: they hold the statutory days off but no bridge days and no make-up working days.
    Loading the official schedule of the year replaces them; staff can also confirm a year as it stands.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日 Statutory holiday")
        WORKDAY = "workday", _("调休上班日 Make-up working day")

    date = models.DateField(_("日期 date"), unique=True)
    kind = models.CharField(_("类型 kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称 name"), max_length=80)
    provisional = models.BooleanField(
        _("暂定 provisional"),
        default=False,
        help_text=_(
            "按法定假日规则推算,国务院尚未公布当年的调休安排;公布后载入会替换 "
            "Computed from the statutory rule before the State Council publishes the year's make-up working "
            "days; loading the official schedule replaces it"
        ),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日安排 holiday calendar day")
        verbose_name_plural = _("节假日安排 holiday calendar")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["holiday", "workday"]), name="holiday_day_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class PriceRule(models.Model):
    """A price for every night from ``first_night`` to ``last_night`` inclusive (festivals, seasons).

    It wins over base, weekend and holiday prices; a per-night ``RoomNight.price_override`` wins over it.
    Where rules overlap, the most recently created one applies.
    """

    room_type = models.ForeignKey(
        RoomType, on_delete=models.CASCADE, related_name="price_rules", verbose_name=_("房型 room type")
    )
    first_night = models.DateField(_("第一晚 first night"))
    last_night = models.DateField(_("最后一晚(含) last night (inclusive)"))
    price = models.DecimalField(_("价格(元/晚) price (CNY/night)"), max_digits=8, decimal_places=2)
    note = models.CharField(_("说明 note"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)

    class Meta:
        ordering = ["room_type", "first_night"]
        verbose_name = _("时段价格 date-range price")
        verbose_name_plural = _("时段价格 date-range prices")
        indexes = [models.Index(fields=["first_night", "last_night"], name="price_rule_range")]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_night__lte=F("last_night")), name="price_rule_first_night_not_after_last"
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="price_rule_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.first_night}–{self.last_night} ¥{self.price}"


CAPACITY = frozenset({"rooms_total", "rooms_closed"})


class RoomNightQuerySet(StampedQuerySet):
    """Every row inserted, and every change of the rooms for sale on a night (``rooms_total``,
    ``rooms_closed``), stamps ``capacity_changed_at`` (``bookings.inventory.take_stay``'s own INSERT too):
    the group dashboard keeps a month's available room-nights until one of its nights is stamped
    (``bookings.revenue.quiet``). The counters of rooms booked and held change nothing there and are
    not stamped."""

    stamp_field = "capacity_changed_at"
    stamped_by = CAPACITY

    def bulk_create(self, objs, *args, **kwargs):
        now = timezone.now()
        for row in objs:
            row.capacity_changed_at = now
        return super().bulk_create(objs, *args, **kwargs)


class RoomNight(models.Model):
    """Inventory of one room type on one night. A missing row means all rooms free at base prices."""

    room_type = models.ForeignKey(
        RoomType, on_delete=models.CASCADE, related_name="room_nights", verbose_name=_("房型 room type")
    )
    night = models.DateField(_("日期(当晚) night"))
    rooms_total = models.IntegerField(_("房间数 rooms"))
    rooms_booked = models.IntegerField(_("已预订 booked"), default=0)
    rooms_held = models.IntegerField(_("保留中 held"), default=0)
    rooms_closed = models.IntegerField(_("关闭 closed"), default=0)
    price_override = models.DecimalField(
        _("当晚价格 price for this night"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    min_nights_override = models.PositiveSmallIntegerField(
        _("当天入住最少晚数 minimum nights when arriving this day"), null=True, blank=True
    )
    capacity_changed_at = models.DateTimeField(
        _("房间数或关闭间数修改时间 rooms or closures changed"), null=True, blank=True, editable=False
    )

    objects = RoomNightQuerySet.as_manager()

    class Meta:
        ordering = ["room_type", "night"]
        verbose_name = _("房态 room night")
        verbose_name_plural = _("房态 room nights")
        indexes = [
            # Searches read every room type's counters for a few nights: answered from the index alone.
            models.Index(
                fields=[
                    "night",
                    "room_type",
                    "rooms_total",
                    "rooms_booked",
                    "rooms_held",
                    "rooms_closed",
                    "min_nights_override",
                ],
                name="room_night_search",
            ),
            models.Index(
                fields=["night"], condition=Q(price_override__isnull=False), name="room_night_priced"
            ),
            # The group dashboard's available room-nights, month by month.
            models.Index(
                MonthStart("night"),
                F("room_type"),
                F("night"),
                F("rooms_total"),
                F("rooms_closed"),
                name="room_night_report",
            ),
            # The nights whose rooms for sale changed since a moment (bookings.revenue.quiet).
            models.Index(
                fields=["capacity_changed_at"],
                condition=Q(capacity_changed_at__isnull=False),
                name="room_night_capacity_changed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["room_type", "night"], name="room_night_one_per_room_type_and_night"
            ),
            models.CheckConstraint(
                condition=Q(rooms_total__gte=0)
                & Q(rooms_booked__gte=0)
                & Q(rooms_held__gte=0)
                & Q(rooms_closed__gte=0),
                name="room_night_counters_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(rooms_total__gte=F("rooms_booked") + F("rooms_held") + F("rooms_closed")),
                name="room_night_no_overbooking",
            ),
            models.CheckConstraint(
                condition=Q(price_override__isnull=True) | Q(price_override__gt=0),
                name="room_night_price_override_positive",
            ),
            models.CheckConstraint(
                condition=Q(min_nights_override__isnull=True) | Q(min_nights_override__gte=1),
                name="room_night_min_nights_override_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.night} {self.rooms_booked}+{self.rooms_held}+{self.rooms_closed}/{self.rooms_total}"

    def save(self, *args, **kwargs):
        # A row saved whole may change its rooms for sale (``RoomNightQuerySet``'s docstring).
        self.capacity_changed_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = list({*kwargs["update_fields"], "capacity_changed_at"})
        super().save(*args, **kwargs)

    @property
    def rooms_free(self) -> int:
        return self.rooms_total - self.rooms_booked - self.rooms_held - self.rooms_closed


class BookingQuerySet(StampedQuerySet):
    """Every change of a booking stamps ``updated_at``, by save or by update: the group dashboard
    keeps a month's booking sums while none of its bookings was saved since (``bookings.revenue.quiet``)."""

    stamp_field = "updated_at"


class Booking(models.Model):
    Status = BookingStatus

    class Payment(models.TextChoices):
        ONLINE = "online", _("在线支付 Pay online")
        AT_HOMESTAY = "at_homestay", _("到店付款 Pay at the homestay")

    class Party(models.TextChoices):
        GUEST = "guest", _("客人 Guest")
        OWNER = "owner", _("经营户 Owner")
        PLATFORM = "platform", _("平台 Platform")

    reference = models.CharField(
        _("预订号 reference"), max_length=REFERENCE_LENGTH, unique=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("用户 user"),
        help_text=_("账号删除后预订仍保留以便对账 Kept for the accounts if the user deletes the account"),
    )
    homestay = models.ForeignKey(
        Homestay, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("民宿 homestay")
    )
    room_type = models.ForeignKey(
        RoomType, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("房型 room type")
    )
    check_in = models.DateField(_("入住日期 check-in"))
    check_out = models.DateField(_("退房日期 check-out"))
    guests = models.PositiveSmallIntegerField(_("人数 guests"))
    rooms = models.PositiveSmallIntegerField(_("间数 rooms"), default=1)
    total = models.DecimalField(_("总价 total"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("币种 currency"), max_length=3, default=CURRENCY)
    status = models.CharField(_("状态 status"), max_length=12, choices=Status.choices, default=Status.HELD)
    payment = models.CharField(
        _("付款方式 payment"), max_length=12, choices=Payment.choices, default=Payment.ONLINE
    )
    needs_approval = models.BooleanField(_("需经营户确认 needs the owner's approval"), default=False)
    hold_expires_at = models.DateTimeField(_("保留截止 hold expires"), null=True, blank=True)
    lead_guest_name = models.CharField(_("联系人 lead guest"), max_length=60)
    lead_guest_phone = models.CharField(_("联系电话 phone"), max_length=20)
    language = models.CharField(
        _("语言 language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    cancelled_by = models.CharField(
        _("取消方 cancelled by"), max_length=10, choices=Party.choices, blank=True
    )
    cancel_reason = models.CharField(_("取消原因 cancellation reason"), max_length=200, blank=True)
    refund_due = models.DecimalField(
        _("应退款 refund due"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    paid_at = models.DateTimeField(_("付款时间 paid"), null=True, blank=True)
    approved_at = models.DateTimeField(_("经营户确认时间 approved"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间 confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间 cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("入住时间 checked in"), null=True, blank=True)
    completed_at = models.DateTimeField(_("退房时间 checked out"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间 updated"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("预订 booking")
        verbose_name_plural = _("预订 bookings")
        indexes = [
            models.Index(fields=["status", "hold_expires_at"], name="booking_status_hold_expiry"),
            models.Index(fields=["homestay", "check_in"], name="booking_homestay_check_in"),
            models.Index(fields=["room_type", "check_in"], name="booking_room_type_check_in"),
            # The group dashboard (bookings.revenue.selectors): confirmed bookings by arrival month and
            # homestay, and the unsold bookings whose nights it leaves out.
            models.Index(
                MonthStart("check_in"),
                F("homestay"),
                F("status"),
                F("check_in"),
                F("confirmed_at"),
                F("total"),
                F("check_out"),
                F("created_at"),
                condition=Q(confirmed_at__isnull=False),
                name="booking_report",
            ),
            models.Index(fields=["status", "check_out", "check_in"], name="booking_status_check_out"),
            # The bookings saved since a moment (bookings.revenue.quiet).
            models.Index(fields=["updated_at"], name="booking_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_in__lt=F("check_out")), name="booking_check_in_before_check_out"
            ),
            models.CheckConstraint(condition=Q(guests__gte=1), name="booking_at_least_one_guest"),
            models.CheckConstraint(condition=Q(rooms__gte=1), name="booking_at_least_one_room"),
            models.CheckConstraint(condition=Q(total__gte=0), name="booking_total_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False), name="booking_held_has_expiry"
            ),
            models.CheckConstraint(
                condition=Q(refund_due__isnull=True) | (Q(refund_due__gte=0) & Q(refund_due__lte=F("total"))),
                name="booking_refund_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        # A save of some fields stamps the time too (``BookingQuerySet``'s docstring says why).
        if kwargs.get("update_fields") is not None and "updated_at" not in kwargs["update_fields"]:
            kwargs["update_fields"] = [*kwargs["update_fields"], "updated_at"]
        super().save(*args, **kwargs)

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def awaiting_payment(self) -> bool:
        return self.status == self.Status.HELD and self.payment == self.Payment.ONLINE and not self.is_paid

    @property
    def awaiting_approval(self) -> bool:
        return self.status == self.Status.HELD and self.needs_approval and not self.awaiting_payment


class BookedNightWrittenOnce(Exception):
    """Somebody tried to change or delete a booked night: a programming error."""


class BookingNight(WriteOnceModel):
    """One night of a booking with the price per room it was sold at: the price breakdown and reports.

    Written once, with its booking, and never changed or deleted (a booking is never deleted either:
    its nights protect it). The dashboard keeps sums of them between requests on that promise
    (``bookings.revenue.tally``); on PostgreSQL a trigger (migration 0019) refuses UPDATE and DELETE."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="booked_nights")
    room_type = models.ForeignKey(RoomType, on_delete=models.PROTECT, related_name="booked_nights")
    night = models.DateField(_("日期(当晚) night"))
    rooms = models.PositiveSmallIntegerField(_("间数 rooms"))
    price = models.DecimalField(_("每间价格 price per room"), max_digits=8, decimal_places=2)

    write_once_error = BookedNightWrittenOnce
    write_once_name = "booked nights"

    class Meta:
        ordering = ["night"]
        verbose_name = _("预订晚 booked night")
        verbose_name_plural = _("预订晚 booked nights")
        indexes = [
            models.Index(fields=["room_type", "night"], name="booking_night_room_type_night"),
            # The group dashboard: nights by month and room type.
            models.Index(
                MonthStart("night"),
                F("room_type"),
                F("night"),
                F("booking"),
                F("rooms"),
                F("price"),
                name="booking_night_report",
            ),
            # The same nights booking by booking: the dashboard takes those of the bookings not sold
            # from the nights it keeps summed (``bookings.revenue.selectors``), without the table.
            models.Index(
                fields=["booking", "night", "room_type", "rooms", "price"], name="booking_night_by_booking"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["booking", "night"], name="booking_night_once_per_booking"),
            models.CheckConstraint(condition=Q(rooms__gte=1), name="booking_night_at_least_one_room"),
            models.CheckConstraint(condition=Q(price__gte=0), name="booking_night_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.night} ×{self.rooms} ¥{self.price}"


class Guest(models.Model):
    """A registered guest (实名登记). ``document_number`` is personal data: it never appears in
    ``__str__``, messages or logs; show it only through ``bookings.guests.mask_document_number``."""

    class DocumentType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证 Resident ID card")
        PASSPORT = "passport", _("护照 Passport")
        HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证 Home Return Permit (HK/Macao)")
        TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证 Mainland Travel Permit (Taiwan)")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="registered_guests")
    name = models.CharField(_("姓名 name"), max_length=60)
    document_type = models.CharField(_("证件类型 document type"), max_length=20, choices=DocumentType.choices)
    document_number = models.CharField(_("证件号码 document number"), max_length=20)
    is_lead = models.BooleanField(_("主要联系人 lead guest"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人 registered by"),
    )
    registered_at = models.DateTimeField(_("登记时间 registered"), auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "id"]
        verbose_name = _("入住登记 registered guest")
        verbose_name_plural = _("入住登记 registered guests")
        constraints = [
            models.UniqueConstraint(
                fields=["booking"], condition=Q(is_lead=True), name="guest_one_lead_per_booking"
            ),
            models.UniqueConstraint(
                fields=["booking", "document_type", "document_number"], name="guest_document_once_per_booking"
            ),
        ]

    def __str__(self) -> str:
        return self.name
