"""Real races on reviews: threads with their own connections, released together (see
tests/bookings/test_concurrency.py). Guests reviewing one homestay at the same moment are all counted in
its average; one stay reviewed twice at once keeps one review."""

from decimal import Decimal

import pytest

from bookings.reviews import errors, services
from bookings.reviews.models import Review
from tests import factories
from tests.bookings.reviews.conftest import RATINGS
from tests.bookings.test_concurrency import race, real_database  # noqa: F401 (a fixture)
from villages.models import Homestay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("real_database")]


def test_reviews_written_at_once_are_all_counted(stays):
    guests = [factories.user() for _ in range(4)]
    bookings = [stays.completed(guest) for guest in guests]

    def work(i, barrier):
        barrier.wait()
        return services.review_create(
            booking=bookings[i],
            user=guests[i],
            ratings={**RATINGS, "overall": i + 2},
            text="同一时刻写的评价",
        )

    results = race(4, work)
    assert all(isinstance(result, Review) for result in results), results
    homestay = Homestay.objects.get(pk=stays.homestay.pk)
    assert (homestay.review_count, homestay.rating_average) == (4, Decimal("3.50"))


def test_one_stay_reviewed_twice_at_once_keeps_one(stays, guest):
    booking = stays.completed(guest)

    def work(i, barrier):
        barrier.wait()
        return services.review_create(booking=booking, user=guest, ratings=RATINGS, text=f"第{i}次提交的评价")

    results = race(3, work)
    assert sum(isinstance(result, Review) for result in results) == 1
    refused = [result for result in results if not isinstance(result, Review)]
    assert all(
        isinstance(result, errors.ReviewRefused) and result.code == "already_reviewed" for result in refused
    )
    assert Review.objects.count() == 1
    assert Homestay.objects.get(pk=stays.homestay.pk).review_count == 1
