import json
import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.clock import local_today
from tests import factories as f
from tests.translated import translated
from villages.api.fields import money
from villages.models import Attraction, Homestay, Honour, OpeningException, Route, RouteStop

pytestmark = pytest.mark.django_db


def get_json(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, response.content
    return response.json()


def item_ids(body, key="id"):
    return [item[key] for item in body["items"]]


# Themes


def test_themes_list_every_theme_in_both_languages(client):
    f.theme(slug="forest-camping", name_zh_hans="森林露营", name_en="Forest camping", order=2)
    f.theme(slug="ancient-villages", name_zh_hans="传统古村落", name_en="Traditional villages", order=1)

    body = get_json(client, "/api/themes")

    assert body["count"] == 2
    assert body["items"] == [
        {"slug": "ancient-villages", "name": {"zh": "传统古村落", "en": "Traditional villages"}},
        {"slug": "forest-camping", "name": {"zh": "森林露营", "en": "Forest camping"}},
    ]


# Villages


def test_village_list_hides_unpublished_villages(client):
    f.village(slug="guihua")
    f.village(slug="hidden", is_published=False)

    body = get_json(client, "/api/villages")

    assert item_ids(body, "slug") == ["guihua"]
    assert body["count"] == 1


def test_village_list_filters_by_theme(client):
    camping = f.theme(slug="forest-camping")
    f.village(slug="dadonggou", themes=[camping])
    f.village(slug="yancun", themes=[f.theme()])

    body = get_json(client, "/api/villages", theme="forest-camping")

    assert item_ids(body, "slug") == ["dadonggou"]


def test_village_list_with_an_unknown_theme_is_empty(client):
    f.village()

    body = get_json(client, "/api/villages", theme="no-such-theme")

    assert body == {"items": [], "count": 0}


def test_village_list_rejects_a_theme_that_is_not_a_slug(client):
    body = get_json(client, "/api/villages", status=422, theme="森林 露营")

    assert body["detail"][0]["loc"] == ["query", "theme"]


def test_village_list_counts_only_published_attractions_and_homestays(client):
    village = f.village()
    f.attraction(village=village)
    f.attraction(village=village, is_published=False)
    f.homestay(village=village, is_published=False)

    item = get_json(client, "/api/villages")["items"][0]

    assert (item["attraction_count"], item["homestay_count"]) == (1, 0)


def test_village_gives_coordinates_as_numbers_and_its_chinese_page(client):
    f.village(slug="caijiazhuang", latitude=Decimal("37.512345"), longitude=Decimal("111.098765"))

    item = get_json(client, "/api/villages")["items"][0]

    assert (item["lat"], item["lng"]) == (37.512345, 111.098765)
    assert item["url"] == "/villages/caijiazhuang/"
    assert item["is_demo"] is True


def test_village_page_address_stays_chinese_for_an_english_client(client):
    f.village(slug="yancun")

    response = client.get("/api/villages", headers={"accept-language": "en"})

    assert response.json()["items"][0]["url"] == "/villages/yancun/"


def test_text_falls_back_to_chinese_when_there_is_no_english(client):
    f.village(name_zh_hans="归化村", name_en="", summary_en=None)

    item = get_json(client, "/api/villages")["items"][0]

    assert item["name"] == {"zh": "归化村", "en": "归化村"}
    assert item["summary"] == {"zh": "一个测试村庄", "en": "一个测试村庄"}


def test_text_is_bilingual_whatever_the_client_language(client):
    f.village(name_zh_hans="严村", name_en="Yan Village")

    response = client.get("/api/villages", headers={"accept-language": "en"})

    assert response.json()["items"][0]["name"] == {"zh": "严村", "en": "Yan Village"}


def test_village_detail_has_honours_themes_and_published_content(client):
    gourd = f.theme(slug="gourd-culture")
    village = f.village(slug="yancun", themes=[gourd], story_zh_hans="葫芦之乡", story_en="Home of gourds")
    Honour.objects.create(
        village=village, title_zh_hans="中国葫芦名人堂", title_en="Gourd Hall of Fame", year=2019
    )
    attraction = f.attraction(village=village)
    f.attraction(village=village, is_published=False)
    homestay = f.homestay(village=village)
    f.room_type(homestay=homestay, base_price=Decimal("168.00"))
    route = f.route(village=village, stops=[attraction])

    body = get_json(client, "/api/villages/yancun")

    assert body["story"] == {"zh": "葫芦之乡", "en": "Home of gourds"}
    assert body["honours"] == [{"title": {"zh": "中国葫芦名人堂", "en": "Gourd Hall of Fame"}, "year": 2019}]
    assert [theme["slug"] for theme in body["themes"]] == ["gourd-culture"]
    assert [item["id"] for item in body["attractions"]] == [attraction.id]
    assert [(item["id"], item["price_from"]) for item in body["homestays"]] == [(homestay.id, "168.00")]
    assert [item["id"] for item in body["routes"]] == [route.id]
    assert (body["attraction_count"], body["homestay_count"]) == (1, 1)


def test_unknown_village_is_a_bilingual_404(client):
    body = get_json(client, "/api/villages/atlantis", status=404)

    assert body == {"detail": "找不到这个村庄 / Village not found"}


def test_unpublished_village_is_404(client):
    f.village(slug="draft", is_published=False)

    get_json(client, "/api/villages/draft", status=404)


# Attractions


def test_attraction_list_hides_unpublished_attractions_and_those_of_unpublished_villages(client):
    shown = f.attraction()
    f.attraction(is_published=False)
    f.attraction(village=f.village(is_published=False))

    assert item_ids(get_json(client, "/api/attractions")) == [shown.id]


def test_attraction_list_filters_by_village_and_kind(client):
    village = f.village(slug="dujiashan")
    temple = f.attraction(village=village, kind=Attraction.Kind.TEMPLE)
    f.attraction(village=village, kind=Attraction.Kind.SCENIC)
    f.attraction(kind=Attraction.Kind.TEMPLE)

    body = get_json(client, "/api/attractions", village="dujiashan", kind="temple")

    assert item_ids(body) == [temple.id]


def test_attraction_list_rejects_an_unknown_kind(client):
    body = get_json(client, "/api/attractions", status=422, kind="castle")

    assert body["detail"][0]["loc"] == ["query", "kind"]


def test_attraction_list_with_an_unknown_village_is_empty(client):
    f.attraction()

    assert get_json(client, "/api/attractions", village="atlantis")["items"] == []


def test_money_is_a_plain_string_with_two_places_rounded_half_up():
    amounts = [Decimal("268"), Decimal("0.125"), Decimal("12880.5"), Decimal("-2.345")]
    assert [money(amount) for amount in amounts] == ["268.00", "0.13", "12880.50", "-2.35"]
    assert money(None) is None


def test_attraction_shows_kind_heritage_and_ticket_price_as_codes_labels_and_money(client):
    attraction = f.attraction(
        kind=Attraction.Kind.TEMPLE,
        heritage_level=Attraction.HeritageLevel.NATIONAL,
        ticket_price=Decimal("30"),
    )

    item = get_json(client, "/api/attractions")["items"][0]

    assert item["kind"] == "temple"
    assert item["kind_label"] == {"zh": "寺庙", "en": "Temple"}
    assert item["heritage_level"] == "national"
    assert item["heritage_level_label"] == {"zh": "全国重点文物保护单位", "en": "National key cultural relic"}
    assert (item["ticket_price"], item["currency"]) == ("30.00", "CNY")
    assert item["url"] == f"/villages/{attraction.village.slug}/attractions/{attraction.slug}/"


def test_attraction_without_heritage_level_has_null_level(client):
    f.attraction()

    item = get_json(client, "/api/attractions")["items"][0]

    assert (item["heritage_level"], item["heritage_level_label"]) == (None, None)


def test_attraction_detail_gives_opening_hours_for_the_coming_seven_days(client):
    attraction = f.attraction(description_zh_hans="千年古寺", description_en="A thousand-year-old temple")
    today = local_today()
    festival, closed = today + timedelta(days=1), today + timedelta(days=2)
    OpeningException.objects.create(
        attraction=attraction,
        date=festival,
        opens=time(8),
        closes=time(20),
        note_zh_hans="庙会",
        note_en="Temple fair",
    )
    OpeningException.objects.create(attraction=attraction, date=closed, note_zh_hans="维修闭馆")

    body = get_json(client, f"/api/attractions/{attraction.id}")
    hours = {day["date"]: day for day in body["opening_hours"]}

    assert body["description"] == {"zh": "千年古寺", "en": "A thousand-year-old temple"}
    assert list(hours) == [(today + timedelta(days=n)).isoformat() for n in range(7)]
    assert hours[festival.isoformat()] == {
        "date": festival.isoformat(),
        "is_open": True,
        "opens": "08:00:00",
        "closes": "20:00:00",
        "note": {"zh": "庙会", "en": "Temple fair"},
    }
    assert hours[closed.isoformat()]["is_open"] is False
    assert hours[closed.isoformat()]["note"] == {"zh": "维修闭馆", "en": "维修闭馆"}


def test_attraction_detail_shows_the_weekly_closed_day_as_closed(client):
    attraction = f.attraction()  # the factory opens Tuesday to Sunday
    today = local_today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7)

    hours = {
        day["date"]: day for day in get_json(client, f"/api/attractions/{attraction.id}")["opening_hours"]
    }

    assert hours[monday.isoformat()] == {
        "date": monday.isoformat(),
        "is_open": False,
        "opens": None,
        "closes": None,
        "note": {"zh": "", "en": ""},
    }


