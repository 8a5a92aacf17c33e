"""On a 360 px phone the trip's start is chosen by a tap on the map: no coordinate fields to type in
(they stay for browsers without the script), and the page says which point was chosen."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from common.clock import local_today

from .helpers import assert_fits_phone, fill_date, planner_pick


def test_a_tap_on_the_map_sets_the_start_without_typing_coordinates(phone, shot):
    page = phone
    page.goto("/plan/")
    expect(page.locator("#id_lat")).to_be_hidden()
    expect(page.locator("#id_lng")).to_be_hidden()
    picker = page.locator("#pick-map")
    expect(picker).to_have_class(re.compile(r"leaflet-container"))
    assert_fits_phone(page)

    picker.click(position={"x": 160, "y": 90})
    status = page.locator("[data-point-status]")
    expect(status).to_be_visible()
    expect(status).to_contain_text("出发点：地图上的点")
    expect(page.locator("#id_start")).to_have_value("point")
    shot(page, "start-on-map")

    temple = planner_pick(page, "安国寺")
    temple.locator("input[name=attraction]").check()
    fill_date(page.get_by_label("第一天"), local_today() + timedelta(days=21))
    page.get_by_role("button", name="生成行程").click()

    expect(page.get_by_role("heading", name="您的行程")).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["start"] == ["point"]
    latitude, longitude = float(query["lat"][0]), float(query["lng"][0])
    assert 37 < latitude < 38.2 and 110.5 < longitude < 111.8  # a point of Lishi, from the tap
    assert page.js_errors == []
