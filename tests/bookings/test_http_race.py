"""Overbooking through HTTP: tourists on their phones press "book" at the same moment for the last room.

A live threaded server (pytest-django's ``live_server``) answers real concurrent POST /api/bookings, each
from its own thread with its own connection and its own signed-in tourist (X-Session-Token from allauth's
headless login). The server handles every request in its own thread with its own database connection.
"""

import http.client
import json
import threading
from datetime import date
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.db import connection

from bookings import services
from bookings.activity import BookingEvent
from bookings.models import Booking, RoomNight
from common.compiled import CompiledQuery
from notifications.models import Notification
from tests import factories

# Fixtures shared with the service-level race tests (F401/F811: pytest finds them by name).
from tests.bookings.test_concurrency import (  # noqa: F401
    last_room,
    real_database,
    without_overbooking_check,
)
from villages.models import RoomType

RACERS = 12
PASSWORD = "Lishi-zaolin-2024"
ARRIVAL, DEPARTURE = date(2026, 9, 8), date(2026, 9, 10)
NIGHTS = [date(2026, 9, 8), date(2026, 9, 9)]


@pytest.fixture
def server(live_server, real_database):  # noqa: F811
    """The live server's address. ``real_database`` skips on an in-memory SQLite database, where the
    server would share the test's one connection and nothing could race."""
    cache.clear()  # allauth's login rate limit counts per address: every test starts with none
    return urlsplit(live_server.url)


def call(server, method: str, path: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    client = http.client.HTTPConnection(server.hostname, server.port, timeout=60)
    try:
        client.request(
            method, path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})}
        )
        response = client.getresponse()
        return response.status, json.loads(response.read())
    finally:
        client.close()


def signed_in_tourists(server, count: int) -> list[str]:
    """Session tokens of ``count`` distinct verified tourists, signed in over HTTP like the app."""
    tokens = []
    for _ in range(count):
        user = factories.user(password=PASSWORD)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        status, body = call(
            server, "POST", "/_allauth/app/v1/auth/login", {"email": user.email, "password": PASSWORD}
        )
        assert status == 200, body
        tokens.append(body["meta"]["session_token"])
    return tokens


def book_together(server, room_type, tokens: list[str]) -> list[tuple[int, dict]]:
    """Every tourist posts the same booking at the same moment (released together by a barrier)."""
    barrier = threading.Barrier(len(tokens))
    results: list = [None] * len(tokens)
    body = {
        "room_type_id": room_type.pk,
        "check_in": ARRIVAL.isoformat(),
        "check_out": DEPARTURE.isoformat(),
        "guests": 1,
        "lead_guest_name": "张三",
        "lead_guest_phone": "13800138000",
        "payment": "at_homestay",  # works without online payment configured
    }

    def attempt(i: int) -> None:
        barrier.wait()
        results[i] = call(server, "POST", "/api/bookings", body, {"X-Session-Token": tokens[i]})

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def taken_per_night(room_type) -> dict[date, int]:
    return {
        row.night: row.rooms_held + row.rooms_booked for row in RoomNight.objects.filter(room_type=room_type)
    }


def test_only_one_of_twelve_tourists_booking_the_last_room_over_http_gets_it(server):
    room_type = factories.room_type(room_count=1)
    tokens = signed_in_tourists(server, RACERS)

    results = book_together(server, room_type, tokens)

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * (RACERS - 1)
    assert {body["code"] for status, body in results if status == 409} == {"nights_unavailable"}
    assert Booking.objects.count() == 1
    assert taken_per_night(room_type) == dict.fromkeys(NIGHTS, 1)


def test_tourists_racing_over_http_get_exactly_the_rooms_that_exist(server):
    room_type = factories.room_type(room_count=3)
    tokens = signed_in_tourists(server, RACERS)

    results = book_together(server, room_type, tokens)

    statuses = sorted(status for status, _body in results)
    assert statuses == [201] * 3 + [409] * (RACERS - 3)
    assert taken_per_night(room_type) == dict.fromkeys(NIGHTS, 3)


def test_control_over_http_every_tourist_gets_the_last_room_without_the_check_constraint(
    server,
    without_overbooking_check,  # noqa: F811
    monkeypatch,
):
    """The race is real: without the database's CHECK constraint the same requests oversell. (The early
    refusal of a night already seen full, read before the lock, is switched off too: it stops most of
    them, but it is a read, not a guarantee.)"""
    monkeypatch.setattr(services, "booking_refused_early", lambda **stay: None)
    room_type = without_overbooking_check.room_type
    tokens = signed_in_tourists(server, RACERS)

    results = book_together(server, room_type, tokens)

    assert [status for status, _body in results] == [201] * RACERS
    assert taken_per_night(room_type) == dict.fromkeys(NIGHTS, RACERS)


# One tourist, one booking sent many times at once (a client retrying without an Idempotency-Key)

SAME_TOURIST_RACERS = 16


def test_one_tourist_sending_the_same_booking_sixteen_times_at_once_books_once(server):
    """Rooms enough for every request: only the duplicate guard can keep it to one booking."""
    room_type = factories.room_type(room_count=SAME_TOURIST_RACERS)
    [token] = signed_in_tourists(server, 1)

    results = book_together(server, room_type, [token] * SAME_TOURIST_RACERS)

    booking = Booking.objects.get()
    assert sorted(status for status, _body in results) == [200] * (SAME_TOURIST_RACERS - 1) + [201]
    assert {body["reference"] for _status, body in results} == {booking.reference}
    assert taken_per_night(room_type) == dict.fromkeys(NIGHTS, 1)
    assert BookingEvent.objects.filter(booking=booking).count() == 1
    assert Notification.objects.filter(event="booking.confirmed").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.postgres_only
def test_control_without_the_lock_on_the_room_type_the_same_booking_is_made_several_times(
    server, monkeypatch
):
    """The race is real: without the room type's lock, the duplicate-stay check inside the statement
    that takes the rooms reads a snapshot from before the other requests committed, so each books.
    (SQLite runs one write transaction at a time, so it cannot race.)"""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions: nothing to race")
    monkeypatch.setattr(services, "room_types_locked", RoomType.objects.all)
    # The locked read is compiled once per process: compile it again, without the lock.
    monkeypatch.setattr(services, "LOCKED_FOR_BOOKING", CompiledQuery(services._booking_reads))
    [token] = signed_in_tourists(server, 1)
    # The requests must overlap for the race to show; on a machine busy with another test worker they
    # may not, so the control gets three tries (fresh room types) and must show the race in one.
    for _round in range(3):
        room_type = factories.room_type(room_count=SAME_TOURIST_RACERS)
        results = book_together(server, room_type, [token] * SAME_TOURIST_RACERS)
        if [status for status, _body in results].count(201) > 1:
            break

    assert [status for status, _body in results].count(201) > 1
    assert Booking.objects.filter(room_type=room_type).count() > 1
