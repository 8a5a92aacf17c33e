from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.transaction import TransactionManagementError

from bookings.models import RoomNight
from common.compiled import CompiledQuery
from tests import factories
from villages.models import RoomType

pytestmark = pytest.mark.django_db

NIGHT = date(2026, 9, 8)


def _rooms(*, village_id: int, night: date, since: datetime, owner_id: int | None):
    """Every kind of value (an int, a date, an aware datetime, an optional int), select_related, a
    subquery and an annotation."""
    nights = RoomNight.objects.filter(room_type=OuterRef("pk"), night=night, rooms_closed__gt=0)
    owner_joined = User.objects.filter(pk=OuterRef("homestay__owner_id"), date_joined__gte=since)
    rooms = (
        RoomType.objects.select_related("homestay__village")
        .filter(homestay__village_id=village_id)
        .annotate(
            closed=Exists(nights),
            joined=Exists(owner_joined),
            others=Count("homestay__room_types", filter=~Q(pk=village_id)),
        )
        .order_by("pk")
    )
    return rooms if owner_id is None else rooms.filter(homestay__owner_id=owner_id)


@pytest.fixture
def rooms():
    return [factories.room_type(name=f"房{n}") for n in range(3)]


def _same(left: list[Any], right: list[Any]) -> None:  # room types with the annotations
    assert [(r.pk, r.homestay.village.name, r.closed, r.joined, r.others) for r in left] == [
        (r.pk, r.homestay.village.name, r.closed, r.joined, r.others) for r in right
    ]


def test_rows_are_those_of_the_orm_whatever_the_values(rooms, django_assert_num_queries):
    owner = factories.user()
    rooms[1].homestay.owner = owner
    rooms[1].homestay.save()
    RoomNight.objects.create(room_type=rooms[0], night=NIGHT, rooms_total=1, rooms_closed=1)
    compiled = CompiledQuery(_rooms)
    seen = set()
    for room in rooms:
        for night in (NIGHT, NIGHT + timedelta(days=1)):
            for since in (owner.date_joined - timedelta(days=1), owner.date_joined + timedelta(days=1)):
                for owner_id in (None, owner.pk):
                    values = {"village_id": room.homestay.village_id, "night": night, "since": since}
                    values["owner_id"] = owner_id
                    with django_assert_num_queries(1):  # the rows, their villages with them
                        found: list[Any] = compiled.all(**values)
                        seen |= {(r.closed, r.joined, r.homestay.village.name) for r in found}
                    _same(found, list(_rooms(**values)))

    assert {(closed, joined) for closed, joined, _village in seen} == {
        (True, False),
        (False, False),
        (False, True),
    }


def test_the_query_is_built_twice_for_each_shape_then_never_again(rooms):
    built = []

    def counted(**values):
        built.append(values)
        return _rooms(**values)

    compiled = CompiledQuery(counted)
    since = datetime(2020, 1, 1, tzinfo=UTC)
    for room in rooms:
        compiled.all(village_id=room.homestay.village_id, night=NIGHT, since=since, owner_id=None)
        compiled.all(village_id=room.homestay.village_id, night=NIGHT, since=since, owner_id=7)

    assert len(built) == 4  # two made-up rounds for each of the two shapes
    assert all(values["village_id"] not in {r.homestay.village_id for r in rooms} for values in built)


def test_a_query_deriving_a_parameter_from_a_value_is_refused(rooms):
    def derived(*, night: date):
        return RoomNight.objects.filter(night=night + timedelta(days=1))

    with pytest.raises(ValueError, match="derived"):
        CompiledQuery(derived).all(night=NIGHT)


def test_get_answers_the_one_row_or_does_not_exist(rooms):
    def one(*, pk: int):
        return RoomType.objects.filter(pk=pk)

    compiled = CompiledQuery(one)

    assert compiled.get(pk=rooms[2].pk) == rooms[2]
    with pytest.raises(RoomType.DoesNotExist):
        compiled.get(pk=rooms[2].pk + 100)


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_needs_a_transaction_as_in_the_orm(rooms):
    def locked(*, pk: int):
        return RoomType.objects.select_for_update().filter(pk=pk)

    compiled = CompiledQuery(locked)
    with transaction.atomic():
        assert compiled.get(pk=rooms[0].pk) == rooms[0]

    with pytest.raises(TransactionManagementError):
        compiled.get(pk=rooms[0].pk)
