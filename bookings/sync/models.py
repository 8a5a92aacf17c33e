"""Calendar sync with the other platforms where an owner lists the same rooms (Airbnb, Booking.com, Tujia...).

* ``CalendarExport``: the secret address of a room type's iCal feed, for the other platforms to read.
* ``CalendarFeed``: the address of another platform's iCal feed of the same rooms, read by ``ical_sync``.
* ``ExternalNight``: one night an event of a feed covers. A blocking night holds one closed room
  (``RoomNight.rooms_closed``); a conflicting one could not, because no room was free here when the
  event first came, and is shown to the owner instead of overselling. A conflict stays one until the
  owner decides: accepted, it holds a closed room; dismissed, it is kept (so the next sync does not
  bring it back) but neither shown nor counted. Rows change only through ``bookings.sync.services``,
  which keeps the counters right: never delete them directly.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from villages.models import RoomType

FEED_URL_MAX_LENGTH = 1000


class CalendarExport(models.Model):
    room_type = models.OneToOneField(
        RoomType, on_delete=models.CASCADE, related_name="calendar_export", verbose_name=_("房型 room type")
    )
    token = models.CharField(_("密钥 secret"), max_length=64, unique=True)
    generated_at = models.DateTimeField(_("生成时间 generated"), auto_now=True)

    class Meta:
        verbose_name = _("日历导出 calendar export")
        verbose_name_plural = _("日历导出 calendar exports")

    def __str__(self) -> str:
        return str(self.room_type)


class CalendarFeed(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("尚未同步 Not synced yet")
        OK = "ok", _("同步正常 Synced")
        PARTIAL = "partial", _("部分事件无法读取 Some events unreadable")
        FAILED = "failed", _("同步失败 Failed")

    room_type = models.ForeignKey(
        RoomType, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("房型 room type")
    )
    name = models.CharField(_("平台名称 platform"), max_length=60)
    url = models.URLField(_("日历地址 calendar address"), max_length=FEED_URL_MAX_LENGTH)
    status = models.CharField(_("状态 status"), max_length=10, choices=Status.choices, default=Status.NEW)
    message = models.CharField(_("最近结果 last result"), max_length=300, blank=True)
    events = models.PositiveIntegerField(_("事件数 events"), default=0)
    last_attempt_at = models.DateTimeField(_("最近尝试 last attempt"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("最近成功 last success"), null=True, blank=True)
    created_at = models.DateTimeField(_("添加时间 added"), auto_now_add=True)

    class Meta:
        ordering = ["room_type", "id"]
        verbose_name = _("外部日历 external calendar")
        verbose_name_plural = _("外部日历 external calendars")
        constraints = [
            models.UniqueConstraint(fields=["room_type", "url"], name="calendar_feed_once_per_room_type"),
            models.CheckConstraint(
                condition=Q(status__in=["new", "ok", "partial", "failed"]), name="calendar_feed_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExternalNight(models.Model):
    feed = models.ForeignKey(
        CalendarFeed, on_delete=models.CASCADE, related_name="nights", verbose_name=_("外部日历 feed")
    )
    uid = models.CharField(_("事件标识 event UID"), max_length=255)
    night = models.DateField(_("日期(当晚) night"))
    blocking = models.BooleanField(
        _("已占用一间房 holds a closed room"),
        help_text=_("否:本平台已无空房,与外部预订冲突 No: no room was free here, a conflict"),
    )
    dismissed = models.BooleanField(
        _("房东已忽略 dismissed by the owner"),
        default=False,
        help_text=_("冲突经房东确认无需关房 A conflict the owner decided needs no closed room"),
    )

    class Meta:
        ordering = ["night", "id"]
        verbose_name = _("外部占用 external night")
        verbose_name_plural = _("外部占用 external nights")
        indexes = [models.Index(fields=["feed", "night"], name="external_night_feed_night")]
        constraints = [
            models.UniqueConstraint(fields=["feed", "uid", "night"], name="external_night_once_per_event"),
            models.CheckConstraint(
                condition=Q(blocking=False) | Q(dismissed=False), name="external_night_dismissed_not_blocking"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.night} {self.uid}"
