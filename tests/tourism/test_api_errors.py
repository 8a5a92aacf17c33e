"""Requests the API refuses before any endpoint reads them get the API's JSON answer, not Django's HTML
page: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413 ``too_large``, a body that is not JSON 400
``invalid_json``; both bilingual, and nothing changes. Checked on POST /api/bookings (signed in with a
session token, as the mini-program) and on POST /api/trips/plan (anyone)."""

import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from bookings.models import Booking
from common.clock import local_today
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Lishi-zaolin-2024"
LIMIT = 2048
BOOKINGS = "/api/bookings"
PLAN = "/api/trips/plan"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(autouse=True)
def _small_upload_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


@pytest.fixture
def app():
    """The mini-program of a signed-in tourist: allauth's app login, then X-Session-Token on each call."""
    user = factories.user(password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    login = Client().post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    return {"x-session-token": login.json()["meta"]["session_token"]}


@pytest.fixture
def booking_body(db) -> dict:
    room_type = factories.room_type(room_count=1, capacity=2)
    arrival = local_today() + timedelta(days=7)
    return {
        "room_type_id": room_type.pk,
        "check_in": arrival.isoformat(),
        "check_out": (arrival + timedelta(days=2)).isoformat(),
        "guests": 2,
        "lead_guest_name": "李四",
        "lead_guest_phone": "139 0013 9000",
        "payment": "at_homestay",
    }


def post(path: str, body: str | bytes, headers: dict | None = None):
    return Client().post(path, body, content_type="application/json", headers=headers or {})


def oversized(body: dict) -> str:
    """``body`` as JSON with a note that takes it past the limit: JSON the endpoint could read, if asked."""
    return json.dumps({**body, "note": "长" * LIMIT})


def assert_refused(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["code"] == code
    assert CHINESE.search(answer["detail"]) and ENGLISH.search(answer["detail"])


def test_a_booking_within_the_limit_is_made(app, booking_body):
    assert post(BOOKINGS, json.dumps(booking_body), app).status_code == 201


def test_a_booking_body_over_the_upload_limit_is_413_in_json(app, booking_body):
    response = post(BOOKINGS, oversized(booking_body), app)

    assert_refused(response, 413, "too_large")
    assert not Booking.objects.exists()


@pytest.mark.parametrize("body", [b"{not json", b'{"guests": 2', b'{"lead_guest_name": "\xff"}', b"\xef\xbb"])
def test_a_booking_body_that_is_not_json_is_400_in_json(app, booking_body, body):
    response = post(BOOKINGS, body, app)

    assert_refused(response, 400, "invalid_json")
    assert not Booking.objects.exists()


def test_json_of_the_wrong_shape_is_still_422_with_the_fields(app):
    response = post(BOOKINGS, "[]", app)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_a_trip_body_over_the_upload_limit_is_413_in_json():
    start = local_today() + timedelta(days=7)
    response = post(PLAN, oversized({"start": {"preset": "centre"}, "date": start.isoformat()}))

    assert_refused(response, 413, "too_large")


def test_a_trip_body_that_is_not_json_is_400_in_json():
    assert_refused(post(PLAN, "{'stops': []}"), 400, "invalid_json")


def test_a_body_over_the_limit_before_signing_in_is_still_told_to_sign_in(booking_body):
    response = post(BOOKINGS, oversized(booking_body))

    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录。Please sign in."}