def test_unpublished_attraction_is_404(client):
    attraction = f.attraction(is_published=False)

    body = get_json(client, f"/api/attractions/{attraction.id}", status=404)

    assert body == {"detail": "找不到这个景点 / Attraction not found"}


def test_attraction_in_an_unpublished_village_is_404(client):
    attraction = f.attraction(village=f.village(is_published=False))

    get_json(client, f"/api/attractions/{attraction.id}", status=404)


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "1.5", str(2**63)])
def test_attraction_id_that_is_not_a_positive_64_bit_integer_is_422(client, bad_id):
    get_json(client, f"/api/attractions/{bad_id}", status=422)


def test_unknown_attraction_id_is_404_even_at_the_largest_id(client):
    get_json(client, f"/api/attractions/{2**63 - 1}", status=404)


# Homestays


def test_homestay_list_filters_by_village_and_hides_unpublished(client):
    village = f.village(slug="caijiazhuang")
    shown = f.homestay(village=village)
    f.homestay(village=village, is_published=False)
    f.homestay()

    assert item_ids(get_json(client, "/api/homestays", village="caijiazhuang")) == [shown.id]


def test_homestay_price_from_is_the_lowest_bookable_base_price(client):
    homestay = f.homestay()
    f.room_type(homestay=homestay, base_price=Decimal("268.00"))
    f.room_type(homestay=homestay, base_price=Decimal("198.00"))
    f.room_type(homestay=homestay, base_price=Decimal("98.00"), is_active=False)

    item = get_json(client, "/api/homestays")["items"][0]

    assert (item["price_from"], item["currency"]) == ("198.00", "CNY")


