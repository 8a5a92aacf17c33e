"""trip_plan: the catalogue's hours on the actual dates, the pace, and the nights' homestays."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.services import booking_hold
from tests import factories
from tests.tourism.planner.conftest import MONDAY, attraction
from tourism.planner.forms import TripForm
from tourism.planner.services import trip_plan, visit_minutes
from tourism.planner.travel import GeodesicTravel
from villages.models import OpeningException

pytestmark = pytest.mark.django_db


def plan(**params):
    data = {
        "start": "centre",
        "date": MONDAY.isoformat(),
        "days": "3",
        "day_start": "08:00",
        "day_end": "18:00",
        "mode": "car",
        "pace": "normal",
        "guests": "2",
        "rooms": "1",
    } | params
    form = TripForm(data)
    assert form.is_valid(), form.errors
    return trip_plan(trip=form.cleaned_data["trip"], provider=GeodesicTravel())


def slugs(day) -> list[str]:
    return [stop.stop.place.slug for stop in day.stops]


def test_a_closing_on_one_date_moves_the_visit_to_another_day(catalogue):
    museum = catalogue["museum"]
    OpeningException.objects.create(attraction=museum, date=MONDAY, note="闭馆检修")

    trip = plan(attraction=[museum.pk])

    assert [slugs(day) for day in trip.days] == [[], ["museum"], []]


def test_special_hours_on_a_date_are_kept(catalogue):
    museum = catalogue["museum"]
    OpeningException.objects.create(
        attraction=museum, date=MONDAY, opens=time(13), closes=time(15), note="半天"
    )

    (visit,) = plan(attraction=[museum.pk]).days[0].stops

    assert visit.start.time() == time(13)
    assert visit.hours.note == "半天"


@pytest.mark.parametrize(("pace", "minutes"), [("relaxed", 80), ("normal", 60), ("packed", 45)])
def test_the_pace_sets_the_time_spent_at_each_stop(pace, minutes):
    assert visit_minutes(60, pace) == minutes


def test_a_relaxed_pace_spends_longer_at_the_stop(catalogue):
    (visit,) = plan(attraction=[catalogue["museum"].pk], pace="relaxed").days[0].stops

    assert (visit.departure - visit.start).total_seconds() == 80 * 60


def test_consecutive_nights_near_one_village_are_one_stay(catalogue):
    trip = plan(attraction=[catalogue["museum"].pk])

    (stay,) = trip.stays
    assert (stay.check_in, stay.check_out, stay.nights) == (MONDAY, date(2026, 9, 9), 2)
    assert stay.village == catalogue["guihua"]
    assert [day.stay for day in trip.days] == [stay, stay, None]
    assert stay.homestays[0].price_from == 400


def test_when_the_nearest_village_is_full_the_nearest_with_a_free_room_is_suggested(catalogue):
    booking_hold(
        room_type=catalogue["room"],
        check_in=MONDAY,
        check_out=date(2026, 9, 9),
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
    )
    far = factories.village(slug="far", latitude="37.600000", longitude="111.200000")
    factories.room_type(
        homestay=factories.homestay(village=far, latitude="37.600000", longitude="111.200000")
    )

    (stay,) = plan(attraction=[catalogue["museum"].pk]).stays

    assert (stay.nearest_full, stay.village) == (catalogue["guihua"], far)
    assert len(stay.homestays) == 1


def test_a_night_with_nothing_free_anywhere_has_no_homestays(catalogue):
    booking_hold(
        room_type=catalogue["room"],
        check_in=MONDAY,
        check_out=date(2026, 9, 8),
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
    )

    stays = plan(days="2", attraction=[catalogue["museum"].pk]).stays

    assert [(stay.village, stay.homestays) for stay in stays] == [(catalogue["guihua"], [])]


def test_a_round_trip_comes_back_on_the_day_it_ends_and_needs_no_night_after(catalogue):
    trip = plan(attraction=[catalogue["museum"].pk], back="1")

    assert trip.days[0].back is not None
    assert trip.days[0].back_arrival.time() < time(18)
    assert trip.stays == []


def test_each_day_starts_where_the_last_one_ended(catalogue):
    far = attraction(catalogue["yancun"], slug="far", latitude="37.700000", longitude="111.300000")

    trip = plan(attraction=[catalogue["museum"].pk, far.pk], must_attraction=[catalogue["temple"].pk])

    last = "离石城区"
    for day in trip.days:
        assert day.starts_from == last
        if day.stops:
            last = str(day.stops[-1].stop.place.name)


def test_more_stops_cost_no_more_queries(catalogue):
    with CaptureQueriesContext(connection) as two:
        plan(attraction=[catalogue["museum"].pk, catalogue["gourds"].pk])
    picked = [catalogue["museum"].pk, catalogue["gourds"].pk]
    picked += [attraction(catalogue["yancun"]).pk for _ in range(6)]

    with CaptureQueriesContext(connection) as eight:
        plan(attraction=picked)

    assert len(eight) == len(two)
