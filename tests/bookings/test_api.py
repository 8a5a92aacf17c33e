"""The booking JSON API: availability, booking, paying, my bookings, cancelling; who may do what;
refusals.

The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time (tests/bookings/conftest.py). Online
payment is on (Stripe test keys, the fake Stripe API of tests/bookings/payments/fakes.py) unless a test
removes the keys."""

import re
from datetime import date
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from bookings import pricing
from bookings.guests import GuestDetails
from bookings.models import Booking, PriceRule, RoomNight
from bookings.payments.models import Payment, Refund
from bookings.payments.services import homestay_providers_set, payment_succeeded
from bookings.services import booking_confirm, guests_register
from notifications.models import Notification
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, counters, hold, table_counts
from villages.models import Photo, RoomType

pytestmark = pytest.mark.django_db

PASSWORD = "Lishi-zaolin-2024"
APP_LOGIN = "/_allauth/app/v1/auth/login"
AVAILABILITY = "/api/availability"
BOOKINGS = "/api/bookings"
SIGN_IN = {"detail": "请先登录。Please sign in."}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Online payment on for every API test (``stripe_api`` in tests/conftest.py)."""


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits (allauth's and the booking API's) count in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def verified_user(**fields):
    user = factories.user(password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def session_token(user) -> str:
    """Sign in the way the mini-program does: allauth's headless app login."""
    response = Client().post(
        APP_LOGIN, {"email": user.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


class App:
    """The mini-program of one signed-in tourist: every request carries the X-Session-Token, and no CSRF
    token (the client enforces CSRF checks like a real server)."""

    def __init__(self, user):
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"x-session-token": session_token(user)}

    def get(self, path, data=None, **headers):
        return self.client.get(path, data, headers={**self.headers, **headers})

    def post(self, path, data=None, **headers):
        return self.client.post(
            path, data or {}, content_type="application/json", headers={**self.headers, **headers}
        )

    def book(self, room_type, **fields):
        return self.post(BOOKINGS, booking_body(room_type, **fields))


@pytest.fixture
def tourist():
    return App(verified_user())


@pytest.fixture
def other_tourist():
    return App(verified_user())


def booking_body(room_type, **fields) -> dict:
    body = {
        "room_type_id": room_type.pk,
        "check_in": ARRIVAL.isoformat(),
        "check_out": DEPARTURE.isoformat(),
        "guests": 2,
        "rooms": 1,
        "lead_guest_name": "张三",
        "lead_guest_phone": "138 0013 8000",
        "payment": "online",
    }
    return {**body, **fields}


def pay_path(reference: str) -> str:
    return f"{BOOKINGS}/{reference}/pay"


def paid(reference: str) -> Booking:
    """Stripe reports the booking's Checkout payment as paid."""
    payment = Payment.objects.get(booking__reference=reference)
    payment_succeeded(payment=payment, provider_payment_reference="pi_test_1")
    return Booking.objects.get(reference=reference)


def search(client, headers=None, **params):
    params = {"check_in": ARRIVAL.isoformat(), "check_out": DEPARTURE.isoformat(), "guests": 2, **params}
    return client.get(AVAILABILITY, params, headers=headers)


def assert_bilingual(detail: str) -> None:
    assert CHINESE.search(detail), detail
    assert ENGLISH.search(detail), detail


# Availability


def test_availability_shows_a_free_homestay_with_its_room_type_and_stay_price_to_anyone(client, room_type):
    homestay = room_type.homestay

    response = search(client)

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("check_in", "check_out", "nights", "guests", "rooms", "has_more")} == {
        "check_in": "2026-09-08",
        "check_out": "2026-09-10",
        "nights": 2,
        "guests": 2,
        "rooms": 1,
        "has_more": False,
    }
    [item] = body["items"]
    assert item["homestay"]["id"] == homestay.pk
    assert item["homestay"]["name"] == {"zh": homestay.name_zh_hans, "en": homestay.name_en}
    assert item["homestay"]["village"]["slug"] == homestay.village.slug
    assert item["price_from"] == "400.00"
    assert item["currency"] == "CNY"
    assert item["offers"] == [
        {
            "room_type": {
                "id": room_type.pk,
                "name": {"zh": room_type.name_zh_hans, "en": room_type.name_en},
                "beds": {"zh": "", "en": ""},
                "capacity": 2,
            },
            "total": "400.00",
            "per_night": "200.00",
            "rooms_free": 1,
            "currency": "CNY",
        }
    ]


