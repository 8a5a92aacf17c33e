"""How often one tourist may try to book: the booking page's form and the API share one count of
attempts per minute (``BOOKING_CREATE_RATE_PER_MINUTE``); past it the page answers 429 and books nothing.
The clock is frozen at 10:00:00 Beijing time (tests/bookings/conftest.py), so the wait is a full minute."""

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Booking
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE

pytestmark = pytest.mark.django_db

LIMIT = 2
STAY = {"check_in": ARRIVAL.isoformat(), "check_out": DEPARTURE.isoformat(), "guests": "2", "rooms": "1"}
LEAD = {"lead_guest_name": "李四", "lead_guest_phone": "139 0013 9000", "payment": "at_homestay"}
NO_PHONE = {**LEAD, "lead_guest_phone": ""}
TOO_MANY = "预订尝试过于频繁，请一分钟后再试。"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.BOOKING_CREATE_RATE_PER_MINUTE = LIMIT


@pytest.fixture
def tourist(client):
    client.force_login(factories.user())
    return client


def api_book(client, room_type, **fields):
    body = {
        "room_type_id": room_type.pk,
        "check_in": ARRIVAL.isoformat(),
        "check_out": DEPARTURE.isoformat(),
        "guests": 2,
        "lead_guest_name": "李四",
        "lead_guest_phone": "139 0013 9000",
        "payment": "at_homestay",
        **fields,
    }
    return client.post("/api/bookings", body, content_type="application/json")


def book(client, room_type, data):
    return client.post(reverse("bookings:book", args=[room_type.pk]) + "?" + _query(STAY), data)


def _query(params: dict) -> str:
    return "&".join(f"{name}={value}" for name, value in params.items())


def test_past_the_limit_the_booking_form_answers_429_and_books_nothing(tourist, room_type):
    refused = [book(tourist, room_type, NO_PHONE) for _ in range(LIMIT)]

    limited = book(tourist, room_type, LEAD)

    assert [response.status_code for response in refused] == [400] * LIMIT
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert TOO_MANY in limited.content.decode()
    assert not Booking.objects.exists()


def test_the_next_minute_the_booking_form_books_again(tourist, room_type, clock):
    for _ in range(LIMIT + 1):
        book(tourist, room_type, NO_PHONE)
    clock.advance(minutes=1)

    response = book(tourist, room_type, LEAD)

    assert response.status_code == 302
    assert Booking.objects.get().lead_guest_name == "李四"


def test_attempts_through_the_api_count_against_the_booking_form(tourist, room_type):
    for _ in range(LIMIT):
        assert api_book(tourist, room_type, guests=9).status_code == 422  # more than the room takes

    assert book(tourist, room_type, LEAD).status_code == 429


def test_the_api_is_limited_after_attempts_on_the_booking_form(tourist, room_type):
    for _ in range(LIMIT):
        book(tourist, room_type, NO_PHONE)

    response = api_book(tourist, room_type)

    assert response.status_code == 429
    assert not Booking.objects.exists()
    assert response.json()["code"] == "rate_limited"


def test_one_tourists_attempts_do_not_limit_another(tourist, room_type):
    for _ in range(LIMIT + 1):
        book(tourist, room_type, NO_PHONE)
    other = Client()
    other.force_login(factories.user())

    assert book(other, room_type, LEAD).status_code == 302


def test_looking_at_the_booking_page_is_not_an_attempt(tourist, room_type):
    url = reverse("bookings:book", args=[room_type.pk]) + "?" + _query(STAY)
    for _ in range(LIMIT + 1):
        assert tourist.get(url).status_code == 200

    assert book(tourist, room_type, LEAD).status_code == 302