def test_homestay_without_rooms_has_no_price_or_capacity(client):
    f.homestay()

    item = get_json(client, "/api/homestays")["items"][0]

    assert (item["price_from"], item["max_capacity"], item["photo"]) == (None, None, None)


def test_homestay_detail_lists_bookable_room_types_with_decimal_prices(client):
    homestay = f.homestay(amenities=["wifi", "heating", {"bad": "entry"}])
    room = f.room_type(
        homestay=homestay,
        name_zh_hans="窑洞大床房",
        name_en="Cave room, double bed",
        beds_zh_hans="1.8米大床",
        capacity=2,
        room_count=3,
        base_price=Decimal("198.00"),
        weekend_price=Decimal("238.50"),
    )
    f.room_type(homestay=homestay, is_active=False)

    body = get_json(client, f"/api/homestays/{homestay.id}")

    assert body["amenities"] == ["wifi", "heating"]
    assert body["cancellation_policy"] == "moderate"
    assert body["cancellation_policy_label"]["en"] == "Moderate: full refund up to 5 days before"
    assert body["room_types"] == [
        {
            "id": room.id,
            "name": {"zh": "窑洞大床房", "en": "Cave room, double bed"},
            "description": {"zh": "", "en": ""},
            "beds": {"zh": "1.8米大床", "en": "1.8米大床"},
            "capacity": 2,
            "room_count": 3,
            "base_price": "198.00",
            "weekend_price": "238.50",
            "holiday_price": None,
            "currency": "CNY",
            "min_nights": 1,
            "max_nights": 30,
            "is_demo": True,
        }
    ]


