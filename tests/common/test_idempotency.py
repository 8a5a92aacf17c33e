"""Retrying an API write with the same Idempotency-Key acts once (common/idempotency.py), tried on the
booking API's three writes: book, cancel, pay.

The booking tests' frozen clock and room type come from tests/bookings/conftest.py, the signed-in
mini-program (``App``) from tests/bookings/test_api.py, the live server from tests/bookings/test_http_race.py.
"""

import hashlib
import json

import pytest
from django.core.management import call_command

from bookings import usecases
from bookings.models import Booking
from common.models import IdempotencyKey
from tests import factories
from tests.bookings.conftest import clock  # noqa: F401  (autouse: the booking tests' frozen clock)
from tests.bookings.helpers import counters, hold, table_counts
from tests.bookings.test_api import BOOKINGS, App, assert_bilingual, booking_body, pay_path, verified_user
from tests.bookings.test_concurrency import race, real_database  # noqa: F401
from tests.bookings.test_http_race import call, server, signed_in_tourists  # noqa: F401

KEY = "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
HEADER = {"Idempotency-Key": KEY}


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Online payment on (Stripe's API answered in the process, ``stripe_api`` in tests/conftest.py)."""


@pytest.fixture
def two_rooms(db):
    """Two rooms: a second booking of the same stay would succeed, so a duplicate would show."""
    return factories.room_type(room_count=2, capacity=2)


@pytest.fixture
def tourist(db):
    return App(verified_user())


def same_answer(first, again) -> bool:
    return (first.status_code, first.content, first["Content-Type"]) == (
        again.status_code,
        again.content,
        again["Content-Type"],
    )


@pytest.mark.django_db
def test_a_booking_sent_again_with_its_key_answers_the_first_booking_and_books_once(tourist, two_rooms):
    first = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    again = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)

    assert first.status_code == 201
    assert same_answer(first, again)
    assert again["Idempotent-Replayed"] == "true"
    assert list(Booking.objects.values_list("reference", flat=True)) == [first.json()["reference"]]
    assert counters(two_rooms) == (0, 1, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["cancel", "pay"])
def test_a_cancel_or_pay_sent_again_with_its_key_answers_the_first_answer(
    tourist, two_rooms, stripe_api, action
):
    reference = hold(two_rooms, user=tourist.user, payment="online").reference
    path = f"{BOOKINGS}/{reference}/{action}"

    first = tourist.post(path, **HEADER)
    again = tourist.post(path, **HEADER)

    assert first.status_code == 200
    assert same_answer(first, again)
    assert again["Idempotent-Replayed"] == "true"
    assert len(stripe_api.calls("/v1/checkout/sessions")) == (action == "pay")


@pytest.mark.django_db
def test_a_refusal_raised_by_the_endpoint_is_answered_again_the_same(tourist, two_rooms):
    """ninja's HttpError (someone else's booking: 404) is an answer too, kept and replayed."""
    theirs = hold(two_rooms, user=factories.user()).reference

    first = tourist.post(f"{BOOKINGS}/{theirs}/cancel", **HEADER)
    again = tourist.post(f"{BOOKINGS}/{theirs}/cancel", **HEADER)

    assert first.status_code == 404
    assert same_answer(first, again)
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_the_same_key_with_another_stay_is_422_and_changes_nothing(tourist, two_rooms):
    first = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    before = table_counts()

    other_stay = tourist.post(BOOKINGS, booking_body(two_rooms, check_out="2026-09-11"), **HEADER)
    other_path = tourist.post(f"{BOOKINGS}/{first.json()['reference']}/cancel", **HEADER)

    for refused in (other_stay, other_path):
        assert refused.status_code == 422
        assert refused.json()["code"] == "idempotency_key_reused"
        assert_bilingual(refused.json()["detail"])
    assert table_counts() == before
    assert Booking.objects.get().status == Booking.Status.HELD
    assert same_answer(first, tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER))


