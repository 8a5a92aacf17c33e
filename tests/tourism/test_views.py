import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests import factories
from tourism.views import server_error


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', html)


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match is not None
    return match.group(1)


@pytest.mark.django_db
def test_home_links_each_published_village_with_its_themes_and_summary(client):
    camping = factories.theme(name_zh_hans="森林露营")
    village = factories.village(
        name_zh_hans="归化村", summary_zh_hans="省3A级乡村旅游示范村", themes=[camping]
    )

    response = client.get("/")

    assert response.status_code == 200
    for text in ["离石区", "归化村", "省3A级乡村旅游示范村", "森林露营"]:
        assert text in response.text
    assert village.get_absolute_url() in hrefs(response.text)


@pytest.mark.django_db
def test_home_leaves_out_unpublished_villages(client):
    factories.village(name_zh_hans="草稿村", is_published=False)

    assert "草稿村" not in client.get("/").text


@pytest.mark.django_db
def test_home_map_has_a_marker_for_each_published_village(client):
    village = factories.village()
    factories.village(is_published=False)

    response = client.get("/")

    match = re.search(r'id="map-data" type="application/json">(.*?)</script>', response.text)
    assert match is not None
    data = json.loads(match.group(1))
    assert [marker["url"] for marker in data["markers"]] == [village.get_absolute_url()]
    assert "北纬 37.52000°，东经 111.13000°" in response.text
    assert "js_lib_leaflet/leaflet.js" in response.text


@pytest.mark.django_db
def test_home_costs_the_same_queries_for_ten_times_the_villages(client):
    factories.village(themes=[factories.theme()])
    with CaptureQueriesContext(connection) as one_village:
        client.get("/")
    for _ in range(9):
        factories.village(themes=[factories.theme(), factories.theme()])

    with CaptureQueriesContext(connection) as ten_villages:
        response = client.get("/")

    assert response.text.count('<article class="card') == 10
    assert len(ten_villages) == len(one_village)


@pytest.mark.django_db
def test_english_home_shows_english_village_names(client):
    factories.village(name_zh_hans="严村", name_en="Yan Village")

    response = client.get("/en/")

    assert html_lang(response.text) == "en"
    assert "Yan Village" in response.text
    assert "/en/villages/" in hrefs(response.text)


@pytest.mark.django_db
def test_every_page_has_the_site_name_nav_language_switch_and_demo_note(client):
    response = client.get("/")

    links = hrefs(response.text)
    assert "离石乡村旅游" in response.text
    assert {"/", "/villages/", "/en/"} <= set(links)
    assert "部分内容为演示数据" in response.text
    assert "OpenStreetMap" in response.text


@pytest.mark.django_db
def test_unknown_address_is_a_helpful_404_in_chinese(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert html_lang(response.text) == "zh-Hans"
    assert "找不到这个页面" in response.text
    assert {"/", "/villages/"} <= set(hrefs(response.text))


@pytest.mark.django_db
def test_unknown_english_address_is_a_404_that_stays_in_english(client):
    response = client.get("/en/no/such/page/")

    assert response.status_code == 404
    assert html_lang(response.text) == "en"
    assert {"/en/", "/en/villages/"} <= set(hrefs(response.text))


@pytest.mark.django_db
def test_language_switch_on_an_address_that_does_not_exist_goes_to_the_other_home_page(client):
    links = hrefs(client.get("/no/such/page/").text)

    assert "/en/" in links
    assert "/en/no/such/page/" not in links


def test_server_error_page_renders_without_the_database():
    # No django_db mark: any query here would fail the test.
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错了" in html
    assert 'href="/"' in html
    assert html_lang(html) == "zh-Hans"


def test_server_error_page_in_english_links_to_the_english_home_page():
    with translation.override("en"):
        html = server_error(RequestFactory().get("/en/")).content.decode()

    assert html_lang(html) == "en"
    assert 'href="/en/"' in html


def site_css() -> str:
    path = finders.find("css/site.css")
    assert path is not None
    with open(path, encoding="utf-8") as file:
        return re.sub(r"/\*.*?\*/", "", file.read(), flags=re.S)


def css_rule(css: str, selector: str) -> str:
    """The declarations of the first rule whose selector list contains ``selector``."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in [part.strip() for part in selectors.split(",")]:
            return body
    raise AssertionError(f"no CSS rule for {selector}")


def test_stylesheet_is_mobile_first():
    css = site_css()

    assert "@media (min-width" in css
    assert "max-width:" not in "".join(re.findall(r"@media[^{]*", css))


@pytest.mark.parametrize(
    "selector", [".site-header a", ".chip", ".button", ".breadcrumbs a", ".link-list a", ".hours summary"]
)
def test_tap_targets_are_at_least_44_pixels_tall(selector):
    css = site_css()

    assert "--tap: 44px;" in css
    assert "min-height: var(--tap);" in css_rule(css, selector)


def test_keyboard_focus_is_visible():
    assert "outline: var(--focus)" in css_rule(site_css(), ":focus-visible")


def test_map_is_hidden_until_the_script_has_drawn_it():
    css = site_css()

    assert "display: none;" in css_rule(css, ".map")
    assert "display: block;" in css_rule(css, ".map.map--ready")


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
