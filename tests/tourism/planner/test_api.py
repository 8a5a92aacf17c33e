"""POST /api/trips/plan: the plan as JSON, and 422 with the reason for bad input."""

import pytest

from tests import factories
from tests.tourism.planner.conftest import MONDAY

pytestmark = pytest.mark.django_db

URL = "/api/trips/plan"


def body(**fields) -> dict:
    return {"start": {"preset": "centre"}, "date": MONDAY.isoformat(), "days": 2} | fields


def post(client, payload, status=200):
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == status, response.content
    return response.json()


def test_plan_lists_each_day_with_stops_times_and_legs(client, catalogue):
    museum = catalogue["museum"]

    plan = post(client, body(stops=[{"attraction": museum.pk, "must": True}]))

    (stop,) = plan["days"][0]["stops"]
    assert stop["id"] == museum.pk
    assert stop["name"] == {"zh": "廉政文化馆", "en": "Clean Governance Museum"}
    assert stop["must"] is True
    assert stop["start"] == "2026-09-07T09:00:00+08:00"
    assert stop["departure"] == "2026-09-07T10:00:00+08:00"
    assert stop["hours"] == {"opens": "09:00", "closes": "17:00", "note": ""}
    assert stop["leg"]["km"] > 10 and stop["leg"]["minutes"] > 15
    assert plan["totals"]["stops"] == 1
    assert plan["exact"] is True


def test_an_attraction_closed_on_the_first_day_is_planned_on_the_second(client, catalogue):
    plan = post(client, body(stops=[{"attraction": catalogue["temple"].pk}]))

    assert plan["days"][0]["stops"] == []
    assert [stop["slug"] for stop in plan["days"][1]["stops"]] == ["temple"]


def test_the_night_suggests_the_free_homestays_of_the_nearest_village_with_prices(client, catalogue):
    plan = post(client, body(stops=[{"attraction": catalogue["gourds"].pk}]))

    (stay,) = plan["stays"]
    assert (stay["check_in"], stay["check_out"], stay["village"]) == ("2026-09-07", "2026-09-08", "guihua")
    (homestay,) = stay["homestays"]
    assert homestay["total_from"] == "200.00" and homestay["currency"] == "CNY"
    assert homestay["booking_url"].endswith("?check_in=2026-09-07&check_out=2026-09-08&guests=2&rooms=1")
    assert plan["days"][0]["stay_check_in"] == "2026-09-07"


def test_a_village_can_be_a_stop_of_its_own(client, catalogue):
    plan = post(client, body(days=1, stops=[{"village": "yancun", "must": True}]))

    (stop,) = plan["days"][0]["stops"]
    assert (stop["kind"], stop["slug"], stop["hours"]) == ("village", "yancun", None)
    assert plan["stays"] == []


def test_a_route_adds_its_attractions_in_one_step(client, catalogue):
    route = factories.route(village=catalogue["guihua"], stops=[catalogue["museum"], catalogue["gourds"]])

    plan = post(client, body(days=1, routes=[route.pk]))

    assert sorted(stop["slug"] for stop in plan["days"][0]["stops"]) == ["gourds", "museum"]


def test_what_cannot_fit_is_listed_with_the_reason_in_both_languages(client, catalogue):
    plan = post(client, body(days=1, stops=[{"attraction": catalogue["temple"].pk, "must": True}]))

    (dropped,) = plan["dropped"]
    assert (dropped["slug"], dropped["reason"], dropped["must"]) == ("temple", "closed", True)
    assert dropped["message"]["zh"] == "行程各天均不开放"


def test_the_share_url_shows_the_same_plan_on_the_page(client, catalogue):
    plan = post(client, body(stops=[{"attraction": catalogue["temple"].pk}, {"village": "yancun"}]))

    page = client.get(plan["share_url"])

    assert page.status_code == 200
    assert page.context["plan"].visit_count == plan["totals"]["stops"] == 2
    assert page.context["share_url"].endswith(plan["share_url"])


def test_a_trip_from_a_point_on_the_map_starts_there(client, catalogue):
    plan = post(client, body(days=1, start={"lat": 37.5, "lng": 111.1}, stops=[{"village": "guihua"}]))

    assert "lat=37.500000&lng=111.100000" in plan["share_url"]


def problem_types(response: dict) -> set[str]:
    return {problem["type"] for problem in response["detail"]}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"stops": []}, "no_stops"),
        ({"stops": [{"attraction": 999_999}]}, "unknown"),
        ({"stops": [{"village": "atlantis"}]}, "unknown"),
        ({"routes": [999_999]}, "unknown"),
        ({"days": 8}, "max_value"),
        ({"days": 0}, "min_value"),
        ({"day_start": "18:00", "day_end": "08:00"}, "times_order"),
        ({"date": "2026-08-31"}, "min_value"),
        ({"start": {"lat": 39.9, "lng": 116.4}}, "outside"),
        ({"start": {"lat": 37.5}}, "required"),
        ({"guests": 1, "rooms": 2}, "rooms"),
        ({"stops": [{"attraction": 1, "village": "guihua"}]}, "stop"),
        ({"stops": [{"must": True}]}, "stop"),
    ],
)
def test_bad_input_is_refused_with_the_reason(client, catalogue, fields, problem):
    payload = body(stops=[{"attraction": catalogue["museum"].pk}]) | fields

    response = post(client, payload, status=422)

    assert problem in problem_types(response)
    assert all(entry["msg"] for entry in response["detail"])


@pytest.mark.parametrize(
    "payload",
    [
        {"start": {"preset": "moon"}, "date": "2026-09-07"},
        {"start": {"preset": "centre"}, "date": "not a date"},
        {"start": {"preset": "centre"}, "date": "2026-09-07", "days": "many"},
        {"start": {"preset": "centre"}, "date": "2026-09-07", "mode": "rocket"},
        {"date": "2026-09-07"},
    ],
)
def test_malformed_bodies_are_422_not_500(client, catalogue, payload):
    post(client, payload | {"stops": [{"village": "guihua"}]}, status=422)


def test_an_unpublished_attraction_is_unknown(client, catalogue):
    hidden = factories.attraction(village=catalogue["guihua"], is_published=False)

    response = post(client, body(stops=[{"attraction": hidden.pk}]), status=422)

    assert problem_types(response) == {"unknown"}


def test_too_many_stops_are_refused(client, catalogue, settings):
    settings.PLANNER_MAX_STOPS = 2
    stops = [{"attraction": catalogue[name].pk} for name in ("museum", "temple", "gourds")]

    response = post(client, body(stops=stops), status=422)

    assert problem_types(response) == {"too_many_stops"}


def test_the_days_limit_comes_from_the_settings(client, catalogue, settings):
    settings.PLANNER_MAX_DAYS = 3

    post(client, body(days=3, stops=[{"village": "guihua"}]))
    post(client, body(days=4, stops=[{"village": "guihua"}]), status=422)