@pytest.mark.django_db
def test_keys_are_per_user_another_tourist_with_the_same_key_books_their_own_stay(tourist, two_rooms):
    other = App(verified_user())

    mine = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER).json()["reference"]
    theirs = other.post(BOOKINGS, booking_body(two_rooms), **HEADER).json()["reference"]
    mine_again = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER).json()["reference"]
    theirs_again = other.post(BOOKINGS, booking_body(two_rooms), **HEADER).json()["reference"]

    assert mine != theirs
    assert (mine_again, theirs_again) == (mine, theirs)
    assert dict(Booking.objects.values_list("reference", "user")) == {
        mine: tourist.user.pk,
        theirs: other.user.pk,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "k" * 256, "预订一次", "tab\there"])
def test_an_empty_too_long_or_non_ascii_key_is_422_and_books_nothing(tourist, two_rooms, key):
    response = tourist.post(BOOKINGS, booking_body(two_rooms), **{"Idempotency-Key": key})

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert_bilingual(response.json()["detail"])
    assert Booking.objects.count() == 0


@pytest.mark.django_db
def test_a_key_of_255_characters_is_accepted(tourist, two_rooms):
    key = {"Idempotency-Key": "k" * 255}

    first = tourist.post(BOOKINGS, booking_body(two_rooms), **key)
    again = tourist.post(BOOKINGS, booking_body(two_rooms), **key)

    assert (first.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_retry_while_the_first_request_is_still_running_is_409_and_books_nothing(
    tourist, two_rooms, monkeypatch
):
    """The phone sends the booking again while the server is still booking the first one."""
    retried = []
    booking_place = usecases.booking_place

    def booking_hold_while_the_phone_retries(**fields):
        retried.append(tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER))
        return booking_place(**fields)

    monkeypatch.setattr(usecases, "booking_place", booking_hold_while_the_phone_retries)

    first = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)

    assert first.status_code == 201
    [retry] = retried
    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_key_in_use"
    assert_bilingual(retry.json()["detail"])
    assert retry["Retry-After"] == "1"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_key_left_in_flight_by_a_request_that_died_is_free_again_after_five_minutes(
    tourist,
    two_rooms,
    clock,  # noqa: F811
):
    """A worker killed mid-request never records its answer; after five minutes the key is free."""
    body = json.dumps(booking_body(two_rooms))
    IdempotencyKey.objects.create(
        user=tourist.user,
        key=KEY,
        method="POST",
        path=BOOKINGS,
        body_digest=hashlib.sha256(body.encode()).hexdigest(),
        created_at=clock.now,
    )

    clock.advance(minutes=4)
    still_running = tourist.post(BOOKINGS, body, **HEADER)
    clock.advance(minutes=2)
    after_five_minutes = tourist.post(BOOKINGS, body, **HEADER)

    assert still_running.status_code == 409
    assert after_five_minutes.status_code == 201
    assert Booking.objects.count() == 1
    assert same_answer(after_five_minutes, tourist.post(BOOKINGS, body, **HEADER))