def test_homestay_photo_has_its_address_and_description(client):
    homestay = f.homestay()
    f.photo(homestay=homestay, alt_zh_hans="四合院", alt_en="Courtyard")
    f.photo(homestay=homestay, alt_zh_hans="第二张", alt_en="Second")
    cover = homestay.photos.first()
    assert cover is not None

    body = get_json(client, f"/api/homestays/{homestay.id}")

    assert body["photo"] == {"url": cover.image.url, "alt": {"zh": "四合院", "en": "Courtyard"}}


def test_unpublished_homestay_is_404(client):
    homestay = f.homestay(is_published=False)

    body = get_json(client, f"/api/homestays/{homestay.id}", status=404)

    assert body == {"detail": "找不到这家民宿 / Homestay not found"}


# Routes


def test_route_list_filters_by_village_and_mode(client):
    village = f.village(slug="guihua")
    cycle = f.route(village=village, mode=Route.Mode.CYCLE)
    f.route(village=village, mode=Route.Mode.WALK)
    f.route(mode=Route.Mode.CYCLE)

    body = get_json(client, "/api/routes", village="guihua", mode="cycle")

    assert item_ids(body) == [cycle.id]
    assert body["items"][0]["mode_label"] == {"zh": "骑行", "en": "Cycle"}


def test_route_list_rejects_an_unknown_mode(client):
    get_json(client, "/api/routes", status=422, mode="fly")


def test_route_list_hides_unpublished_routes(client):
    f.route(is_published=False)

    assert get_json(client, "/api/routes")["count"] == 0


def test_route_detail_gives_ordered_stops_with_coordinates_and_the_line_through_them(client):
    village = f.village()
    temple = f.attraction(village=village, latitude=Decimal("37.5"), longitude=Decimal("111.1"))
    route = f.route(village=village, stops=[temple], distance_km=Decimal("4.5"))
    RouteStop.objects.create(
        route=route,
        position=2,
        name_zh_hans="观景台",
        name_en="Viewpoint",
        latitude=Decimal("37.6"),
        longitude=Decimal("111.2"),
    )

    body = get_json(client, f"/api/routes/{route.id}")

    assert body["distance_km"] == 4.5
    assert [(stop["position"], stop["name"]["en"], stop["lat"], stop["lng"]) for stop in body["stops"]] == [
        (1, translated(temple, "name", "en"), 37.5, 111.1),
        (2, "Viewpoint", 37.6, 111.2),
    ]
    assert body["stops"][0]["attraction"] == {"id": temple.id, "url": temple.get_absolute_url()}
    assert body["stops"][1]["attraction"] is None
    assert body["path"] == [{"lat": 37.5, "lng": 111.1}, {"lat": 37.6, "lng": 111.2}]


def test_route_detail_uses_the_recorded_track_when_there_is_one(client):
    route = f.route(path=[[37.51, 111.11], [37.52, 111.12], [37.53, 111.13]])

    body = get_json(client, f"/api/routes/{route.id}")

    assert body["path"] == [
        {"lat": 37.51, "lng": 111.11},
        {"lat": 37.52, "lng": 111.12},
        {"lat": 37.53, "lng": 111.13},
    ]


def test_route_detail_ignores_a_malformed_track_and_joins_the_stops(client):
    village = f.village()
    route = f.route(village=village, stops=[f.attraction(village=village)], path=[["north", 1], [1], "x"])

    body = get_json(client, f"/api/routes/{route.id}")

    assert body["path"] == [{"lat": 37.521, "lng": 111.131}]


def test_route_stop_does_not_link_to_an_unpublished_attraction(client):
    village = f.village()
    route = f.route(village=village, stops=[f.attraction(village=village, is_published=False)])

    stop = get_json(client, f"/api/routes/{route.id}")["stops"][0]

    assert stop["attraction"] is None
    assert (stop["lat"], stop["lng"]) == (37.521, 111.131)


def test_unpublished_route_is_404(client):
    route = f.route(is_published=False)

    body = get_json(client, f"/api/routes/{route.id}", status=404)

    assert body == {"detail": "找不到这条线路 / Route not found"}


# Pagination


def test_lists_are_paginated_with_limit_and_offset(client):
    villages = [f.village(order=n) for n in range(5)]

    body = get_json(client, "/api/villages", limit=2, offset=1)

    assert body["count"] == 5
    assert item_ids(body, "slug") == [villages[1].slug, villages[2].slug]


