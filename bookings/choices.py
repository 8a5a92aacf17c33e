"""Choices that models in several modules of the app share. They live below every model module, so a
model module that needs them imports this one instead of ``bookings.models``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    HELD = "held", _("待确认 Held")
    CONFIRMED = "confirmed", _("已确认 Confirmed")
    CHECKED_IN = "checked_in", _("已入住 Checked in")
    COMPLETED = "completed", _("已完成 Completed")
    CANCELLED = "cancelled", _("已取消 Cancelled")
    EXPIRED = "expired", _("已过期 Expired")
    NO_SHOW = "no_show", _("未到店 No-show")
