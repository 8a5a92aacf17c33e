"""Reads about reviews shared by the pages and the API."""

from django.contrib.auth.models import User
from django.db.models import Avg, F, Q, QuerySet

from bookings.models import Booking
from bookings.reviews.models import RATING_FIELDS, Review
from villages.models import Homestay

Status = Review.Status


def reviews_visible(*, homestay_id: int) -> QuerySet[Review]:
    """A homestay's published reviews, newest first, with their photos."""
    return (
        Review.objects.filter(homestay_id=homestay_id, status=Status.PUBLISHED)
        .prefetch_related("photos")
        .order_by("-created_at", "-id")
    )


def homestay_rating_breakdown(*, homestay_id: int) -> dict[str, float | None]:
    """The average of each rating over the visible reviews (``overall`` as well)."""
    return Review.objects.filter(homestay_id=homestay_id, status=Status.PUBLISHED).aggregate(
        **{field: Avg(field) for field in RATING_FIELDS}
    )


def review_for_booking(*, booking: Booking) -> Review | None:
    return Review.objects.filter(booking=booking).prefetch_related("photos").first()


def review_queue() -> QuerySet[Review]:
    """What staff look at: reviews the content check held back first, then new ones nobody has looked at."""
    return (
        Review.objects.filter(
            Q(status=Status.PENDING) | Q(status=Status.PUBLISHED, moderated_at__isnull=True)
        )
        .select_related("homestay__village")
        .prefetch_related("photos")
        .order_by("status", "created_at", "id")  # "pending" sorts before "published"
    )


def reviews_hidden() -> QuerySet[Review]:
    return (
        Review.objects.filter(status=Status.HIDDEN)
        .select_related("homestay__village", "moderated_by")
        .order_by("-moderated_at", "-id")
    )


def reviews_for_owner(*, user: User) -> QuerySet[Review]:
    """Reviews of the owner's homestays the public can read, unanswered first."""
    return (
        Review.objects.filter(homestay__owner=user, status=Status.PUBLISHED)
        .select_related("homestay__village")
        .prefetch_related("photos")
        .order_by(F("replied_at").desc(nulls_first=True), "-created_at", "-id")
    )


def review_owned(*, user: User, review_id: int) -> Review:
    """One review of the owner's homestays; ``Review.DoesNotExist`` for anyone else's."""
    return Review.objects.select_related("homestay").get(pk=review_id, homestay__owner=user)


def homestay_reviewable(*, homestay_id: int) -> Homestay:
    """A published homestay (``Homestay.DoesNotExist`` otherwise) whose reviews may be listed."""
    return Homestay.objects.get(pk=homestay_id, is_published=True)
