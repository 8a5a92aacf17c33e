import gzip
import itertools
import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from villages.models import Attraction, Honour, OpeningException, RouteStop

pytestmark = pytest.mark.django_db

# 2025-06-02 is a Monday in Asia/Shanghai; the factory's attractions open Tuesday to Sunday, 09:00-17:00.
MONDAY_MORNING_IN_SHANGHAI = datetime(2025, 6, 2, 2, 0, tzinfo=UTC)
TUESDAY_MORNING_IN_SHANGHAI = datetime(2025, 6, 3, 2, 0, tzinfo=UTC)


class Page(HTMLParser):
    """The parts of a rendered page the tests look at."""

    def __init__(self, html: str):
        super().__init__()
        self.html_lang = None
        self.headings: list[int] = []
        self.images: list[dict] = []
        self.scripts: list[dict] = []
        self.stylesheets: list[str] = []
        self.links: list[str] = []
        self.style_attributes = 0
        self.ids: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "img":
            self.images.append(attributes)
        elif tag == "script":
            self.scripts.append(attributes)
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        elif tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])


def map_data(response) -> dict:
    match = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', response.text, re.S)
    assert match is not None
    return json.loads(match.group(1))


def freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def full_village(*, copies: int = 1, **fields):
    """A village with ``copies`` of everything a village page shows."""
    village = factories.village(
        themes=[factories.theme(), factories.theme()],
        story_zh_hans="古院落修缮一新。\n\n村里开了特色民宿。",
        **fields,
    )
    for n in range(copies):
        Honour.objects.create(village=village, title_zh_hans=f"省级荣誉{n}", year=2020 + n)
        attraction = factories.attraction(village=village, ticket_price=Decimal("30.00"))
        OpeningException.objects.create(attraction=attraction, date=timezone.localdate(), note_zh_hans="庙会")
        homestay = factories.homestay(village=village)
        factories.room_type(homestay=homestay)
        factories.room_type(homestay=homestay, base_price=Decimal("380.00"))
        factories.route(village=village, stops=[attraction, factories.attraction(village=village)])
    return village


def test_village_page_shows_story_honours_attractions_homestays_and_routes(client):
    village = full_village()
    attraction = village.attractions.first()
    homestay = village.homestays.get()
    route = village.routes.get()

    response = client.get(village.get_absolute_url())

    assert response.status_code == 200
    for text in ["古院落修缮一新", "省级荣誉0", attraction.name, homestay.name, route.name]:
        assert text in response.text
    assert attraction.get_absolute_url() in response.text
    assert homestay.get_absolute_url() in response.text
    assert route.get_absolute_url() in response.text


def test_village_page_leaves_out_unpublished_attractions_homestays_and_routes(client):
    village = factories.village()
    factories.attraction(village=village, name_zh_hans="未发布的庙", is_published=False)
    factories.homestay(village=village, name_zh_hans="未发布的院子", is_published=False)
    factories.route(village=village, name_zh_hans="未发布的线路", is_published=False)

    response = client.get(village.get_absolute_url())

    for name in ["未发布的庙", "未发布的院子", "未发布的线路"]:
        assert name not in response.text


def test_attraction_shows_open_today_with_the_hours_of_the_coming_seven_days(client, monkeypatch):
    freeze(monkeypatch, TUESDAY_MORNING_IN_SHANGHAI)
    attraction = factories.attraction()

    response = client.get(attraction.village.get_absolute_url())

    assert "今天开放" in response.text
    assert "今天闭馆" not in response.text
    assert response.text.count("09:00–17:00") == 1 + 6  # today's summary, then six open days of the week
    assert response.text.count(">闭馆<") == 1  # next Monday


def test_attraction_shows_closed_today_on_a_day_without_hours(client, monkeypatch):
    freeze(monkeypatch, MONDAY_MORNING_IN_SHANGHAI)
    attraction = factories.attraction()

    response = client.get(attraction.village.get_absolute_url())

    assert "今天闭馆" in response.text
    assert "今天开放" not in response.text


def test_today_is_the_date_in_shanghai_not_in_utc(client, monkeypatch):
    # Sunday 20:00 UTC is already Monday 04:00 in Shanghai, and Monday is the closed day.
    freeze(monkeypatch, datetime(2025, 6, 1, 20, 0, tzinfo=UTC))
    attraction = factories.attraction()

    response = client.get(attraction.village.get_absolute_url())

    assert "今天闭馆" in response.text


