"""The /plan/ page: the form, the plan, the shareable address, printing, languages."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests import factories
from tests.tourism.planner.conftest import trip_params

pytestmark = pytest.mark.django_db


def plan_page(client, **params):
    response = client.get(reverse("planner:plan"), trip_params(**params))
    assert response.status_code == 200
    return response


def test_the_empty_page_offers_every_published_place_to_pick(client, catalogue):
    factories.attraction(village=catalogue["guihua"], name_zh_hans="草稿景点", is_published=False)

    response = client.get(reverse("planner:plan"))

    assert response.status_code == 200
    assert response.context["plan"] is None
    for name in ("归化村", "严村", "廉政文化馆", "归化古寺", "葫芦文化园"):
        assert name in response.text
    assert "草稿景点" not in response.text
    assert f'name="must_attraction" value="{catalogue["museum"].pk}"' in response.text


def test_the_plan_shows_each_day_with_its_stops_and_times(client, catalogue):
    response = plan_page(client, attraction=[catalogue["museum"].pk, catalogue["temple"].pk])

    days = response.context["plan"].days
    assert [stop.stop.place.slug for stop in days[0].stops] == ["museum"]
    assert [stop.stop.place.slug for stop in days[1].stops] == ["temple"]
    for text in ("第1天", "第2天", "09:00", "廉政文化馆", "归化古寺", "当天开放 09:00–17:00"):
        assert text in response.text


def test_the_night_lists_free_homestays_with_a_booking_link(client, catalogue):
    response = plan_page(client, attraction=[catalogue["museum"].pk])

    link = f"{catalogue['homestay'].get_absolute_url()}?check_in=2026-09-07&amp;check_out=2026-09-08"
    assert "归化小院" in response.text
    assert "¥200.00" in response.text
    assert link in response.text


def test_ticked_places_stay_ticked(client, catalogue):
    museum = catalogue["museum"].pk

    response = plan_page(client, must_attraction=[museum], village=["yancun"])

    assert f'name="must_attraction" value="{museum}" checked' in response.text
    assert 'name="village" value="yancun" checked' in response.text
    assert 'name="village" value="guihua" checked' not in response.text


def test_the_share_address_asks_for_the_same_plan(client, catalogue):
    first = plan_page(client, attraction=[catalogue["temple"].pk, catalogue["gourds"].pk], back="1")

    shared = urlsplit(first.context["share_url"])
    again = client.get(f"{shared.path}?{shared.query}")

    def stops(response):
        return [[stop.stop.place.slug for stop in day.stops] for day in response.context["plan"].days]

    assert stops(again) == stops(first)
    assert again.context["share_url"] == first.context["share_url"]
    assert first.context["plan"].request.return_to_start


def test_bad_input_is_explained_on_the_page(client, catalogue):
    response = client.get(reverse("planner:plan"), trip_params(day_start="19:00", day_end="09:00"))

    assert response.status_code == 200
    assert response.context["plan"] is None
    assert "每天的结束时间必须晚于出发时间" in response.text


def test_nothing_picked_is_explained_on_the_page(client, catalogue):
    response = client.get(reverse("planner:plan"), trip_params())

    assert "请至少选择一个景点、村庄或线路" in response.text


def test_a_must_see_place_that_cannot_fit_is_flagged(client, catalogue):
    response = plan_page(client, days="1", must_attraction=[catalogue["temple"].pk])

    assert "有必去的地方没能排进行程" in response.text
    assert "行程各天均不开放" in response.text


def test_the_english_page_speaks_english(client, catalogue):
    response = client.get("/en/plan/", trip_params(attraction=[catalogue["museum"].pk]))

    assert response.status_code == 200
    assert "Clean Governance Museum" in response.text
    assert response.context["share_url"].split("?")[0].endswith("/en/plan/")


def test_the_page_runs_no_inline_script_or_style_and_can_be_printed(client, catalogue):
    response = plan_page(client, attraction=[catalogue["museum"].pk])

    scripts = re.findall(r"<script(?P<attributes>[^>]*)>", response.text)
    assert all("src=" in attributes or "application/json" in attributes for attributes in scripts)
    assert " style=" not in response.text
    assert "css/planner.css" in response.text
    assert 'id="plan-map-data"' in response.text
    assert "data-print" in response.text


def test_the_map_data_has_a_line_per_day_through_its_stops(client, catalogue):
    response = plan_page(client, attraction=[catalogue["museum"].pk, catalogue["temple"].pk])

    days = response.context["plan_map"]["days"]
    assert [len(day["stops"]) for day in days] == [1, 1]
    assert days[1]["points"][0] == days[0]["points"][-1]


def open_groups(html: str) -> dict[str, bool]:
    found = re.findall(
        r'<details class="pick-village"( open)?>\s*<summary class="pick-village__summary">'
        r'<span class="pick-village__name">([^<]+)</span>',
        html,
    )
    return {name: bool(is_open) for is_open, name in found}


def test_the_picker_folds_each_village_unless_it_holds_a_ticked_place(client, catalogue):
    empty = client.get(reverse("planner:plan")).text
    assert open_groups(empty) == {"归化村": False, "严村": False}
    assert "廉政文化馆" in empty  # folded, not left out: found by the search and sent with the form

    planned = plan_page(client, attraction=[catalogue["museum"].pk]).text
    assert open_groups(planned) == {"归化村": True, "严村": False}
    assert "已选 1" in planned

    by_village = plan_page(client, must_village=["yancun"]).text
    assert open_groups(by_village) == {"归化村": False, "严村": True}
