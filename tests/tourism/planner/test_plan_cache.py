"""The solver's answer is cached under the trip's canonical problem: the same trip asked again (its stops
in any order) is not solved again; an edit of the catalogue that changes the trip is."""

import dataclasses
from datetime import time

import pytest
from django.urls import reverse

from tests.tourism.planner.conftest import MONDAY, trip_params
from tourism.planner import services
from tourism.planner.forms import TripForm
from tourism.planner.travel import GeodesicTravel
from villages.models import OpeningHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def solves(monkeypatch) -> list[int]:
    """The number of stops of each problem the solver was really given."""
    calls: list[int] = []
    solve = services.solve

    def counting(problem, **kwargs):
        calls.append(len(problem.stops))
        return solve(problem, **kwargs)

    monkeypatch.setattr(services, "solve", counting)
    return calls


def request_for(**params):
    form = TripForm(trip_params(**params))
    assert form.is_valid(), form.errors
    return form.cleaned_data["trip"]


def visits(plan) -> list[tuple[str, int, str]]:
    return [
        (stop.stop.place.slug, day.number, stop.start.strftime("%H:%M"))
        for day in plan.days
        for stop in day.stops
    ]


def test_the_same_trip_with_its_stops_in_another_order_is_solved_once(catalogue, solves):
    trip = request_for(
        attraction=[catalogue["museum"].pk, catalogue["gourds"].pk],
        must_attraction=[catalogue["temple"].pk],
        village=["yancun"],
    )
    reordered = dataclasses.replace(trip, stops=tuple(reversed(trip.stops)))

    first = services.trip_plan(trip=trip, provider=GeodesicTravel())
    again = services.trip_plan(trip=reordered, provider=GeodesicTravel())

    assert solves == [4]
    assert visits(again) == visits(first)
    assert [dropped.stop.place.slug for dropped in again.dropped] == [
        dropped.stop.place.slug for dropped in first.dropped
    ]


def test_the_page_asked_with_its_parameters_in_another_order_is_solved_once(client, catalogue, solves):
    museum, gourds = catalogue["museum"].pk, catalogue["gourds"].pk
    base = trip_params()
    first = client.get(reverse("planner:plan"), base | {"attraction": [museum, gourds], "village": "guihua"})
    again = client.get(reverse("planner:plan"), {"village": "guihua", "attraction": [gourds, museum]} | base)

    assert first.status_code == again.status_code == 200
    assert solves == [3]
    assert visits(again.context["plan"]) == visits(first.context["plan"])


def test_new_opening_hours_give_a_new_plan(catalogue, solves):
    museum = catalogue["museum"]
    trip = request_for(attraction=[museum.pk])
    before = services.trip_plan(trip=trip, provider=GeodesicTravel())
    OpeningHours.objects.filter(attraction=museum, weekday=MONDAY.weekday()).update(opens=time(14))

    after = services.trip_plan(trip=request_for(attraction=[museum.pk]), provider=GeodesicTravel())

    assert solves == [1, 1]
    assert visits(before) == [("museum", 1, "09:00")]
    assert visits(after) == [("museum", 1, "14:00")]


def test_a_moved_attraction_gives_a_new_plan(catalogue, solves):
    gourds = catalogue["gourds"]
    before = services.trip_plan(trip=request_for(attraction=[gourds.pk]), provider=GeodesicTravel())
    gourds.latitude, gourds.longitude = "37.600000", "111.300000"
    gourds.save()

    after = services.trip_plan(trip=request_for(attraction=[gourds.pk]), provider=GeodesicTravel())

    assert solves == [1, 1]
    assert after.days[0].stops[0].leg.minutes > before.days[0].stops[0].leg.minutes


def test_with_the_cache_turned_off_every_request_is_solved(catalogue, solves, settings):
    settings.PLANNER_CACHE_SECONDS = 0
    trip = request_for(attraction=[catalogue["museum"].pk])

    services.trip_plan(trip=trip, provider=GeodesicTravel())
    services.trip_plan(trip=trip, provider=GeodesicTravel())

    assert solves == [1, 1]