def test_opening_exception_replaces_the_weekly_hours_with_its_note(client, monkeypatch):
    freeze(monkeypatch, TUESDAY_MORNING_IN_SHANGHAI)
    attraction = factories.attraction()
    OpeningException.objects.create(
        attraction=attraction,
        date=date(2025, 6, 3),
        opens=time(8),
        closes=time(20),
        note_zh_hans="端午节延长开放",
    )

    response = client.get(attraction.village.get_absolute_url())

    assert "今天开放" in response.text
    assert "08:00–20:00" in response.text
    assert "端午节延长开放" in response.text


def test_ticket_price_shows_yuan_with_two_decimals_or_free(client):
    village = factories.village()
    factories.attraction(village=village, ticket_price=Decimal("30"))
    factories.attraction(village=village, ticket_price=Decimal("0"))

    response = client.get(village.get_absolute_url())

    assert "¥30.00" in response.text
    assert "免费" in response.text


def test_attraction_shows_kind_heritage_level_and_visit_duration(client):
    attraction = factories.attraction(
        kind=Attraction.Kind.TEMPLE, heritage_level=Attraction.HeritageLevel.NATIONAL, visit_minutes=90
    )

    response = client.get(attraction.village.get_absolute_url())

    assert str(Attraction.Kind.TEMPLE.label) in response.text
    assert str(Attraction.HeritageLevel.NATIONAL.label) in response.text
    assert "1 小时 30 分钟" in response.text


def test_homestay_card_shows_the_lowest_bookable_price_per_night(client):
    homestay = factories.homestay()
    factories.room_type(homestay=homestay, base_price=Decimal("388.50"))
    factories.room_type(homestay=homestay, base_price=Decimal("268"))
    factories.room_type(homestay=homestay, base_price=Decimal("99"), is_active=False)

    response = client.get(homestay.village.get_absolute_url())

    assert "¥268.00 起/晚" in response.text
    assert "¥99.00" not in response.text


def test_homestay_without_photo_is_a_text_card_without_an_image(client):
    homestay = factories.homestay()

    response = client.get(homestay.village.get_absolute_url())

    assert Page(response.text).images == []
    assert "card--text" in response.text


def test_homestay_photo_has_its_description_as_alt_text(client):
    homestay = factories.homestay()
    factories.photo(homestay=homestay, alt_zh_hans="窑洞小院的清晨")

    response = client.get(homestay.village.get_absolute_url())

    images = Page(response.text).images
    assert [image["alt"] for image in images] == ["窑洞小院的清晨"]
    assert images[0]["src"].endswith(".jpg") and "/thumbs/" in images[0]["src"]
    assert "card--text" not in response.text


def test_demo_content_carries_the_demo_badge(client):
    village = factories.village(is_demo=False)
    factories.attraction(village=village, is_demo=True)

    response = client.get(village.get_absolute_url())

    assert response.text.count("badge--demo") == 1


def test_official_content_has_no_demo_badge(client):
    village = factories.village(is_demo=False)
    factories.attraction(village=village, is_demo=False)

    response = client.get(village.get_absolute_url())

    assert "badge--demo" not in response.text


def test_village_map_has_the_village_its_attractions_homestays_and_route_lines(client):
    village = full_village()

    data = map_data(client.get(village.get_absolute_url()))

    kinds = sorted(marker["kind"] for marker in data["markers"])
    assert kinds == ["attraction", "attraction", "homestay", "village"]
    assert len(data["lines"]) == 1
    assert data["markers"][0] == {
        "kind": "village",
        "label": "村庄",
        "name": village.name,
        "lat": 37.52,
        "lng": 111.13,
        "url": village.get_absolute_url(),
    }


def test_route_line_follows_the_drawn_path_when_there_is_one(client):
    route = factories.route(path=[[37.5, 111.1], [37.51, 111.11], [37.52, 111.12]])

    data = map_data(client.get(route.village.get_absolute_url()))

    assert data["lines"][0]["points"] == [[37.5, 111.1], [37.51, 111.11], [37.52, 111.12]]


