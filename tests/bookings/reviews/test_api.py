"""Reviews in the JSON API: listing a homestay's visible reviews, reviewing one of my stays, the owner's
reply; who may do what, and the refusals."""

import pytest
from django.test import Client

from bookings.models import Booking
from bookings.reviews import services
from bookings.reviews.models import Review
from tests import factories
from tests.bookings.reviews.conftest import RATINGS
from tests.bookings.test_api import App, verified_user
from tourism.api import api
from villages.models import Homestay

pytestmark = pytest.mark.django_db

BODY = {**RATINGS, "text": "窑洞冬暖夏凉，早餐是小米粥。"}


def review_path(booking: Booking) -> str:
    return f"/api/bookings/{booking.reference}/review"


@pytest.fixture
def guest():
    """The booking tests' ``guest``, able to sign in to the API."""
    return verified_user(username="guest", email="guest@example.com")


def test_a_guest_reviews_a_completed_stay(stays, guest):
    booking = stays.completed(guest, name="赵四")
    response = App(guest).post(review_path(booking), BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published" and body["author_name"] == "赵**"
    assert body["overall"] == 5 and body["reply"] == "" and body["photos"] == []
    assert Homestay.objects.get(pk=stays.homestay.pk).review_count == 1


def test_reviewing_twice_is_409_and_keeps_the_first(stays, guest):
    booking = stays.completed(guest)
    app = App(guest)
    assert app.post(review_path(booking), BODY).status_code == 201
    again = app.post(review_path(booking), {**BODY, "overall": 1})
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert Review.objects.get().overall == 5


def test_another_guests_stay_is_404(stays, guest):
    booking = stays.completed(guest)
    other = App(verified_user())
    response = other.post(review_path(booking), BODY)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Review.objects.exists()


def test_an_unknown_booking_is_404(guest):
    response = App(guest).post("/api/bookings/ABCDEFGH/review", BODY)
    assert response.status_code in (404, 422)  # 422 when the reference's length is not ours
    assert not Review.objects.exists()


def test_a_cancelled_stay_and_one_not_yet_stayed_are_409(stays, guest):
    from bookings import usecases

    app = App(guest)
    upcoming = stays.placed(guest)
    response = app.post(review_path(upcoming), BODY)
    assert response.status_code == 409 and response.json()["code"] == "not_stayed"
    cancelled = usecases.booking_cancel(booking=upcoming, actor=usecases.Actor("guest", "api", guest)).booking
    response = app.post(review_path(cancelled), BODY)
    assert response.status_code == 409 and response.json()["code"] == "not_stayed"
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "change",
    [{"overall": 0}, {"host": 6}, {"text": "好"}, {"value": "five"}, {"text": "很好的一次\x00住宿"}],
)
def test_bad_ratings_or_text_are_422(stays, guest, change):
    booking = stays.completed(guest)
    response = App(guest).post(review_path(booking), {**BODY, **change})
    assert response.status_code == 422
    assert not Review.objects.exists()


def test_signing_in_is_needed_to_review(stays, guest):
    booking = stays.completed(guest)
    response = Client().post(review_path(booking), BODY, content_type="application/json")
    assert response.status_code == 401


def test_a_homestays_reviews_list_only_the_visible_ones(stays, guest, staff):
    shown = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="很好的一次住宿"
    )
    other = factories.user()
    hidden = services.review_create(
        booking=stays.completed(other), user=other, ratings=RATINGS, text="也很不错的"
    )
    services.review_hide(review=hidden, by=staff, reason="广告")
    services.review_reply(review=shown, user=stays.owner, text="谢谢，欢迎再来！")
    response = Client().get(f"/api/homestays/{stays.homestay.pk}/reviews")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [shown.pk]
    assert items[0]["reply"] == "谢谢，欢迎再来！"
    assert "status" not in items[0]
    homestay = Client().get(f"/api/homestays/{stays.homestay.pk}").json()
    assert (homestay["rating_average"], homestay["review_count"]) == (5.0, 1)


