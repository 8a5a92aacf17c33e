"""A review is about one completed stay: one booking, one review (a unique column). Ratings are 1 to 5
(CHECK constraints); a hidden review carries the reason staff gave; an owner's reply is written once.
Only ``published`` reviews are shown and counted in the homestay's average (``villages.Homestay``'s
``rating_average`` and ``review_count``, refreshed by ``bookings.reviews.services``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

RATING_FIELDS = ("overall", "cleanliness", "host", "location", "value")
RATING_LABELS = {
    "overall": _("总体评分"),
    "cleanliness": _("卫生"),
    "host": _("房东"),
    "location": _("位置"),
    "value": _("性价比"),
}
MAX_PHOTOS = 4
MAX_TEXT = 2000
MAX_REPLY = 1000


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核 Awaiting moderation")
        PUBLISHED = "published", _("已发布 Published")
        HIDDEN = "hidden", _("已隐藏 Hidden")

    booking = models.OneToOneField(
        "bookings.Booking", on_delete=models.CASCADE, related_name="review", verbose_name=_("预订 booking")
    )
    homestay = models.ForeignKey(
        "villages.Homestay", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("民宿 homestay")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
        verbose_name=_("作者 author"),
    )
    author_name = models.CharField(_("显示名 shown as"), max_length=40)
    overall = models.PositiveSmallIntegerField(_("总体 overall"))
    cleanliness = models.PositiveSmallIntegerField(_("卫生 cleanliness"))
    host = models.PositiveSmallIntegerField(_("房东 host"))
    location = models.PositiveSmallIntegerField(_("位置 location"))
    value = models.PositiveSmallIntegerField(_("性价比 value"))
    text = models.TextField(_("评价 review"), max_length=MAX_TEXT)
    language = models.CharField(_("语言 language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(_("状态 status"), max_length=10, choices=Status.choices)
    check_note = models.CharField(_("自动审核结果 content check"), max_length=200, blank=True)
    hidden_reason = models.CharField(_("隐藏原因 reason hidden"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人 moderated by"),
    )
    moderated_at = models.DateTimeField(_("审核时间 moderated"), null=True, blank=True)
    reply = models.TextField(_("经营户回复 owner's reply"), max_length=MAX_REPLY, blank=True)
    replied_at = models.DateTimeField(_("回复时间 replied"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间 created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("评价 review")
        verbose_name_plural = _("评价 reviews")
        indexes = [
            models.Index(fields=["homestay", "status", "created_at"], name="review_homestay_status"),
            models.Index(fields=["status", "created_at"], name="review_status_created"),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}), name=f"review_{field}_1_to_5"
                )
                for field in RATING_FIELDS
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "hidden"]), name="review_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="hidden") | ~Q(hidden_reason=""), name="review_hidden_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(reply="", replied_at__isnull=True) | (~Q(reply="") & Q(replied_at__isnull=False)),
                name="review_reply_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.homestay_id} · {self.overall}★ · {self.get_status_display()}"

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def sub_ratings(self) -> list[tuple[str, int]]:
        """(label, stars) of the four ratings beside the overall one."""
        return [(str(RATING_LABELS[field]), getattr(self, field)) for field in RATING_FIELDS[1:]]


class ReviewPhoto(models.Model):
    """A guest's photo, stored the way owners' photos are: checked, upright, at most 1600 px, no metadata."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="photos", verbose_name=_("评价 review")
    )
    image = models.ImageField(_("照片 photo"), upload_to="reviews/")
    order = models.PositiveSmallIntegerField(_("排序 order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("评价照片 review photo")
        verbose_name_plural = _("评价照片 review photos")
        constraints = [
            models.UniqueConstraint(fields=["review", "order"], name="review_photo_unique_order"),
            models.CheckConstraint(condition=Q(order__lt=MAX_PHOTOS), name="review_photo_at_most_four"),
        ]

    def __str__(self) -> str:
        return self.image.name or ""