def test_route_line_joins_the_stops_in_order_without_a_path(client):
    village = factories.village()
    first = factories.attraction(village=village, latitude=Decimal("37.1"), longitude=Decimal("111.1"))
    second = factories.attraction(village=village, latitude=Decimal("37.2"), longitude=Decimal("111.2"))
    factories.route(village=village, stops=[second, first])

    data = map_data(client.get(village.get_absolute_url()))

    assert data["lines"][0]["points"] == [[37.2, 111.2], [37.1, 111.1]]


def test_every_map_marker_is_also_listed_as_text_with_its_coordinates(client):
    village = full_village()

    response = client.get(village.get_absolute_url())

    places = response.text.split('<ul class="map-places">')[1]
    for marker in map_data(response)["markers"]:
        assert marker["name"] in places
        assert marker["label"] in places
    assert "北纬 37.52000°，东经 111.13000°" in places


def test_village_page_costs_the_same_queries_for_ten_times_the_content(client):
    small = full_village(copies=1)
    large = full_village(copies=10)

    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.get_absolute_url())
    with CaptureQueriesContext(connection) as large_queries:
        response = client.get(large.get_absolute_url())

    assert response.text.count('<article class="card') == 10 * 4  # two attractions, a homestay, a route
    assert len(large_queries) == len(small_queries)


def test_village_list_costs_the_same_queries_for_ten_times_the_villages(client):
    theme = factories.theme()
    factories.village(themes=[theme])
    with CaptureQueriesContext(connection) as one_village:
        client.get("/villages/")
    for _ in range(9):
        factories.village(themes=[theme, factories.theme()])

    with CaptureQueriesContext(connection) as ten_villages:
        response = client.get("/villages/")

    assert response.text.count('<article class="card') == 10
    assert len(ten_villages) == len(one_village)


def test_unknown_village_is_a_helpful_404(client):
    response = client.get("/villages/no-such-village/")

    assert response.status_code == 404
    assert "找不到这个村庄" in response.text
    links = Page(response.text).links
    assert "/villages/" in links
    assert "/" in links


def test_unpublished_village_is_404(client):
    village = factories.village(is_published=False)

    assert client.get(village.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("factory", [factories.attraction, factories.homestay, factories.route])
def test_unpublished_attraction_homestay_or_route_is_404(client, factory):
    item = factory(is_published=False)

    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("factory", [factories.attraction, factories.homestay, factories.route])
def test_attraction_homestay_or_route_of_an_unpublished_village_is_404(client, factory):
    item = factory(village=factories.village(is_published=False))

    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["attractions", "homestays", "routes"])
def test_unknown_attraction_homestay_or_route_slug_is_404(client, kind):
    village = factories.village()

    response = client.get(f"/villages/{village.slug}/{kind}/nothing-here/")

    assert response.status_code == 404
    assert "/villages/" in Page(response.text).links


def test_attraction_under_another_villages_address_is_404(client):
    attraction = factories.attraction()
    other = factories.village()

    assert client.get(f"/villages/{other.slug}/attractions/{attraction.slug}/").status_code == 404


def test_english_village_page_shows_english_names(client):
    village = full_village(name_en="Caijiazhuang")
    attraction = village.attractions.first()

    response = client.get(f"/en/villages/{village.slug}/")

    assert response.status_code == 200
    assert Page(response.text).html_lang == "en"
    assert "Caijiazhuang" in response.text
    assert attraction.name_en in response.text
    assert attraction.name_zh_hans not in response.text
    assert f"/en/villages/{village.slug}/attractions/{attraction.slug}/" in response.text


def test_chinese_village_page_is_marked_as_simplified_chinese(client):
    village = factories.village()

    assert Page(client.get(village.get_absolute_url()).text).html_lang == "zh-Hans"


def test_language_switch_links_to_the_same_page_in_the_other_language(client):
    village = factories.village()

    chinese = Page(client.get(f"/villages/{village.slug}/").text).links
    english = Page(client.get(f"/en/villages/{village.slug}/").text).links

    assert f"/en/villages/{village.slug}/" in chinese
    assert f"/villages/{village.slug}/" in english


def test_language_switch_keeps_the_theme_filter(client):
    theme = factories.theme(slug="camping")

    links = Page(client.get(f"/villages/?theme={theme.slug}").text).links

    assert "/en/villages/?theme=camping" in links


def test_village_list_shows_published_villages_only(client):
    factories.village(name_zh_hans="彩家庄村")
    factories.village(name_zh_hans="草稿村", is_published=False)

    response = client.get("/villages/")

    assert "彩家庄村" in response.text
    assert "草稿村" not in response.text


