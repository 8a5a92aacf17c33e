"""Inside WeChat on a 360 px phone: a homestay page sets its share card from its Open Graph tags and
导航 opens WeChat's own map at the GCJ-02 point; elsewhere 导航 lists the map apps.

WeChat's JS-SDK is stood in by a test double served at its real address; the page asks our
``/wechat/jssdk-config`` to sign its address with the ticket from the local fake WeChat server."""

import hashlib
from urllib.parse import parse_qs, urlsplit

from django.core.cache import cache
from playwright.sync_api import expect

from tourism.wechat_share import JSSDK_SCRIPT
from villages.models import Homestay
from villages.navigation import place_navigation

from .helpers import assert_fits_phone, wait_until

JSSDK_DOUBLE = """
window.wxCalls = [];
window.wx = {
  config: function (c) { wxCalls.push(["config", c]); },
  ready: function (fn) { fn(); },
  error: function () {},
  updateAppMessageShareData: function (d) { wxCalls.push(["share", d]); },
  updateTimelineShareData: function (d) { wxCalls.push(["timeline", d]); },
  openLocation: function (d) { wxCalls.push(["openLocation", d]); }
};
"""


def og(page, name: str) -> str:
    return page.locator(f'meta[property="og:{name}"]').get_attribute("content")


def calls(page, kind: str) -> list[dict]:
    return [args for name, args in page.evaluate("window.wxCalls || []") if name == kind]


def test_inside_wechat_the_share_card_and_navigation_use_the_jssdk(phone, fake_wechat, settings, shot):
    page = phone
    page.route(
        JSSDK_SCRIPT,
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=JSSDK_DOUBLE),
    )
    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    page.goto(homestay.get_absolute_url())
    wait_until(page, "(window.wxCalls || []).some(c => c[0] === 'share')")

    (config,) = calls(page, "config")
    ticket = cache.get(f"wechat:jsapi_ticket:{settings.WECHAT_OA_APPID}")
    signed = (
        f"jsapi_ticket={ticket}&noncestr={config['nonceStr']}&timestamp={config['timestamp']}&url={page.url}"
    )
    assert config["signature"] == hashlib.sha1(signed.encode(), usedforsecurity=False).hexdigest()
    (card,) = calls(page, "share")
    assert card == {
        "title": og(page, "title"),
        "desc": og(page, "description"),
        "link": og(page, "url"),
        "imgUrl": og(page, "image"),
    }
    assert card["title"].startswith(homestay.name)
    assert calls(page, "timeline")[0]["imgUrl"] == og(page, "image")

    assert_fits_phone(page)
    page.get_by_text("导航", exact=True).click()
    (where,) = calls(page, "openLocation")
    nav = place_navigation(homestay)
    assert (where["latitude"], where["longitude"]) == nav.gcj
    assert where["name"] == homestay.name and where["address"].startswith("山西省吕梁市离石区")
    expect(page.get_by_role("link", name="高德地图")).to_be_hidden()
    shot(page, "homestay-in-wechat")
    assert page.js_errors == []


def test_without_the_jssdk_navigation_lists_the_map_apps(phone, shot):
    page = phone
    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    page.goto(homestay.get_absolute_url())
    page.get_by_text("导航", exact=True).click()
    amap = page.get_by_role("link", name="高德地图")
    expect(amap).to_be_visible()
    nav = place_navigation(homestay)
    lon, lat, _ = parse_qs(urlsplit(amap.get_attribute("href")).query)["to"][0].split(",")
    assert (float(lat), float(lon)) == nav.gcj
    box = amap.bounding_box()
    assert box is not None and box["height"] >= 44
    expect(page.get_by_role("link", name="百度地图")).to_be_visible()
    expect(page.get_by_role("link", name="腾讯地图")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "navigate-apps")
    assert page.js_errors == []