def test_availability_prices_weekend_nights_at_the_weekend_price(client, room_type):
    body = search(client, check_in="2026-09-11", check_out="2026-09-13").json()  # Friday, Saturday

    assert body["items"][0]["price_from"] == "600.00"


def test_availability_leaves_out_a_room_type_already_held_for_one_night(client, room_type):
    hold(room_type, check_in=date(2026, 9, 9), check_out=DEPARTURE)

    assert search(client).json()["items"] == []


def test_availability_filters_by_village_and_highest_price(client, room_type):
    dearer = factories.room_type(base_price=Decimal("900.00"))

    by_village = search(client, village=dearer.homestay.village.slug).json()
    by_price = search(client, max_price="300").json()

    assert [item["homestay"]["id"] for item in by_village["items"]] == [dearer.homestay_id]
    assert [item["homestay"]["id"] for item in by_price["items"]] == [room_type.homestay_id]


def test_availability_pages_through_the_homestays_cheapest_first(client):
    prices = ["300.00", "100.00", "200.00"]
    room_types = [factories.room_type(base_price=Decimal(price)) for price in prices]
    cheapest_first = [room_types[1].homestay_id, room_types[2].homestay_id, room_types[0].homestay_id]

    first = search(client, limit=2).json()
    second = search(client, limit=2, offset=2).json()

    assert [item["homestay"]["id"] for item in first["items"]] == cheapest_first[:2]
    assert first["has_more"] is True
    assert [item["homestay"]["id"] for item in second["items"]] == cheapest_first[2:]
    assert second["has_more"] is False


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"check_in": "2026-09-10", "check_out": "2026-09-08"}, "dates_order"),
        ({"check_in": "2026-08-30", "check_out": "2026-09-02"}, "past"),
        ({"guests": 0}, "guests"),
        ({"rooms": 0}, "rooms"),
        ({"check_in": "2026-09-08", "check_out": "2027-12-31"}, "too_long"),
    ],
)
def test_availability_refuses_an_impossible_stay_in_both_languages(client, room_type, params, code):
    response = search(client, {"accept-language": "en"}, **params)

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert_bilingual(response.json()["detail"])


def test_availability_refuses_a_ten_thousand_year_stay_without_listing_its_nights(
    client, room_type, monkeypatch
):
    """Listing 3 million dates would take seconds: one request could keep a server busy."""
    lengths = []
    stay_nights = pricing.stay_nights

    def counted_stay_nights(check_in, check_out):
        nights = stay_nights(check_in, check_out)
        lengths.append(len(nights))
        return nights

    monkeypatch.setattr(pricing, "stay_nights", counted_stay_nights)

    response = search(client, check_in="2026-09-08", check_out="9999-12-31")

    assert (response.status_code, response.json()["code"]) == (422, "too_long")
    assert all(length <= pricing.MAX_QUOTED_NIGHTS for length in lengths)


@pytest.mark.parametrize(
    "params",
    [{"sort": "cheapest"}, {"check_in": "2026-13-01"}, {"guests": "two"}, {"max_price": "-1"}, {"limit": 0}],
)
def test_availability_rejects_parameters_of_the_wrong_shape(client, params):
    response = search(client, **params)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def _search_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = search(client, limit=100)
    assert response.status_code == 200
    return len(queries)


def test_availability_makes_the_same_number_of_queries_for_ten_times_the_homestays(client):
    def build(count):
        for _ in range(count):
            room_type = factories.room_type(room_count=2)
            hold(room_type, check_in=date(2026, 9, 9), check_out=DEPARTURE, guests=1)

    build(1)
    small = _search_queries(client)
    build(9)
    large = _search_queries(client)

    assert len(search(client, limit=100).json()["items"]) == 10
    assert small == large


# Booking