def test_village_list_filters_by_theme(client):
    camping = factories.theme(slug="forest-camping", name_zh_hans="森林露营")
    factories.village(name_zh_hans="露营村", themes=[camping])
    factories.village(name_zh_hans="古村", themes=[factories.theme()])

    response = client.get("/villages/?theme=forest-camping")

    assert "露营村" in response.text
    assert "古村" not in response.text
    assert "?theme=forest-camping" in Page(response.text).links


def test_village_list_explains_an_unknown_theme_and_lists_every_village(client):
    factories.village(name_zh_hans="严村")

    response = client.get("/villages/?theme=<b>nope</b>")

    assert response.status_code == 200
    assert "没有“&lt;b&gt;nope&lt;/b&gt;”这个主题" in response.text
    assert "严村" in response.text


def test_village_list_says_so_when_a_theme_has_no_village(client):
    factories.theme(slug="empty-theme")

    response = client.get("/villages/?theme=empty-theme")

    assert "这个主题下暂时没有村庄" in response.text


def test_attraction_page_shows_the_week_description_and_routes_through_it(client, monkeypatch):
    freeze(monkeypatch, TUESDAY_MORNING_IN_SHANGHAI)
    attraction = factories.attraction(description_zh_hans="始建于唐代。")
    route = factories.route(village=attraction.village, stops=[attraction])
    factories.route(
        village=attraction.village, stops=[attraction], name_zh_hans="草稿线路", is_published=False
    )

    response = client.get(attraction.get_absolute_url())

    assert response.status_code == 200
    assert "始建于唐代" in response.text
    assert "今天开放" in response.text
    assert '<details class="hours" open>' in response.text
    assert route.get_absolute_url() in response.text
    assert "草稿线路" not in response.text


def test_attraction_page_links_a_route_of_another_village_at_its_own_address(client):
    attraction = factories.attraction()
    route = factories.route(village=factories.village(), stops=[attraction])

    response = client.get(attraction.get_absolute_url())

    assert route.get_absolute_url() in Page(response.text).links


def test_attraction_page_costs_the_same_queries_for_ten_times_the_routes_through_it(client):
    attraction = factories.attraction()
    factories.route(stops=[attraction])
    with CaptureQueriesContext(connection) as one_route:
        client.get(attraction.get_absolute_url())
    for _ in range(9):
        factories.route(stops=[attraction])

    with CaptureQueriesContext(connection) as ten_routes:
        response = client.get(attraction.get_absolute_url())

    assert response.text.count("/routes/") == 10
    assert len(ten_routes) == len(one_route)


def test_homestay_page_shows_rooms_times_rules_policy_and_amenities(client):
    homestay = factories.homestay(
        house_rules_zh_hans="晚上十点后请保持安静。",
        amenities=["暖气", "无线网络"],
        check_in_time=time(15),
        check_out_time=time(11),
    )
    factories.room_type(
        homestay=homestay,
        name_zh_hans="窑洞家庭房",
        capacity=4,
        beds_zh_hans="一张大床和两张单人床",
        base_price=Decimal("320"),
        weekend_price=Decimal("388.5"),
    )

    response = client.get(homestay.get_absolute_url())

    for text in [
        "窑洞家庭房",
        "4 人",
        "一张大床和两张单人床",
        "¥320.00/晚",
        "¥388.50/晚",
        "15:00 以后",
        "11:00 以前",
        "晚上十点后请保持安静",
        "暖气",
        "无线网络",
        str(homestay.get_cancellation_policy_display()),
    ]:
        assert text in response.text


def test_route_page_lists_its_stops_in_order_with_its_facts(client):
    village = factories.village()
    first = factories.attraction(village=village, name_zh_hans="安国寺")
    second = factories.attraction(village=village, name_zh_hans="古院落")
    route = factories.route(
        village=village, stops=[first, second], distance_km=Decimal("4.5"), duration_minutes=120
    )
    RouteStop.objects.create(
        route=route, position=3, name_zh_hans="观景台", latitude=Decimal("37.53"), longitude=Decimal("111.14")
    )

    response = client.get(route.get_absolute_url())

    text = response.text
    assert text.index("安国寺") < text.index("古院落") < text.index("观景台")
    for fact in ["步行 Walk", "4.5 公里", "2 小时", "轻松 Easy"]:
        assert fact in text
    assert first.get_absolute_url() in text
    assert len(map_data(response)["markers"]) == 3
    assert map_data(response)["lines"][0]["points"][-1] == [37.53, 111.14]


