"""Who may review what, once; the owner's one reply; staff hiding and publishing, and the homestay's
average following only the visible reviews."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from PIL import Image

from bookings import usecases
from bookings.models import Booking
from bookings.reviews import errors, services
from bookings.reviews.models import Review, ReviewPhoto
from tests import factories
from tests.bookings.booking_states import MOMENTS
from tests.bookings.reviews.conftest import RATINGS, photo_upload
from villages.models import Homestay

pytestmark = pytest.mark.django_db


def review(booking, user, *, ratings=None, text="院子很干净，房东很热情，早餐好吃。", photos=()):
    return services.review_create(
        booking=booking, user=user, ratings=dict(ratings or RATINGS), text=text, photos=photos
    )


def rating_of(homestay) -> tuple[Decimal | None, int]:
    homestay = Homestay.objects.get(pk=homestay.pk)
    return homestay.rating_average, homestay.review_count


def test_a_guest_reviews_a_stay_they_checked_out_of(stays, guest):
    booking = stays.completed(guest, name="王小明")
    made = review(booking, guest)
    assert made.status == Review.Status.PUBLISHED
    assert made.author_name == "王**"  # never the guest's name
    assert (made.overall, made.cleanliness, made.host, made.location, made.value) == (5, 4, 5, 3, 4)
    assert rating_of(stays.homestay) == (Decimal("5.00"), 1)


def test_nobody_reviews_another_guests_stay(stays, guest):
    booking = stays.completed(guest)
    stranger = factories.user()
    with pytest.raises(errors.ReviewNotFound):
        review(booking, stranger)
    with pytest.raises(errors.ReviewNotFound):  # not even the homestay's owner
        review(booking, stays.owner)
    assert not Review.objects.exists()


@pytest.mark.parametrize("state", ["confirmed", "checked_in", "cancelled", "no_show"])
def test_a_stay_not_checked_out_of_cannot_be_reviewed(stays, guest, state):
    booking = stays.placed(guest)
    if state == "checked_in":
        booking = stays.checked_in(booking)
    elif state == "cancelled":
        booking = usecases.booking_cancel(
            booking=booking, actor=usecases.Actor("guest", "web", guest)
        ).booking
    elif state == "no_show":
        stays.clock.set(MOMENTS["second_morning"])
        booking = usecases.booking_no_show(booking=booking, actor=stays.owner_actor()).booking
    with pytest.raises(errors.ReviewRefused) as refused:
        review(booking, guest)
    assert refused.value.code == "not_stayed"
    assert not Review.objects.exists()
    assert rating_of(stays.homestay) == (None, 0)


def test_one_review_per_stay(stays, guest):
    booking = stays.completed(guest)
    review(booking, guest)
    with pytest.raises(errors.ReviewRefused) as refused:
        review(booking, guest, text="再写一次，换个说法。")
    assert refused.value.code == "already_reviewed"
    assert Review.objects.count() == 1


def test_the_database_refuses_a_second_review_of_a_stay(stays, guest):
    """Even code that skips the service's check cannot write two reviews of one booking."""
    booking = stays.completed(guest)
    first = review(booking, guest)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            booking=booking,
            homestay=first.homestay,
            author=guest,
            author_name="x",
            text="again!",
            language="zh-hans",
            status="published",
            **RATINGS,
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [("overall", 0), ("cleanliness", 6), ("value", -1), ("host", None), ("location", True)],
)
def test_ratings_are_one_to_five_stars(stays, guest, field, value):
    booking = stays.completed(guest)
    with pytest.raises(ValidationError) as refused:
        review(booking, guest, ratings={**RATINGS, field: value})
    assert refused.value.code == "rating"
    assert not Review.objects.exists()


def test_the_database_refuses_a_rating_out_of_range(stays, guest):
    booking = stays.completed(guest)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            booking=booking,
            homestay=stays.homestay,
            author=guest,
            author_name="x",
            text="hello",
            language="zh-hans",
            status="published",
            **{**RATINGS, "overall": 6},
        )