def test_booking_with_a_session_token_is_held_for_online_payment(tourist, room_type):
    response = tourist.book(room_type)

    assert response.status_code == 201
    body = response.json()
    booking = Booking.objects.get()
    assert booking.user == tourist.user
    assert body["reference"] == booking.reference
    assert (body["status"], body["awaiting"], body["payment"], body["paid"]) == (
        "held",
        "payment",
        "online",
        False,
    )
    assert body["status_label"] == {"zh": "待确认", "en": "Held"}
    assert body["hold_expires_at"] == "2026-09-01T02:15:00Z"  # 10:15 Beijing time, in UTC
    assert body["nights"] == [
        {"night": "2026-09-08", "price": "200.00", "rooms": 1},
        {"night": "2026-09-09", "price": "200.00", "rooms": 1},
    ]
    assert (body["total"], body["currency"], body["night_count"]) == ("400.00", "CNY", 2)
    assert body["lead_guest_phone"] == "13800138000"
    assert body["refund_policy"] == {
        "code": "moderate",
        "label": {"zh": "适中:入住前5天全额退款", "en": "Moderate: full refund up to 5 days before"},
        "full_refund_until": "2026-09-03",
    }
    assert body["pay_url"] == pay_path(booking.reference)
    assert body["refunds"] == []
    assert counters(room_type) == (0, 1, 0)


def test_instant_book_paid_at_the_homestay_is_confirmed_at_once(tourist, room_type):
    body = tourist.book(room_type, payment="at_homestay").json()

    assert (body["status"], body["awaiting"], body["hold_expires_at"]) == ("confirmed", None, None)
    assert body["pay_url"] is None
    assert counters(room_type) == (1, 0, 0)


def test_booking_to_pay_online_without_stripe_keys_is_422_and_changes_nothing(tourist, room_type, no_stripe):
    before = table_counts()

    response = tourist.book(room_type, payment="online")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "payment_unavailable"
    assert_bilingual(body["detail"])
    assert table_counts() == before


def test_booking_to_pay_at_the_homestay_works_without_stripe_keys(tourist, room_type, no_stripe):
    response = tourist.book(room_type, payment="at_homestay")

    assert (response.status_code, response.json()["status"]) == (201, "confirmed")


def test_booking_to_pay_at_a_homestay_that_takes_online_payment_only_is_422(tourist, room_type):
    homestay_providers_set(homestay=room_type.homestay, providers=["stripe_checkout"])

    response = tourist.book(room_type, payment="at_homestay")

    assert (response.status_code, response.json()["code"]) == (422, "payment_unavailable")
    assert Booking.objects.count() == 0


def test_request_to_an_on_request_homestay_waits_for_the_owners_approval(tourist, on_request_room_type):
    body = tourist.book(on_request_room_type, payment="at_homestay").json()

    assert (body["status"], body["awaiting"]) == ("held", "approval")
    assert body["hold_expires_at"] == "2026-09-02T02:00:00Z"  # 24 hours


def test_booking_with_the_session_cookie_needs_the_csrf_token(room_type):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(verified_user())
    browser.get("/_allauth/browser/v1/config")  # sets the CSRF cookie, as for any browser client
    body = booking_body(room_type)

    refused = browser.post(BOOKINGS, body, content_type="application/json")
    accepted = browser.post(
        BOOKINGS,
        body,
        content_type="application/json",
        headers={"x-csrftoken": browser.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert_bilingual(refused.json()["detail"])
    assert accepted.status_code == 201
    assert Booking.objects.count() == 1


def test_anonymous_booking_attempt_is_told_to_sign_in_and_changes_nothing(room_type):
    before = table_counts()

    response = Client(enforce_csrf_checks=True).post(
        BOOKINGS, booking_body(room_type), content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json() == SIGN_IN
    assert table_counts() == before


def test_made_up_session_token_is_told_to_sign_in(client, room_type):
    response = client.post(
        BOOKINGS,
        booking_body(room_type),
        content_type="application/json",
        headers={"x-session-token": "nope"},
    )

    assert response.status_code == 401


def test_booking_the_last_room_someone_else_holds_is_409_with_the_full_nights(tourist, room_type):
    hold(room_type, check_in=date(2026, 9, 9), check_out=date(2026, 9, 11))
    before = table_counts()

    response = tourist.book(room_type)

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["nights"]) == ("nights_unavailable", ["2026-09-09"])
    assert_bilingual(body["detail"])
    assert table_counts() == before


def test_refusals_stay_bilingual_for_a_phone_set_to_english(tourist, room_type):
    hold(room_type)

    response = tourist.post(BOOKINGS, booking_body(room_type), **{"accept-language": "en-US,en;q=0.9"})

    assert response.status_code == 409
    assert response.json()["detail"].startswith("所选日期已订满")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"check_in": "2026-08-31", "check_out": "2026-09-02"}, "past"),
        ({"check_in": "2026-09-10", "check_out": "2026-09-08"}, "dates_order"),
        ({"check_in": "2026-09-08", "check_out": "2026-09-08"}, "dates_order"),
        ({"guests": 0}, "guests"),
        ({"rooms": 0}, "rooms"),
        ({"guests": 3}, "capacity"),
        ({"rooms": 2, "guests": 2}, "rooms"),
        ({"check_in": "2029-09-08", "check_out": "2029-09-10"}, "booking_window"),
        ({"check_in": "2026-09-08", "check_out": "2027-09-10"}, "too_long"),
        ({"check_in": "2026-09-08", "check_out": "9999-12-31"}, "too_long"),
        ({"check_out": "2026-10-20"}, "max_nights"),
        ({"lead_guest_name": "   "}, "name"),
        ({"lead_guest_phone": "12345"}, "phone"),
        ({"room_type_id": 999_999}, "room_type_not_found"),
    ],
)
def test_booking_refused_by_the_rules_is_422_with_a_code_and_changes_nothing(
    tourist, room_type, fields, code
):
    before = table_counts()

    response = tourist.book(room_type, **fields)

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert_bilingual(response.json()["detail"])
    assert table_counts() == before