def test_route_page_does_not_link_a_stop_whose_attraction_is_unpublished(client):
    village = factories.village()
    hidden = factories.attraction(village=village, is_published=False)
    route = factories.route(village=village, stops=[hidden])

    response = client.get(route.get_absolute_url())

    assert hidden.name in response.text
    assert hidden.get_absolute_url() not in response.text


def realistic_village():
    """Roughly the richest village of the demo data, with long texts."""
    paragraph = "彩家庄村历史悠久、资源丰富，古老的建筑承载着乡村的往昔岁月。" * 6
    village = factories.village(story_zh_hans="\n\n".join([paragraph] * 4), themes=[factories.theme()])
    for n in range(3):
        Honour.objects.create(village=village, title_zh_hans=f"山西省乡村旅游示范村{n}", year=2021 + n)
    attractions = [factories.attraction(village=village, description_zh_hans=paragraph) for _ in range(8)]
    for _ in range(6):
        homestay = factories.homestay(village=village, description_zh_hans=paragraph)
        for _ in range(3):
            factories.room_type(homestay=homestay)
    for n in range(4):
        factories.route(village=village, stops=attractions[n : n + 4])
    return village


def test_village_page_with_its_css_and_js_weighs_under_150_kb_gzipped(client):
    village = realistic_village()

    response = client.get(village.get_absolute_url())

    page = Page(response.text)
    assets = page.stylesheets + [script["src"] for script in page.scripts if "src" in script]
    assert any(asset.endswith("leaflet.js") for asset in assets)
    total = len(gzip.compress(response.content))
    for asset in assets:
        path = finders.find(asset.removeprefix(settings.STATIC_URL))
        assert path is not None
        with open(path, "rb") as file:
            total += len(gzip.compress(file.read()))
    assert total < 150 * 1024


def test_list_page_has_no_map_script(client):
    factories.village()

    page = Page(client.get("/villages/").text)

    assert not any("leaflet" in script.get("src", "") for script in page.scripts)


PAGES = [
    lambda: factories.village().get_absolute_url(),
    lambda: full_village().get_absolute_url(),
    lambda: factories.attraction().get_absolute_url(),
    lambda: factories.room_type().homestay.get_absolute_url(),
    lambda: factories.route().get_absolute_url(),
    lambda: "/villages/",
    lambda: "/villages/no-such-village/",
]


@pytest.mark.parametrize("page_url", PAGES)
def test_pages_have_one_h1_and_never_skip_a_heading_level(client, page_url):
    headings = Page(client.get(page_url()).text).headings

    assert headings.count(1) == 1
    assert headings[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(headings))


@pytest.mark.parametrize("page_url", PAGES)
def test_pages_have_a_skip_link_to_the_main_content(client, page_url):
    page = Page(client.get(page_url()).text)

    assert page.links[0] == "#main"
    assert "main" in page.ids


@pytest.mark.parametrize("page_url", PAGES)
def test_pages_keep_to_the_content_security_policy(client, page_url):
    page = Page(client.get(page_url()).text)

    assert page.style_attributes == 0
    assert all("src" in script or script.get("type") == "application/json" for script in page.scripts)


@pytest.mark.parametrize("page_url", PAGES)
def test_pages_fit_a_phone_screen(client, page_url):
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in client.get(page_url()).text
    )


def test_homestay_page_carries_the_visitors_dates_to_booking(client):
    """Arriving from the trip planner or a search, the dates and party size go on to the booking page;
    other query parameters do not."""
    room = factories.room_type()

    response = client.get(
        room.homestay.get_absolute_url(),
        {"check_in": "2026-12-19", "check_out": "2026-12-21", "guests": "2", "rooms": "1", "x": "<b>"},
    )

    book = f"/stays/{room.pk}/book/?check_in=2026-12-19&amp;check_out=2026-12-21&amp;guests=2&amp;rooms=1"
    assert book in response.text
    assert "x=" not in response.text.split(f"/stays/{room.pk}/book/")[1].split('"')[0]


def test_homestay_page_without_dates_links_to_booking_plainly(client):
    room = factories.room_type()

    response = client.get(room.homestay.get_absolute_url())

    assert f'href="/stays/{room.pk}/book/"' in response.text