def test_lists_return_twenty_items_by_default(client):
    for _ in range(21):
        f.theme()

    body = get_json(client, "/api/themes")

    assert (len(body["items"]), body["count"]) == (20, 21)


def test_offset_past_the_end_gives_an_empty_page(client):
    f.theme()

    assert get_json(client, "/api/themes", offset=50) == {"items": [], "count": 1}


@pytest.mark.parametrize(
    "params",
    [{"limit": -1}, {"limit": 0}, {"limit": 101}, {"limit": "abc"}, {"offset": -1}, {"offset": 10**30}],
)
def test_pagination_out_of_range_is_422(client, params):
    body = get_json(client, "/api/attractions", status=422, **params)

    assert body["detail"][0]["loc"] == ["query", next(iter(params))]


# Query counts


def _catalogue(scale):
    """A village with `scale` of everything; returns the paths of its detail pages."""
    theme = f.theme()
    village = f.village(themes=[theme, f.theme()])
    for n in range(scale):
        f.village(themes=[theme])
        Honour.objects.create(village=village, title_zh_hans=f"荣誉{n}")
    attractions = [f.attraction(village=village) for _ in range(scale)]
    OpeningException.objects.bulk_create(
        OpeningException(attraction=attraction, date=local_today(), note_zh_hans="节日")
        for attraction in attractions
    )
    homestays = [f.homestay(village=village) for _ in range(scale)]
    for homestay in homestays:
        f.room_type(homestay=homestay)
    for _ in range(scale - 1):
        f.room_type(homestay=homestays[0])
    routes = [f.route(village=village, stops=attractions) for _ in range(scale)]
    return [
        f"/api/villages/{village.slug}",
        f"/api/attractions/{attractions[0].id}",
        f"/api/homestays/{homestays[0].id}",
        f"/api/routes/{routes[0].id}",
    ]


LIST_PATHS = ["/api/themes", "/api/villages", "/api/attractions", "/api/homestays", "/api/routes"]


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"limit": 100} if path in LIST_PATHS else {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("index", range(4))
def test_detail_pages_make_the_same_number_of_queries_for_ten_times_the_content(client, index):
    small = _queries(client, _catalogue(1)[index])
    large = _queries(client, _catalogue(10)[index])

    assert small == large


@pytest.mark.parametrize("path", LIST_PATHS)
def test_lists_make_the_same_number_of_queries_for_ten_times_the_content(client, path):
    _catalogue(1)
    small = _queries(client, path)
    _catalogue(9)
    large = _queries(client, path)

    assert small == large


# Choices


@pytest.mark.parametrize(
    "choices",
    [Attraction.Kind, Attraction.HeritageLevel, Homestay.CancellationPolicy, Route.Mode, Route.Difficulty],
)
def test_every_choice_label_splits_into_chinese_and_english(choices):
    from villages.api.fields import choice_label

    for code in choices.values:
        label = choice_label(choices, code)
        assert label is not None
        assert re.search(r"[\u4e00-\u9fff]", label["zh"]), label
        assert not re.search(r"[A-Za-z]", label["zh"]), label
        assert re.fullmatch(r"[A-Z][\x20-\x7e]*", label["en"]), label


# OpenAPI and docs


def test_openapi_document_lists_every_catalogue_endpoint(client):
    response = client.get("/api/openapi.json")

    document = json.loads(response.content)
    assert response.status_code == 200
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= {
        "/api/themes",
        "/api/villages",
        "/api/villages/{slug}",
        "/api/attractions",
        "/api/attractions/{id}",
        "/api/homestays",
        "/api/homestays/{id}",
        "/api/routes",
        "/api/routes/{id}",
    }


def test_openapi_document_describes_the_translation_fallback(client):
    document = client.get("/api/openapi.json").json()

    assert "falls back to the Chinese text" in document["components"]["schemas"]["Text"]["description"]


def test_api_docs_page_loads_only_assets_served_by_this_site(client):
    response = client.get("/api/docs")

    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert response.status_code == 200
    assert assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    executable_scripts = re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html)
    assert executable_scripts == []


def test_api_docs_page_does_not_call_the_external_spec_validator(client):
    html = client.get("/api/docs").content.decode()

    assert '"validatorUrl": null' in html


@pytest.mark.django_db
def test_village_detail_refuses_a_slug_with_a_nul_character_instead_of_failing(client):
    assert client.get("/api/villages/%00").status_code == 422