@pytest.mark.django_db
def test_a_503_is_not_kept_so_the_retry_with_the_key_pays(tourist, two_rooms, stripe_api):
    reference = hold(two_rooms, user=tourist.user, payment="online").reference
    stripe_api.fail.append((500, "api_error"))

    refused = tourist.post(pay_path(reference), **HEADER)
    retried = tourist.post(pay_path(reference), **HEADER)
    again = tourist.post(pay_path(reference), **HEADER)

    assert refused.status_code == 503
    assert retried.status_code == 200
    assert "Idempotent-Replayed" not in retried
    assert same_answer(retried, again)
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_server_error_is_not_kept_so_the_retry_with_the_key_books(tourist, two_rooms, monkeypatch):
    booking_place = usecases.booking_place
    failures = [RuntimeError("the database went away")]

    def booking_hold_failing_once(**fields):
        if failures:
            raise failures.pop()
        return booking_place(**fields)

    monkeypatch.setattr(usecases, "booking_place", booking_hold_failing_once)
    tourist.client.raise_request_exception = False

    crashed = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    retried = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    again = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)

    assert crashed.status_code == 500
    assert retried.status_code == 201
    assert same_answer(retried, again)
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_too_many_attempts_is_not_kept_so_the_retry_after_the_wait_books(
    tourist,
    two_rooms,
    settings,
    clock,  # noqa: F811
):
    """429 says "try again in a minute": the retry with the same key must not get the 429 for a day."""
    settings.BOOKING_CREATE_RATE_PER_MINUTE = 1
    tourist.post(BOOKINGS, booking_body(two_rooms, guests=9))

    limited = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    clock.advance(seconds=int(limited["Retry-After"]))
    after_the_wait = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    again = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)

    assert limited.status_code == 429
    assert after_the_wait.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_kept_a_day_then_purged_and_free_again(tourist, two_rooms, clock):  # noqa: F811
    first = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    clock.advance(hours=23, minutes=59)
    call_command("purge_idempotency_keys")
    within_the_day = tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)

    clock.advance(minutes=2)
    call_command("purge_idempotency_keys")
    left = IdempotencyKey.objects.count()
    next_day = tourist.post(BOOKINGS, booking_body(two_rooms, check_out="2026-09-11"), **HEADER)

    assert same_answer(first, within_the_day)
    assert left == 0
    assert next_day.status_code == 201
    assert Booking.objects.count() == 2


@pytest.mark.django_db
def test_a_users_expired_key_is_free_again_without_the_purge(tourist, two_rooms, clock):  # noqa: F811
    longer_stay = booking_body(two_rooms, check_out="2026-09-11")
    tourist.post(BOOKINGS, booking_body(two_rooms), **HEADER)
    clock.advance(hours=23)
    same_day = tourist.post(BOOKINGS, longer_stay, **HEADER)
    clock.advance(hours=1, minutes=1)

    next_day = tourist.post(BOOKINGS, longer_stay, **HEADER)

    assert same_day.status_code == 422
    assert next_day.status_code == 201
    assert Booking.objects.count() == 2
    assert IdempotencyKey.objects.get().created_at == clock.now


@pytest.mark.django_db
def test_the_openapi_document_offers_the_header_on_the_three_writes_only(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    def header_names(operation):
        return {p["name"] for p in operation["parameters"] if p["in"] == "header"}

    writes = [
        paths["/api/bookings"]["post"],
        paths["/api/bookings/{reference}/cancel"]["post"],
        paths["/api/bookings/{reference}/pay"]["post"],
    ]
    for operation in writes:
        assert header_names(operation) == {"Idempotency-Key"}
        assert "idempotency_key_reused" in operation["description"]
        assert "idempotency_key_in_use" in operation["description"]
    assert header_names(paths["/api/bookings"]["get"]) == set()
    assert header_names(paths["/api/bookings/{reference}"]["get"]) == set()


# Real races: one tourist's phone sends the same booking 16 times at once, through a live server.

RACERS = 16


def test_sixteen_identical_requests_at_once_with_one_key_book_once(server):  # noqa: F811
    room_type = factories.room_type(room_count=2, capacity=2)
    [token] = signed_in_tourists(server, 1)
    body = booking_body(room_type)
    headers = {"X-Session-Token": token, **HEADER}

    def send(_i, barrier):
        barrier.wait()
        return call(server, "POST", BOOKINGS, body, headers)

    results = race(RACERS, send)

    booking = Booking.objects.get()
    statuses = sorted(status for status, _body in results)
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    assert {answer["reference"] for status, answer in results if status == 201} == {booking.reference}
    assert {answer["code"] for status, answer in results if status == 409} <= {"idempotency_key_in_use"}
    assert counters(room_type) == (0, 1, 0)