def test_booking_a_room_type_no_longer_offered_is_422_inactive(tourist, room_type):
    room_type.is_active = False
    room_type.save()

    response = tourist.book(room_type)

    assert (response.status_code, response.json()["code"]) == (422, "inactive")
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"payment": "bitcoin"},
        {"check_in": "next tuesday"},
        {"guests": -1},
        {"guests": 10**30},
        {"room_type_id": 0},
        {"room_type_id": 2**64},
        {"lang": "fr"},
        {"lead_guest_name": None},
        {"lead_guest_name": "张\u0000三"},
    ],
)
def test_booking_body_of_the_wrong_shape_is_422_and_changes_nothing(tourist, room_type, fields):
    before = table_counts()

    response = tourist.book(room_type, **fields)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert table_counts() == before


def test_booking_body_that_is_not_json_is_refused(tourist, room_type):
    response = tourist.client.post(
        BOOKINGS, "{not json", content_type="application/json", headers=tourist.headers
    )

    assert response.status_code == 400
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    ("headers", "fields", "language"),
    [
        ({"accept-language": "en-GB,en;q=0.8"}, {}, "en"),
        ({"accept-language": "zh-CN,zh;q=0.9"}, {}, "zh-hans"),
        ({}, {}, "zh-hans"),
        ({"accept-language": "zh-CN"}, {"lang": "en"}, "en"),
    ],
)
def test_booking_language_is_the_lang_field_else_the_phones_language(
    tourist, room_type, headers, fields, language
):
    response = tourist.post(BOOKINGS, booking_body(room_type, **fields), **headers)

    assert response.json()["language"] == language
    assert Booking.objects.get().language == language


# What one booking costs the database (issue 15). Counted as Django counts them on a real transaction:
# BEGIN and COMMIT included, and the notification task queued after the commit (the database task
# backend the site runs). PostgreSQL inserts a booking, its nights and its event in one statement;
# SQLite takes three. The answer names the homestay with its cover photo, read with the lock.


def _booking_statement_budget() -> int:
    return 10 if connection.vendor == "postgresql" else 12


