"""Every write about reviews: a guest's review of a completed stay, the owner's one reply, and staff
hiding or publishing. Each refreshes the homestay's average from the visible reviews in the same
transaction, under the homestay's row lock, so two reviews written at once both count."""

from collections.abc import Sequence
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking
from bookings.reviews import errors
from bookings.reviews.models import MAX_PHOTOS, MAX_REPLY, MAX_TEXT, RATING_FIELDS, Review, ReviewPhoto
from bookings.reviews.moderation import content_check
from common.money import CENT
from villages.fragments import catalogue_changed
from villages.models import Homestay
from villages.photos.images import photo_for_web

Status = Review.Status
MIN_TEXT = 5


def _ratings(ratings: dict[str, int]) -> dict[str, int]:
    cleaned = {}
    for field in RATING_FIELDS:
        value = ratings.get(field)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError(_("评分须为1到5颗星 Each rating must be 1 to 5 stars"), code="rating")
        cleaned[field] = value
    return cleaned


def _text(text: str, *, longest: int, code: str) -> str:
    text = text.strip()
    if len(text) < MIN_TEXT:
        raise ValidationError(
            _("请至少写%(n)s个字 Please write at least %(n)s characters") % {"n": MIN_TEXT}, code=code
        )
    if len(text) > longest:
        raise ValidationError(_("最多%(n)s个字 At most %(n)s characters") % {"n": longest}, code=code)
    return text


def author_name(booking: Booking) -> str:
    """What others read as the author: the lead guest's first character and stars (张**), never a name."""
    name = booking.lead_guest_name.strip()
    return f"{name[:1]}**" if name else "**"


def homestay_rating_refresh(*, homestay_id: int) -> Homestay:
    """Recount the homestay's visible reviews into its ``rating_average`` and ``review_count``. Locks the
    homestay's row first: concurrent refreshes take turns, and each counts what the one before wrote."""
    with transaction.atomic():
        Homestay.objects.select_for_update().filter(pk=homestay_id).values_list("pk", flat=True).get()
        numbers = Review.objects.filter(homestay_id=homestay_id, status=Status.PUBLISHED).aggregate(
            average=Avg("overall"), count=Count("id")
        )
        average = None
        if numbers["count"]:  # SQLite's AVG is a float, PostgreSQL's a numeric: the same two places
            average = Decimal(str(numbers["average"])).quantize(CENT, ROUND_HALF_UP)
        Homestay.objects.filter(pk=homestay_id).update(rating_average=average, review_count=numbers["count"])
        catalogue_changed()  # cards on the cached village pages show the average
    return Homestay.objects.get(pk=homestay_id)


def review_create(
    *,
    booking: Booking,
    user: User,
    ratings: dict[str, int],
    text: str,
    photos: Sequence[UploadedFile] = (),
    language: str = "zh-hans",
) -> Review:
    """The guest's review of a stay they checked out of, at most one per booking (the database's unique
    ``booking``: a second submission, however it races, is refused). Published at once when the content
    check allows it, else held for staff."""
    if booking.user_id is None or booking.user_id != user.pk:
        raise errors.not_your_stay()
    cleaned = _ratings(ratings)
    text = _text(text, longest=MAX_TEXT, code="text")
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            _("最多上传%(n)s张照片 At most %(n)s photos") % {"n": MAX_PHOTOS}, code="photo_count"
        )
    ready = [photo_for_web(photo) for photo in photos]  # before any lock: resizing takes a moment
    verdict = content_check(text)
    try:
        with transaction.atomic():
            locked = Booking.objects.select_for_update().get(pk=booking.pk)
            _check_reviewable(locked)
            review = Review.objects.create(
                booking=locked,
                homestay_id=locked.homestay_id,
                author=user,
                author_name=author_name(locked),
                text=text,
                language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
                status=Status.PUBLISHED if verdict.allowed else Status.PENDING,
                check_note=verdict.reason[:200],
                **cleaned,
            )
            for order, content in enumerate(ready):
                photo = ReviewPhoto(review=review, order=order)
                photo.image.save(f"{locked.reference.lower()}-{order}.jpg", content, save=True)
            if review.is_visible:
                homestay_rating_refresh(homestay_id=locked.homestay_id)
    except IntegrityError:
        if Review.objects.filter(booking_id=booking.pk).exists():
            raise errors.already_reviewed() from None
        raise
    return review


def _check_reviewable(booking: Booking) -> None:
    if booking.status != Booking.Status.COMPLETED:
        raise errors.not_stayed()
    if Review.objects.filter(booking=booking).exists():
        raise errors.already_reviewed()
    days = settings.REVIEW_WINDOW_DAYS
    if booking.completed_at is not None and timezone.now() - booking.completed_at > timedelta(days=days):
        raise errors.too_late(days)


def review_reply(*, review: Review, user: User, text: str) -> Review:
    """The owner's public reply, once. A reply the content check refuses is not saved: the owner is told to
    rewrite it (a reply has no queue of its own)."""
    text = _text(text, longest=MAX_REPLY, code="reply")
    if review.homestay.owner_id is None or review.homestay.owner_id != user.pk:
        raise errors.ReviewNotFound(errors.review_not_found_message())
    verdict = content_check(text)
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.replied_at is not None:
            raise errors.already_replied()
        if not locked.is_visible:
            raise errors.not_published()
        if not verdict.allowed:
            raise ValidationError(
                _("回复含有不允许的内容,请修改 The reply contains words that are not allowed; rewrite it"),
                code="reply_refused",
            )
        locked.reply, locked.replied_at = text, timezone.now()
        locked.save(update_fields=["reply", "replied_at"])
    return locked


def _moderate(review: Review, *, by: User, status: str, reason: str = "") -> Review:
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if locked.status == status and locked.hidden_reason == reason and locked.moderated_at is not None:
            return locked  # a repeated click
        locked.status, locked.hidden_reason = status, reason
        locked.moderated_by, locked.moderated_at = by, timezone.now()
        locked.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
        homestay_rating_refresh(homestay_id=locked.homestay_id)
    return locked


def review_hide(*, review: Review, by: User, reason: str) -> Review:
    """Staff take a review out of sight, saying why (shown to its author, never to the public)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写隐藏原因 Please give the reason for hiding it"), code="reason")
    return _moderate(review, by=by, status=Status.HIDDEN, reason=reason[:200])


def review_publish(*, review: Review, by: User) -> Review:
    """Staff let a review held by the content check, or hidden before, be seen and counted."""
    return _moderate(review, by=by, status=Status.PUBLISHED)
