from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests import factories
from villages.models import OpeningHours


@pytest.mark.django_db
def test_database_refuses_coordinates_outside_the_globe():
    village = factories.village()
    village.latitude = Decimal("91")
    with pytest.raises(IntegrityError), transaction.atomic():
        village.save()


@pytest.mark.django_db
def test_database_refuses_opening_hours_that_close_before_they_open():
    attraction = factories.attraction(weekly_hours=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(attraction=attraction, weekday=0, opens="17:00", closes="09:00")


@pytest.mark.django_db
def test_database_refuses_a_room_type_with_min_nights_above_max():
    room = factories.room_type()
    room.min_nights, room.max_nights = 5, 2
    with pytest.raises(IntegrityError), transaction.atomic():
        room.save()