@pytest.mark.parametrize("text", ["", "   好  ", "字" * 2001])
def test_text_too_short_or_too_long_is_refused(stays, guest, text):
    booking = stays.completed(guest)
    with pytest.raises(ValidationError):
        review(booking, guest, text=text)
    assert not Review.objects.exists()


def test_reviews_close_after_the_window(stays, guest, settings):
    settings.REVIEW_WINDOW_DAYS = 30
    booking = stays.completed(guest)
    stays.clock.advance(days=31)
    with pytest.raises(errors.ReviewRefused) as refused:
        review(booking, guest)
    assert refused.value.code == "too_late"


def test_photos_are_resized_and_lose_their_metadata(stays, guest):
    booking = stays.completed(guest)
    made = review(booking, guest, photos=[photo_upload("a.jpg"), photo_upload("b.jpg")])
    photos = list(made.photos.all())
    assert [p.order for p in photos] == [0, 1]
    with Image.open(photos[0].image.path) as saved:
        assert saved.width == 1600
        assert not saved.getexif()  # no GPS position, no camera maker


def test_more_than_four_photos_are_refused_and_nothing_is_saved(stays, guest):
    booking = stays.completed(guest)
    with pytest.raises(ValidationError) as refused:
        review(booking, guest, photos=[photo_upload(f"{n}.jpg", gps=False) for n in range(5)])
    assert refused.value.code == "photo_count"
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(stays, guest):
    from django.core.files.uploadedfile import SimpleUploadedFile

    booking = stays.completed(guest)
    with pytest.raises(ValidationError) as refused:
        review(
            booking, guest, photos=[SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")]
        )
    assert refused.value.code == "photo_invalid"
    assert not Review.objects.exists()


def test_the_database_keeps_a_review_to_four_photos(stays, guest):
    made = review(stays.completed(guest), guest)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewPhoto.objects.create(review=made, image="reviews/x.jpg", order=4)


# Averages


def _three_reviews(stays):
    made = []
    for overall in (5, 4, 2):
        guest = factories.user()
        made.append(review(stays.completed(guest), guest, ratings={**RATINGS, "overall": overall}))
    return made


def test_the_average_counts_every_visible_review(stays):
    _three_reviews(stays)
    assert rating_of(stays.homestay) == (Decimal("3.67"), 3)


def test_hiding_and_unhiding_moves_the_average(stays, staff):
    five, four, two = _three_reviews(stays)
    services.review_hide(review=two, by=staff, reason="与住宿无关的广告 advertising")
    assert rating_of(stays.homestay) == (Decimal("4.50"), 2)
    services.review_hide(review=five, by=staff, reason="辱骂 abuse")
    assert rating_of(stays.homestay) == (Decimal("4.00"), 1)
    services.review_hide(review=four, by=staff, reason="重复 duplicate")
    assert rating_of(stays.homestay) == (None, 0)
    services.review_publish(review=two, by=staff)
    assert rating_of(stays.homestay) == (Decimal("2.00"), 1)
    services.review_publish(review=five, by=staff)
    services.review_publish(review=four, by=staff)
    assert rating_of(stays.homestay) == (Decimal("3.67"), 3)


def test_hiding_needs_a_reason(stays, staff, guest):
    made = review(stays.completed(guest), guest)
    with pytest.raises(ValidationError):
        services.review_hide(review=made, by=staff, reason="  ")
    assert Review.objects.get(pk=made.pk).status == Review.Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database agrees
        Review.objects.filter(pk=made.pk).update(status="hidden", hidden_reason="")


def test_hiding_twice_changes_nothing_more(stays, staff, guest):
    made = review(stays.completed(guest), guest)
    first = services.review_hide(review=made, by=staff, reason="广告")
    again = services.review_hide(review=made, by=staff, reason="广告")
    assert again.moderated_at == first.moderated_at
    assert rating_of(stays.homestay) == (None, 0)


def test_the_village_pages_cached_cards_are_renewed(stays, guest):
    from villages.fragments import catalogue_generation

    before = catalogue_generation()
    review(stays.completed(guest), guest)
    assert catalogue_generation() != before


# The content check


def test_text_with_a_listed_word_waits_for_staff(stays, guest, staff):
    made = review(stays.completed(guest), guest, text="想要优惠请 加 微 信 abc123")
    assert made.status == Review.Status.PENDING
    assert "加微信" in made.check_note
    assert rating_of(stays.homestay) == (None, 0)  # not counted until staff publish it
    services.review_publish(review=made, by=staff)
    assert rating_of(stays.homestay) == (Decimal("5.00"), 1)


def test_the_word_list_is_a_setting(stays, guest, settings):
    settings.REVIEW_BLOCKED_WORDS = ["Spam"]
    made = review(stays.completed(guest), guest, text="this is SPAM, really")
    assert made.status == Review.Status.PENDING


def flag_everything(text):
    from bookings.reviews.moderation import ContentVerdict

    return ContentVerdict(False, f"provider: {len(text)} chars")


def provider_down(text):
    raise TimeoutError("provider timed out")


def test_another_check_plugs_in_by_setting(stays, guest, settings):
    settings.REVIEW_CONTENT_CHECK = "tests.bookings.reviews.test_services.flag_everything"
    made = review(stays.completed(guest), guest)
    assert made.status == Review.Status.PENDING
    assert made.check_note.startswith("provider:")


def test_a_check_that_fails_holds_the_review_for_staff(stays, guest, settings):
    settings.REVIEW_CONTENT_CHECK = "tests.bookings.reviews.test_services.provider_down"
    made = review(stays.completed(guest), guest)
    assert made.status == Review.Status.PENDING
    assert made.check_note == "check failed: TimeoutError"


# The owner's reply


def test_the_owner_replies_once(stays, guest):
    made = review(stays.completed(guest), guest)
    replied = services.review_reply(review=made, user=stays.owner, text="谢谢您，欢迎再来！")
    assert replied.reply == "谢谢您，欢迎再来！" and replied.replied_at is not None
    with pytest.raises(errors.ReviewRefused) as refused:
        services.review_reply(review=made, user=stays.owner, text="再补充一句话。")
    assert refused.value.code == "already_replied"
    assert Review.objects.get(pk=made.pk).reply == "谢谢您，欢迎再来！"


@pytest.mark.parametrize("who", ["guest", "other_owner", "stranger"])
def test_only_the_homestays_owner_replies(stays, guest, who):
    made = review(stays.completed(guest), guest)
    user = {
        "guest": guest,
        "other_owner": factories.homestay(owner=factories.user()).owner,
        "stranger": factories.user(),
    }[who]
    with pytest.raises(errors.ReviewNotFound):
        services.review_reply(review=made, user=user, text="我不是这家的房东。")
    assert Review.objects.get(pk=made.pk).reply == ""


def test_a_reply_the_check_refuses_is_not_saved(stays, guest):
    made = review(stays.completed(guest), guest)
    with pytest.raises(ValidationError) as refused:
        services.review_reply(review=made, user=stays.owner, text="下次直接加我微信订房更便宜")
    assert refused.value.code == "reply_refused"
    assert Review.objects.get(pk=made.pk).replied_at is None


def test_a_hidden_review_cannot_be_replied_to(stays, guest, staff):
    made = review(stays.completed(guest), guest)
    services.review_hide(review=made, by=staff, reason="广告")
    with pytest.raises(errors.ReviewRefused) as refused:
        services.review_reply(review=made, user=stays.owner, text="谢谢您的评价。")
    assert refused.value.code == "not_published"


def test_the_database_keeps_reply_and_its_time_together(stays, guest):
    made = review(stays.completed(guest), guest)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=made.pk).update(reply="hello there")


def test_booking_status_is_unchanged_by_reviewing(stays, guest):
    booking = stays.completed(guest)
    review(booking, guest)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.COMPLETED
