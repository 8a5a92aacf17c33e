"""Events in the trip planner: a slot of a village's event, on a day of the trip, chosen as a stop; it is
planned on its day at its time, and a slot outside the trip is refused clearly."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from events.models import Event, TicketSlot
from tests.tourism.planner.conftest import MONDAY, trip_params

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def fair(catalogue) -> TicketSlot:
    """杜家山-style temple fair in 严村 on the trip's second day, 14:00-16:00 Beijing time."""
    event = Event.objects.create(
        village=catalogue["gourds"].village,
        slug="gourd-fair",
        kind=Event.Kind.FESTIVAL,
        title_zh_hans="葫芦文化节",
        place_zh_hans="葫芦文化园",
        starts_on=MONDAY,
        ends_on=MONDAY.replace(day=8),
        is_published=True,
    )
    day = MONDAY.replace(day=8)
    return TicketSlot.objects.create(
        event=event,
        starts_at=datetime.combine(day, time(14), tzinfo=SHANGHAI),
        ends_at=datetime.combine(day, time(16), tzinfo=SHANGHAI),
        capacity=50,
    )


def plan(client, **params):
    return client.get(reverse("planner:plan"), trip_params(**params))


def test_the_form_offers_upcoming_event_slots(client, fair):
    response = client.get(reverse("planner:plan"))

    assert f'name="event_slot" value="{fair.pk}"' in response.text
    assert "葫芦文化节" in response.text


def test_a_chosen_slot_is_a_stop_on_its_day_at_its_time(client, catalogue, fair):
    response = plan(client, attraction=[catalogue["museum"].pk], event_slot=[fair.pk])

    days = response.context["plan"].days
    event_stops = [(day.number, planned) for day in days for planned in day.stops if planned.stop.is_event]
    assert len(event_stops) == 1
    number, planned = event_stops[0]
    assert number == 2
    assert (planned.start.astimezone(SHANGHAI).time(), planned.departure.astimezone(SHANGHAI).time()) == (
        time(14),
        time(16),
    )
    assert planned.stop.must
    assert "葫芦文化节" in response.text
    assert fair.event.get_absolute_url() in response.text


def test_a_slot_outside_the_trips_days_is_refused_clearly(client, catalogue, fair):
    response = plan(client, attraction=[catalogue["museum"].pk], event_slot=[fair.pk], days="1")

    assert response.context["plan"] is None
    assert "不在行程日期内" in response.text


def test_the_share_address_keeps_the_chosen_slot(client, catalogue, fair):
    response = plan(client, event_slot=[fair.pk])

    assert f"event_slot={fair.pk}" in response.context["plan"].request.query()