def test_an_unpublished_homestays_reviews_are_404(stays):
    Homestay.objects.filter(pk=stays.homestay.pk).update(is_published=False)
    assert Client().get(f"/api/homestays/{stays.homestay.pk}/reviews").status_code == 404


def test_the_owner_replies_once_through_the_api(stays, guest):
    made = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="很好的一次住宿"
    )
    owner = App(verified_user(username="owner-api"))
    Homestay.objects.filter(pk=stays.homestay.pk).update(owner=owner.user)
    path = f"/api/reviews/{made.pk}/reply"
    first = owner.post(path, {"reply": "谢谢您的评价！"})
    assert first.status_code == 200 and first.json()["reply"] == "谢谢您的评价！"
    second = owner.post(path, {"reply": "再说一句话吧。"})
    assert second.status_code == 409 and second.json()["code"] == "already_replied"


def test_a_reply_with_a_nul_character_is_422(stays, guest):
    """PostgreSQL can neither store nor compare a NUL character: refused before, never a 500."""
    made = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="很好的一次住宿"
    )
    owner = App(verified_user(username="owner-api"))
    Homestay.objects.filter(pk=stays.homestay.pk).update(owner=owner.user)
    response = owner.post(f"/api/reviews/{made.pk}/reply", {"reply": "谢谢您的\x00评价！"})
    assert response.status_code == 422
    made.refresh_from_db()
    assert made.reply == ""


def test_someone_elses_review_is_404_to_reply_to(stays, guest):
    made = services.review_create(
        booking=stays.completed(guest), user=guest, ratings=RATINGS, text="很好的一次住宿"
    )
    for user in (guest, verified_user()):
        response = App(user).post(f"/api/reviews/{made.pk}/reply", {"reply": "我来替房东回复。"})
        assert response.status_code == 404
    assert App(guest).post("/api/reviews/999999/reply", {"reply": "没有这条评价。"}).status_code == 404
    assert Review.objects.get(pk=made.pk).reply == ""


def test_the_operations_are_in_the_openapi_document():
    paths = api.get_openapi_schema()["paths"]
    assert "get" in paths["/api/homestays/{homestay_id}/reviews"]
    assert "post" in paths["/api/bookings/{reference}/review"]
    assert "post" in paths["/api/reviews/{review_id}/reply"]


def test_search_sorts_by_rating(stays, guest):
    from tests.bookings.helpers import ARRIVAL

    unrated = factories.room_type(homestay=factories.homestay(), room_count=2)
    services.review_create(
        booking=stays.completed(guest), user=guest, ratings={**RATINGS, "overall": 3}, text="一般般吧还行"
    )
    best = factories.room_type(homestay=factories.homestay(), room_count=2)
    Homestay.objects.filter(pk=best.homestay_id).update(rating_average="4.80", review_count=5)
    stays.clock.set("2026-09-01 10:00")
    response = Client().get(
        "/api/availability",
        {
            "check_in": ARRIVAL.replace(day=20).isoformat(),
            "check_out": ARRIVAL.replace(day=21).isoformat(),
            "sort": "rating",
        },
    )
    assert response.status_code == 200, response.content
    order = [item["homestay"]["id"] for item in response.json()["items"]]
    assert order == [best.homestay_id, stays.homestay.pk, unrated.homestay_id]
    assert response.json()["items"][0]["homestay"]["rating_average"] == 4.8


def test_a_body_that_is_not_json_is_400_and_another_guests_stay_is_404_whatever_the_body(stays, guest):
    booking = stays.completed(guest)
    app = App(guest)
    response = app.client.post(
        review_path(booking), b"\x00{", content_type="application/json", headers=app.headers
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_json"
    other = App(verified_user())
    assert other.post(review_path(booking), {"overall": "x"}).status_code == 404
    assert not Review.objects.exists()
