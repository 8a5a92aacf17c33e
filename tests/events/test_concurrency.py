"""Racing for the last places of a slot: threads, each with its own database connection, released
together by a barrier (as tests/bookings/test_concurrency.py does for rooms). The guard is the slot's
``taken`` counter: a conditional UPDATE in the ticket's transaction and, behind it, the CHECK constraint
``taken <= capacity``. The control shows the race is real: a naive read-then-write oversells once the
constraint is gone, and the constraint alone stops the same naive code."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from events.errors import SoldOut
from events.models import Ticket, TicketSlot
from tests import factories
from tests.bookings.test_concurrency import race, real_database  # noqa: F401  (fixture by name)
from tests.events.helpers import register, slot

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 6


def register_after_barrier(slot_: TicketSlot, quantity: int = 1):
    users = [factories.user() for _ in range(RACERS)]

    def work(i, barrier):
        barrier.wait()
        return register(slot_, user=users[i], quantity=quantity, name=f"客人{i}")

    return work


def outcome(results) -> tuple[int, int]:
    won = sum(isinstance(result, Ticket) for result in results)
    refused = sum(isinstance(result, SoldOut) for result in results)
    return won, refused


def test_only_one_of_the_racing_tourists_gets_the_last_place(real_database):  # noqa: F811
    last = slot(capacity=1)

    results = race(RACERS, register_after_barrier(last))

    assert outcome(results) == (1, RACERS - 1), results
    assert Ticket.objects.count() == 1
    assert TicketSlot.objects.get(pk=last.pk).taken == 1


def test_racing_groups_get_exactly_the_places_that_exist(real_database):  # noqa: F811
    few = slot(capacity=5)

    results = race(RACERS, register_after_barrier(few, quantity=2))

    assert outcome(results) == (2, RACERS - 2), results
    assert TicketSlot.objects.get(pk=few.pk).taken == 4


def naive_take(slot_id: int):
    """Check, then write: read the places left, wait until the others have read them too, then take one
    with a relative update."""

    def work(i, barrier):
        current = TicketSlot.objects.get(pk=slot_id)
        barrier.wait()
        if current.capacity - current.taken < 1:
            return "full"
        with transaction.atomic():
            TicketSlot.objects.filter(pk=slot_id).update(taken=F("taken") + 1)
        return "sold"

    return work


@pytest.fixture
def without_capacity_check(real_database):  # noqa: F811
    """The slot table without its CHECK constraint ``taken <= capacity``, put back afterwards. PostgreSQL
    drops it with ALTER TABLE; SQLite rebuilds the table from the model's constraints, so the model
    forgets it too."""
    constraints = TicketSlot._meta.constraints
    constraint = next(c for c in constraints if c.name == "slot_taken_within_capacity")
    TicketSlot._meta.constraints = [c for c in constraints if c is not constraint]
    try:
        with connection.schema_editor() as editor:
            editor.remove_constraint(TicketSlot, constraint)
        yield
    finally:
        TicketSlot._meta.constraints = constraints
        TicketSlot.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(TicketSlot, constraint)


def test_control_naive_read_then_write_oversells_without_the_check_constraint(without_capacity_check):
    last = slot(capacity=1)

    results = race(RACERS, naive_take(last.pk))

    assert results == ["sold"] * RACERS
    assert TicketSlot.objects.get(pk=last.pk).taken == RACERS  # oversold: the race is real


def test_the_check_constraint_alone_stops_the_naive_code_from_overselling(real_database):  # noqa: F811
    last = slot(capacity=1)

    results = race(RACERS, naive_take(last.pk))

    assert results.count("sold") == 1
    assert all(isinstance(result, IntegrityError) for result in results if result != "sold")
    assert TicketSlot.objects.get(pk=last.pk).taken == 1


def test_a_place_given_back_by_a_cancellation_goes_to_exactly_one_racer(real_database):  # noqa: F811
    from events.services import ticket_cancel

    last = slot(capacity=1)
    ticket_cancel(ticket=register(last))

    results = race(RACERS, register_after_barrier(last))

    assert outcome(results) == (1, RACERS - 1)
    assert TicketSlot.objects.get(pk=last.pk).taken == 1
