"""Real races: threads, each with its own database connection, released together by a barrier.

SQLite needs a database file for this (threads cannot share an in-memory test database); run with
``SQLITE_TEST_NAME=/tmp/lishi-test.sqlite3`` (any writable path). PostgreSQL always works.
"""

import itertools
import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from bookings.errors import NightsUnavailable
from bookings.models import Booking, RoomNight
from bookings.services import booking_hold
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 6
SQLITE_FILE_NEEDED = (
    "并发测试需要SQLite数据库文件 Concurrency tests need an SQLite file: "
    "set SQLITE_TEST_NAME=/tmp/test.sqlite3"
)
ARRIVAL = date(2026, 9, 8)


@pytest.fixture
def real_database(transactional_db):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(SQLITE_FILE_NEEDED)


def race(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads started together; each result or the exception raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            results[i] = work(i, barrier)
        except Exception as error:  # the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def hold_after_barrier(room_type, check_in=ARRIVAL, check_out=date(2026, 9, 10)):
    def work(i, barrier):
        barrier.wait()
        return booking_hold(
            room_type=room_type,
            check_in=check_in,
            check_out=check_out,
            guests=1,
            lead_guest_name=f"客人{i}",
            lead_guest_phone="13800138000",
        )

    return work


def outcome(results) -> tuple[int, int]:
    won = sum(isinstance(result, Booking) for result in results)
    refused = sum(isinstance(result, NightsUnavailable) for result in results)
    return won, refused


def night_row(room_type, night=ARRIVAL) -> RoomNight:
    return RoomNight.objects.get(room_type=room_type, night=night)


def test_only_one_of_the_racing_guests_gets_the_last_room(real_database):
    room_type = factories.room_type(room_count=1)
    results = race(RACERS, hold_after_barrier(room_type))
    assert outcome(results) == (1, RACERS - 1)
    assert Booking.objects.count() == 1
    assert night_row(room_type).rooms_held == 1


def test_racing_guests_get_exactly_the_rooms_that_exist(real_database):
    room_type = factories.room_type(room_count=2)
    results = race(RACERS, hold_after_barrier(room_type))
    assert outcome(results) == (2, RACERS - 2)
    assert night_row(room_type).rooms_held == 2


def test_racing_overlapping_stays_never_share_a_night(real_database):
    room_type = factories.room_type(room_count=1)
    stays = [(date(2026, 9, 8 + i % 3), date(2026, 9, 10 + i % 3)) for i in range(RACERS)]

    def work(i, barrier):
        return hold_after_barrier(room_type, *stays[i])(i, barrier)

    results = race(RACERS, work)
    assert not [result for result in results if not isinstance(result, Booking | NightsUnavailable)]
    assert all(row.rooms_held <= 1 for row in RoomNight.objects.filter(room_type=room_type))
    winners = sorted((b.check_in, b.check_out) for b in results if isinstance(b, Booking))
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(winners))


def test_racing_guests_release_an_expired_hold_once(real_database, clock):
    room_type = factories.room_type(room_count=1)
    stale = hold_after_barrier(room_type)(0, threading.Barrier(1))
    clock.advance(minutes=30)
    results = race(RACERS, hold_after_barrier(room_type))
    assert outcome(results) == (1, RACERS - 1)
    assert Booking.objects.get(pk=stale.pk).status == Booking.Status.EXPIRED
    assert (night_row(room_type).rooms_held, night_row(room_type).rooms_booked) == (1, 0)


# The guard is the database's CHECK constraint, not the application's care.


def naive_take(room_night_id: int):
    """Check, then write: the classic race. Reads the free rooms, waits for the other thread to have
    read them too, then takes a room with a relative update."""

    def work(i, barrier):
        free = RoomNight.objects.get(pk=room_night_id).rooms_free
        barrier.wait()
        if free < 1:
            return "full"
        with transaction.atomic():
            RoomNight.objects.filter(pk=room_night_id).update(rooms_held=F("rooms_held") + 1)
        return "sold"

    return work


@pytest.fixture
def last_room(real_database) -> RoomNight:
    return RoomNight.objects.create(room_type=factories.room_type(room_count=1), night=ARRIVAL, rooms_total=1)


@pytest.fixture
def without_overbooking_check(last_room):
    """Drop the no-overbooking CHECK constraint for one test, then restore it. PostgreSQL drops it with
    ALTER TABLE; SQLite rebuilds the table from the model's constraints, so the model forgets it too."""
    constraints = RoomNight._meta.constraints
    constraint = next(c for c in constraints if c.name == "room_night_no_overbooking")
    RoomNight._meta.constraints = [c for c in constraints if c is not constraint]
    try:
        with connection.schema_editor() as editor:
            editor.remove_constraint(RoomNight, constraint)
        yield last_room
    finally:
        RoomNight._meta.constraints = constraints
        RoomNight.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(RoomNight, constraint)


def test_control_naive_check_then_write_oversells_without_the_check_constraint(without_overbooking_check):
    results = race(2, naive_take(without_overbooking_check.pk))
    assert results == ["sold", "sold"]
    assert RoomNight.objects.get(pk=without_overbooking_check.pk).rooms_held == 2


def test_database_refuses_the_naive_check_then_write_oversell(last_room):
    results = race(2, naive_take(last_room.pk))
    assert sorted(map(type, results), key=str) == sorted([str, IntegrityError], key=str)
    assert RoomNight.objects.get(pk=last_room.pk).rooms_held == 1


def test_control_the_booking_service_oversells_without_the_check_constraint(without_overbooking_check):
    room_type = without_overbooking_check.room_type
    results = race(2, hold_after_barrier(room_type, ARRIVAL, date(2026, 9, 9)))
    assert outcome(results) == (2, 0)