@pytest.fixture
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_task_queue")
def test_a_booking_through_the_api_runs_at_most_ten_statements(room_type, django_assert_max_num_queries):
    tourist = App(verified_user())

    with django_assert_max_num_queries(_booking_statement_budget()):
        response = tourist.book(room_type)

    assert response.status_code == 201
    assert response.json()["events"][0]["action"] == "placed"
    assert Notification.objects.filter(recipient=tourist.user).count() == 1
    assert DBTaskResult.objects.count() == 1  # its notice queued for the worker


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_task_queue")
def test_the_booking_answer_shows_the_homestays_cover_within_the_same_budget(
    room_type, django_assert_max_num_queries
):
    homestay = room_type.homestay
    Photo.objects.create(homestay=homestay, image="photos/2026/12/second.jpg", position=2, alt_zh_hans="院子")
    Photo.objects.create(
        homestay=homestay, image="photos/2026/12/cover.jpg", position=1, alt_zh_hans="窑洞", alt_en="Cave"
    )
    tourist = App(verified_user())

    with django_assert_max_num_queries(_booking_statement_budget()):
        response = tourist.book(room_type)

    assert response.status_code == 201
    photo = response.json()["homestay"]["photo"]
    assert photo["url"].endswith("photos/2026/12/cover.jpg")
    assert photo["alt"] == {"zh": "窑洞", "en": "Cave"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_task_queue")
def test_a_booking_refused_because_the_room_is_taken_runs_three_statements_and_takes_no_lock(
    room_type, django_assert_max_num_queries
):
    App(verified_user()).book(room_type)
    tourist = App(verified_user())

    with django_assert_max_num_queries(3):  # the sign-in (2), the full nights with no lapsed hold or repeat
        response = tourist.book(room_type)

    assert (response.status_code, response.json()["nights"]) == (409, ["2026-09-08", "2026-09-09"])
    assert Booking.objects.count() == 1


def test_the_same_tourist_tapping_book_twice_for_the_last_room_gets_the_first_booking(tourist, room_type):
    first = tourist.book(room_type)
    again = tourist.book(room_type)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert Booking.objects.count() == 1
    assert counters(room_type) == (0, 1, 0)


@pytest.mark.parametrize(
    "again",
    [
        {"lead_guest_name": "李四"},
        {"lead_guest_phone": "139 0013 9000"},
        {"guests": 1},
        {"check_out": "2026-09-09"},
    ],
)
def test_the_same_tourist_sending_another_stay_for_the_last_room_is_refused(tourist, room_type, again):
    """Only the same stay is a repeat (answered with the first booking): another lead guest, party or
    dates is another booking, refused when the room is taken."""
    first = tourist.book(room_type)
    response = tourist.book(room_type, **again)

    assert (first.status_code, response.status_code) == (201, 409)
    assert Booking.objects.count() == 1


def test_the_same_stay_sent_again_after_ten_minutes_is_another_booking(tourist, room_type, clock):
    tourist.book(room_type)
    clock.advance(minutes=11)

    assert tourist.book(room_type).status_code == 409
    assert Booking.objects.count() == 1


def test_a_booking_is_priced_with_the_rules_and_night_prices_as_they_are_at_that_moment(
    tourist, other_tourist, room_type
):
    rule = PriceRule.objects.create(
        room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, price=Decimal("260.00")
    )
    first = tourist.book(room_type, payment="at_homestay").json()
    rule.price = Decimal("280.00")
    rule.save()
    RoomNight.objects.filter(room_type=room_type, night=date(2026, 9, 9)).update(
        price_override=Decimal("250.50")
    )
    RoomType.objects.filter(pk=room_type.pk).update(room_count=2)
    RoomNight.objects.filter(room_type=room_type).update(rooms_total=2)

    second = other_tourist.book(room_type, payment="at_homestay").json()

    assert [night["price"] for night in first["nights"]] == ["260.00", "200.00"]
    assert [night["price"] for night in second["nights"]] == ["280.00", "250.50"]
    assert second["total"] == "530.50"


def test_a_hold_past_its_time_is_expired_when_another_tourist_books_its_nights(
    tourist, other_tourist, room_type, clock
):
    lapsed = other_tourist.book(room_type).json()
    clock.advance(minutes=16)

    response = tourist.book(room_type)

    assert response.status_code == 201
    assert Booking.objects.get(reference=lapsed["reference"]).status == Booking.Status.EXPIRED
    assert counters(room_type) == (0, 1, 0)


def test_too_many_booking_attempts_are_429_until_the_next_minute(
    tourist, other_tourist, room_type, settings, clock
):
    settings.BOOKING_CREATE_RATE_PER_MINUTE = 2
    full = booking_body(room_type, guests=9)
    tourist.post(BOOKINGS, full)
    tourist.post(BOOKINGS, full)

    limited = tourist.post(BOOKINGS, booking_body(room_type))
    someone_else = other_tourist.post(BOOKINGS, full)
    clock.advance(minutes=1)
    next_minute = tourist.post(BOOKINGS, booking_body(room_type))

    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert_bilingual(limited.json()["detail"])
    assert limited["Retry-After"] == "60"
    assert someone_else.status_code == 422
    assert next_minute.status_code == 201


# My bookings


def test_my_bookings_lists_only_mine_newest_first(tourist, other_tourist, clock):
    first = tourist.book(factories.room_type()).json()["reference"]
    clock.advance(minutes=1)
    second = tourist.book(factories.room_type()).json()["reference"]
    other_tourist.book(factories.room_type())

    body = tourist.get(BOOKINGS).json()

    assert body["count"] == 2
    assert [item["reference"] for item in body["items"]] == [second, first]
    assert body["items"][0]["total"] == "400.00"


def _list_queries(tourist) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = tourist.get(BOOKINGS, {"limit": 100})
    assert response.status_code == 200
    return len(queries)


def test_my_bookings_make_the_same_number_of_queries_for_ten_times_the_bookings(tourist):
    tourist.book(factories.room_type())
    one = _list_queries(tourist)
    for _ in range(9):
        tourist.book(factories.room_type())

    assert len(tourist.get(BOOKINGS).json()["items"]) == 10
    assert _list_queries(tourist) == one


def test_my_bookings_are_paginated(tourist):
    for _ in range(3):
        tourist.book(factories.room_type())

    body = tourist.get(BOOKINGS, {"limit": 2, "offset": 2}).json()

    assert body["count"] == 3
    assert len(body["items"]) == 1


def test_my_bookings_need_a_sign_in(client):
    assert client.get(BOOKINGS).status_code == 401


def test_my_booking_detail_is_found_by_its_reference_in_any_case(tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]

    response = tourist.get(f"{BOOKINGS}/{reference.lower()}")

    assert response.status_code == 200
    assert response.json()["reference"] == reference


def test_another_tourists_booking_is_not_found(tourist, other_tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]

    response = other_tourist.get(f"{BOOKINGS}/{reference}")

    assert response.status_code == 404
    assert response.json() == {"detail": "找不到这个预订 / Booking not found"}


def test_unknown_reference_is_not_found(tourist):
    assert tourist.get(f"{BOOKINGS}/ZZZZZZZZ").status_code == 404


@pytest.mark.parametrize("reference", ["%00%00%00%00%00%00%00%00", "ABC", "X" * 500, "%E4%B8%AD"])
@pytest.mark.parametrize("action", ["", "/cancel"])
def test_a_reference_that_is_not_8_letters_or_digits_is_422(tourist, reference, action):
    path = f"{BOOKINGS}/{reference}{action}"

    response = tourist.post(path) if action else tourist.get(path)

    assert response.status_code == 422


def test_booking_detail_shows_registered_guest_documents_only_masked(tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]
    booking = booking_confirm(booking=Booking.objects.get(reference=reference))
    guests_register(booking=booking, guests=[GuestDetails("李四", "resident_id", "11010519491231002X")])

    response = tourist.get(f"{BOOKINGS}/{reference}")

    assert response.json()["registered_guests"] == [
        {
            "name": "李四",
            "document_type": "resident_id",
            "document_type_label": {"zh": "居民身份证", "en": "Resident ID card"},
            "document_number_masked": "1101**********002X",
            "is_lead": True,
        }
    ]
    assert b"11010519491231002X" not in response.content


# Paying


def test_paying_answers_the_stripe_checkout_address(tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]

    response = tourist.post(pay_path(reference))

    assert response.status_code == 200
    body = response.json()
    payment = Payment.objects.get(booking__reference=reference)
    assert body["reference"] == reference
    assert body["checkout_url"] == payment.redirect_url
    assert body["checkout_url"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert body["expires_at"] == "2026-09-01T02:31:00Z"  # Stripe's 31 minutes: the hold grows to match
    assert Booking.objects.get().hold_expires_at == payment.expires_at
    [sent] = stripe_api.calls("/v1/checkout/sessions")
    assert sent.params["line_items[0][price_data][unit_amount]"] == "40000"


def test_after_paying_stripe_sends_the_guest_to_the_sites_result_pages(tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]

    tourist.post(pay_path(reference))

    [sent] = stripe_api.calls("/v1/checkout/sessions")
    assert sent.params["success_url"].startswith(f"http://testserver/payments/{reference}/done/?t=")
    assert sent.params["cancel_url"].startswith(f"http://testserver/payments/{reference}/cancelled/?t=")


def test_paying_again_while_the_checkout_page_is_open_answers_the_same_page(tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]

    first = tourist.post(pay_path(reference)).json()
    second = tourist.post(pay_path(reference)).json()

    assert first == second
    assert len(stripe_api.calls("/v1/checkout/sessions")) == 1


def test_paying_a_paid_booking_is_409_and_it_has_no_pay_url(tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]
    tourist.post(pay_path(reference))
    paid(reference)

    response = tourist.post(pay_path(reference))

    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")
    assert_bilingual(response.json()["detail"])
    assert tourist.get(f"{BOOKINGS}/{reference}").json()["pay_url"] is None


def test_paying_a_booking_paid_at_the_homestay_is_409(tourist, room_type, stripe_api):
    reference = tourist.book(room_type, payment="at_homestay").json()["reference"]

    response = tourist.post(pay_path(reference))

    assert response.status_code == 409
    assert response.json()["status"] == "confirmed"
    assert "在民宿付款" in response.json()["detail"]
    assert Payment.objects.count() == 0
    assert stripe_api.sent == []


def test_paying_after_the_hold_is_over_is_409_and_asks_to_book_again(tourist, room_type, clock):
    reference = tourist.book(room_type).json()["reference"]
    clock.advance(minutes=16)

    response = tourist.post(pay_path(reference))

    assert response.status_code == 409
    assert "请重新预订" in response.json()["detail"]
    assert tourist.get(f"{BOOKINGS}/{reference}").json()["pay_url"] is None


def test_paying_while_stripe_is_unavailable_is_503(tourist, room_type, no_stripe):
    reference = hold(room_type, user=tourist.user).reference

    response = tourist.post(pay_path(reference))

    assert response.status_code == 503
    assert response.json()["code"] == "payment_unavailable"
    assert_bilingual(response.json()["detail"])


def test_paying_when_stripe_refuses_is_503_and_can_be_tried_again(tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]
    stripe_api.fail.append((500, "api_error"))

    refused = tourist.post(pay_path(reference))
    again = tourist.post(pay_path(reference))

    assert refused.status_code == 503
    assert again.status_code == 200


def test_paying_another_tourists_booking_is_not_found(tourist, other_tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]

    response = other_tourist.post(pay_path(reference))

    assert response.status_code == 404
    assert stripe_api.sent == []


def test_a_bad_body_for_another_tourists_booking_answers_as_for_no_booking(tourist, other_tourist, room_type):
    """The body's shape is checked before any booking is read: the same 422 whether the reference is
    someone else's or does not exist, so it tells nothing of the booking."""
    reference = tourist.book(room_type).json()["reference"]

    theirs = other_tourist.post(pay_path(reference), {"provider": 7})
    nobodys = other_tourist.post(pay_path("ZZZZZZZZ"), {"provider": 7})

    assert theirs.status_code == nobodys.status_code == 422
    assert theirs.json() == nobodys.json()


def test_paying_needs_a_sign_in(client, room_type):
    reference = hold(room_type, user=verified_user()).reference

    assert client.post(pay_path(reference)).status_code == 401


# Cancelling


def test_cancelling_my_paid_booking_returns_it_with_the_refund_due(tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]
    booking_confirm(booking=Booking.objects.get(reference=reference))

    response = tourist.post(f"{BOOKINGS}/{reference}/cancel")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["refund_due"], body["cancelled_by"]) == ("cancelled", "400.00", "guest")
    assert body["cancelled_at"] == "2026-09-01T02:00:00Z"
    assert counters(room_type) == (0, 0, 0)


def test_cancelling_late_refunds_what_the_policy_gives(tourist, room_type, clock):
    reference = tourist.book(room_type).json()["reference"]
    booking_confirm(booking=Booking.objects.get(reference=reference))
    clock.set("2026-09-05 09:00")  # 3 days before arrival: moderate policy refunds half

    body = tourist.post(f"{BOOKINGS}/{reference}/cancel").json()

    assert body["refund_due"] == "200.00"


def test_cancelling_a_paid_online_booking_refunds_the_policys_share_through_stripe(
    tourist, room_type, stripe_api, clock
):
    reference = tourist.book(room_type).json()["reference"]
    tourist.post(pay_path(reference))
    paid(reference)
    clock.set("2026-09-05 09:00")  # 3 days before arrival: the moderate policy refunds half

    body = tourist.post(f"{BOOKINGS}/{reference}/cancel").json()

    [sent] = stripe_api.calls("/v1/refunds")
    assert (sent.params["amount"], sent.params["payment_intent"]) == ("20000", "pi_test_1")
    assert body["refund_due"] == "200.00"
    [refund] = body["refunds"]
    assert (refund["amount"], refund["currency"], refund["status"]) == ("200.00", "CNY", "pending")
    assert refund["status_label"] == {"zh": "退款中", "en": "Pending"}


def test_cancelling_a_paid_online_booking_twice_refunds_once(tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]
    tourist.post(pay_path(reference))
    paid(reference)

    first = tourist.post(f"{BOOKINGS}/{reference}/cancel")
    second = tourist.post(f"{BOOKINGS}/{reference}/cancel")

    assert second.json() == first.json()
    assert len(stripe_api.calls("/v1/refunds")) == 1
    assert Refund.objects.get().amount == Decimal("400.00")


def test_cancelling_an_unpaid_hold_closes_its_checkout_page(tourist, room_type, stripe_api):
    reference = tourist.book(room_type).json()["reference"]
    tourist.post(pay_path(reference))

    body = tourist.post(f"{BOOKINGS}/{reference}/cancel").json()

    assert (body["refund_due"], body["refunds"]) == ("0.00", [])
    assert stripe_api.sent[-1].path.endswith("/expire")
    assert Payment.objects.get().status == Payment.Status.EXPIRED


def test_cancelling_twice_answers_the_same_cancelled_booking(tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]
    first = tourist.post(f"{BOOKINGS}/{reference}/cancel")

    second = tourist.post(f"{BOOKINGS}/{reference}/cancel")

    assert second.status_code == 200
    assert second.json() == first.json()
    assert counters(room_type) == (0, 0, 0)


def test_another_tourist_cannot_cancel_my_booking(tourist, other_tourist, room_type):
    reference = tourist.book(room_type).json()["reference"]

    response = other_tourist.post(f"{BOOKINGS}/{reference}/cancel")

    assert response.status_code == 404
    assert Booking.objects.get().status == Booking.Status.HELD


def test_cancelling_after_the_arrival_day_is_409(tourist, room_type, clock):
    reference = tourist.book(room_type, payment="at_homestay").json()["reference"]
    clock.set("2026-09-09 09:00")

    response = tourist.post(f"{BOOKINGS}/{reference}/cancel")

    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["status"]) == ("illegal_transition", "confirmed")
    assert_bilingual(body["detail"])
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_cancelling_an_expired_hold_is_409(tourist, room_type, clock):
    reference = tourist.book(room_type).json()["reference"]
    clock.advance(minutes=20)
    tourist.book(room_type)  # the next guest's attempt expires the stale hold

    response = tourist.post(f"{BOOKINGS}/{reference}/cancel")

    assert (response.status_code, response.json()["status"]) == (409, "expired")


def test_cancelling_with_the_session_cookie_needs_the_csrf_token(room_type):
    user = verified_user()
    reference = hold(room_type, user=user).reference
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = browser.post(f"{BOOKINGS}/{reference}/cancel")

    assert response.status_code == 403
    assert Booking.objects.get().status == Booking.Status.HELD


# The OpenAPI document


def test_openapi_document_describes_the_booking_endpoints(client):
    document = client.get("/api/openapi.json").json()

    assert {"/api/availability", "/api/bookings", "/api/bookings/{reference}"} <= set(document["paths"])
    create = document["paths"]["/api/bookings"]["post"]
    assert {"201", "401", "403", "409", "422", "429"} <= set(create["responses"])
    assert {"SessionTokenAuth": []} in create["security"]
    assert "/api/bookings/{reference}/cancel" in document["paths"]
    pay = document["paths"]["/api/bookings/{reference}/pay"]["post"]
    assert {"200", "404", "409", "503"} <= set(pay["responses"])
    assert "payment_unavailable" in create["description"]
