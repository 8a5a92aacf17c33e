"""How often one tourist may try to book: the booking page's form and the API share one count of
attempts per minute (``BOOKING_CREATE_RATE_PER_MINUTE``); past it the page answers 429 and books nothing.
The clock is frozen at 10:00:00 Beijing time (tests/bookings/conftest.py), so the wait is a full minute."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from bookings.models import Booking
from bookings.ratelimit import client_address
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


# Behind the reverse proxy of docs/deployment.md: every request comes from the proxy's address, and the
# proxy appends the address it was called from to X-Forwarded-For.
PROXY = "10.0.0.2"
ADDRESS_LIMIT = 3


@pytest.fixture
def behind_one_proxy(behind_the_documented_proxy, settings):
    settings.BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE = ADDRESS_LIMIT


def tourist_at(address: str, forged: str = "") -> Client:
    """A new tourist, signed in, whose requests reach the site through the proxy from ``address``; anything
    in ``forged`` is what the tourist's own browser put in X-Forwarded-For."""
    forwarded = f"{forged}, {address}" if forged else address
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    client.force_login(factories.user())
    return client


def test_many_accounts_from_one_address_share_the_address_limit(behind_one_proxy, room_type):
    for _ in range(ADDRESS_LIMIT):
        assert book(tourist_at("203.0.113.7"), room_type, NO_PHONE).status_code == 400

    limited = book(tourist_at("203.0.113.7"), room_type, LEAD)

    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert not Booking.objects.exists()


def test_tourists_behind_the_same_proxy_are_counted_apart(behind_one_proxy, room_type):
    for _ in range(ADDRESS_LIMIT + 1):
        book(tourist_at("203.0.113.7"), room_type, NO_PHONE)

    assert book(tourist_at("198.51.100.23"), room_type, LEAD).status_code == 302


def test_a_made_up_x_forwarded_for_does_not_escape_the_address_limit(behind_one_proxy, room_type):
    for number in range(ADDRESS_LIMIT):
        book(tourist_at("203.0.113.7", forged=f"192.0.2.{number}"), room_type, NO_PHONE)

    limited = book(tourist_at("203.0.113.7", forged="192.0.2.99"), room_type, LEAD)

    assert limited.status_code == 429


def test_api_attempts_count_against_the_address_too(behind_one_proxy, room_type):
    for _ in range(ADDRESS_LIMIT):
        assert api_book(tourist_at("203.0.113.7"), room_type, guests=9).status_code == 422

    response = api_book(tourist_at("203.0.113.7"), room_type)

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert not Booking.objects.exists()


def test_an_ipv6_household_counts_as_one_address(behind_one_proxy, room_type):
    for host in range(1, ADDRESS_LIMIT + 1):
        book(tourist_at(f"2001:db8:1:2::{host}"), room_type, NO_PHONE)

    assert book(tourist_at("2001:db8:1:2:ffff::9"), room_type, LEAD).status_code == 429
    assert book(tourist_at("2001:db8:1:3::1"), room_type, LEAD).status_code == 302


def test_without_a_trusted_proxy_the_header_is_ignored(settings, room_type):
    settings.BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE = ADDRESS_LIMIT
    for number in range(ADDRESS_LIMIT):
        book(tourist_at(f"203.0.113.{number}"), room_type, NO_PHONE)

    # Every request came from 10.0.0.2: with no proxy trusted, that is the address that counts.
    assert book(tourist_at("198.51.100.23"), room_type, LEAD).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "203.0.113.7", PROXY),
        (1, None, PROXY),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.1,203.0.113.7", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # one of the two proxies bypassed: no error, the one address
        (1, "203.0.113.7:4711", "203.0.113.7"),
        (1, "[2001:DB8::1]:4711", "2001:db8::1"),
        (1, " 2001:DB8:0::7 ", "2001:db8::7"),
        (1, "unknown", PROXY),
        (1, "192.0.2.1, not-an-address", PROXY),
    ],
)
def test_the_client_address_is_read_from_the_right_of_x_forwarded_for(settings, proxies, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)

    assert client_address(request) == address


def test_no_valid_address_at_all_is_none(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(RequestFactory().get("/", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="x")) is None
