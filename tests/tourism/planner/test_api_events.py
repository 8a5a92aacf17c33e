"""Event slots in the planner's JSON API: GET /api/trips/event-slots offers what the page offers, and
POST /api/trips/plan takes their ids as ``event_slots``: planned on their day at their time, or 422 when
outside the trip."""

from datetime import datetime, time, timedelta

import pytest

from events.models import TicketSlot
from tests.tourism.planner.conftest import MONDAY, NOW
from tests.tourism.planner.test_events import SHANGHAI, fair  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def body(**fields) -> dict:
    return {"start": {"preset": "centre"}, "date": MONDAY.isoformat(), "days": 2} | fields


def test_the_offered_slots_are_the_pages_with_their_times_places_and_prices(client, fair):  # noqa: F811
    started = TicketSlot.objects.create(  # this morning, 09:00-11:00: started an hour ago
        event=fair.event,
        starts_at=datetime.combine(NOW.date(), time(9), tzinfo=SHANGHAI),
        ends_at=datetime.combine(NOW.date(), time(11), tzinfo=SHANGHAI),
        capacity=5,
    )
    TicketSlot.objects.create(  # beyond the 60 days offered
        event=fair.event,
        starts_at=datetime.combine(MONDAY + timedelta(days=70), time(9), tzinfo=SHANGHAI),
        ends_at=datetime.combine(MONDAY + timedelta(days=70), time(10), tzinfo=SHANGHAI),
        capacity=5,
    )

    response = client.get("/api/trips/event-slots")

    assert response.status_code == 200
    (slot,) = response.json()
    assert slot["id"] == fair.pk != started.pk
    assert slot["title"] == {"zh": "葫芦文化节", "en": "葫芦文化节"}
    assert (slot["village"], slot["starts_at"], slot["ends_at"]) == (
        fair.event.village.slug,
        "2026-09-08T14:00:00+08:00",
        "2026-09-08T16:00:00+08:00",
    )
    assert (slot["places_left"], slot["price"], slot["currency"]) == (50, "0.00", "CNY")
    assert slot["url"] == fair.event.get_absolute_url()


def test_an_unpublished_events_slots_are_not_offered(client, fair):  # noqa: F811
    fair.event.is_published = False
    fair.event.save()

    assert client.get("/api/trips/event-slots").json() == []


def test_a_chosen_slot_is_planned_on_its_day_at_its_time(client, catalogue, fair):  # noqa: F811
    response = client.post(
        "/api/trips/plan",
        body(stops=[{"attraction": catalogue["museum"].pk}], event_slots=[fair.pk]),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    plan = response.json()
    assert [stop["kind"] for stop in plan["days"][0]["stops"]] == ["attraction"]
    (event_stop,) = [stop for stop in plan["days"][1]["stops"] if stop["kind"] == "event"]
    assert (event_stop["id"], event_stop["start"], event_stop["departure"]) == (
        fair.pk,
        "2026-09-08T14:00:00+08:00",
        "2026-09-08T16:00:00+08:00",
    )
    assert event_stop["name"]["zh"] == "葫芦文化节"
    assert f"event_slot={fair.pk}" in plan["share_url"]


def test_a_slot_outside_the_trip_is_refused_with_the_reason(client, catalogue, fair):  # noqa: F811
    response = client.post(
        "/api/trips/plan",
        body(days=1, stops=[{"attraction": catalogue["museum"].pk}], event_slots=[fair.pk]),
        content_type="application/json",
    )

    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == "event_slot" and problem["type"] == "not_on_trip"
    assert "不在行程日期内" in problem["msg"]


def test_an_unknown_slot_is_refused(client, catalogue):
    response = client.post(
        "/api/trips/plan",
        body(stops=[{"attraction": catalogue["museum"].pk}], event_slots=[987654]),
        content_type="application/json",
    )

    assert response.status_code == 422
