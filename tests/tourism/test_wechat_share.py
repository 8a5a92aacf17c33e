"""Share cards: Open Graph tags on public pages, and WeChat's JS-SDK signed for our own pages only,
with the ticket cached (against the local fake WeChat server)."""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from common.clock import local_today
from tests import factories
from tourism.wechat_share import JSSDK_SCRIPT, jssdk_signature
from villages.models import News, Photo
from villages.photos.thumbnails import image_url
from villages.services import news_save

pytestmark = pytest.mark.django_db
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
    "Chrome/130.0 Mobile Safari/537.36 XWEB/1300 MMWEBSDK/20241103 MicroMessenger/8.0.54.2760(0x28003633) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


def og(page: str, name: str) -> str:
    match = re.search(rf'<meta property="og:{name}" content="([^"]*)">', page)
    assert match, name
    return match.group(1)


def test_signature_matches_wechats_documented_example():
    # JS-SDK documentation, 附录1-JS-SDK使用权限签名算法.
    assert (
        jssdk_signature(
            ticket="sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            nonce="Wm3WZYTPz0wzccnW",
            timestamp=1414587457,
            url="http://mp.weixin.qq.com?params=value",
        )
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


def test_a_homestay_page_carries_its_share_card(client):
    homestay = factories.homestay(name_zh_hans="枣香小院", summary_zh_hans="窑洞里的枣木家具")
    page = client.get(homestay.get_absolute_url()).content.decode()
    assert og(page, "title").startswith("枣香小院")
    assert og(page, "description") == "窑洞里的枣木家具"
    assert og(page, "image").startswith("http://testserver/")
    assert og(page, "url") == "http://testserver" + homestay.get_absolute_url()


DEFAULT_IMAGE = "http://testserver" + static("img/share.png")


def plan_url(*attractions) -> str:
    """A two-day plan from a Tuesday (the factories' attractions close on Mondays)."""
    first_day = local_today() + timedelta(days=8)
    first_day += timedelta(days=(1 - first_day.weekday()) % 7)
    query = "&".join(f"attraction={a.pk}" for a in attractions)
    return (
        f"{reverse('planner:plan')}?start=centre&{query}&date={first_day}&days=2&day_start=08:00"
        "&day_end=18:00&mode=car&pace=normal&guests=2&rooms=1"
    )


def _village() -> tuple[str, Photo]:
    village = factories.village()
    factories.attraction(village=village)
    cover = factories.photo(village=village)
    factories.photo(village=village)  # the second photo is not the cover
    return village.get_absolute_url(), cover


def _attraction() -> tuple[str, Photo]:
    attraction = factories.attraction()
    factories.photo(village=attraction.village)  # the village's cover is not the attraction's
    return attraction.get_absolute_url(), factories.photo(attraction=attraction)


def _homestay() -> tuple[str, Photo]:
    homestay = factories.homestay()
    return homestay.get_absolute_url(), factories.photo(homestay=homestay)


def _route() -> tuple[str, Photo]:
    route = factories.route()
    first = route.stops.order_by("position").first()
    assert first is not None
    factories.photo(attraction=first.attraction)  # the village's cover wins over the stop's
    return route.get_absolute_url(), factories.photo(village=route.village)


def _route_without_a_village_photo() -> tuple[str, Photo]:
    """No village cover: its first stop's cover (the first stop has none here, the second has)."""
    route = factories.route()
    second = route.stops.order_by("position")[1].attraction
    return route.get_absolute_url(), factories.photo(attraction=second)


def _plan() -> tuple[str, Photo]:
    attraction = factories.attraction(name_zh_hans="安国寺")
    return plan_url(attraction), factories.photo(attraction=attraction)


@pytest.mark.parametrize(
    "subject", [_village, _attraction, _homestay, _route, _route_without_a_village_photo, _plan]
)
def test_each_shared_page_shows_its_own_cover_on_the_card(client, subject: Callable[[], tuple[str, Photo]]):
    url, cover = subject()

    page = client.get(url).content.decode()

    assert og(page, "image") == "http://testserver" + image_url(cover.image, "share")
    assert og(page, "image").endswith(".jpg") and "/thumbs/" in og(page, "image")  # 300 px, not the upload
    assert og(page, "url") == "http://testserver" + url.replace("&", "&amp;")


@pytest.mark.parametrize(
    "make_url",
    [
        lambda: factories.village().get_absolute_url(),
        lambda: factories.route().get_absolute_url(),
        lambda: plan_url(factories.attraction()),
    ],
    ids=["village", "route", "plan"],
)
def test_a_page_without_any_photo_shares_the_site_picture(client, make_url):
    page = client.get(make_url()).content.decode()
    assert og(page, "image") == DEFAULT_IMAGE


def test_a_plan_card_says_its_days_and_stops(client):
    village = factories.village()
    temple = factories.attraction(village=village, name_zh_hans="安国寺")
    museum = factories.attraction(village=village, name_zh_hans="葫芦博物馆")

    page = client.get(plan_url(temple, museum)).content.decode()

    title, description = og(page, "title"), og(page, "description")
    assert title.startswith("2 天 2 处")
    assert re.match(r"第[12]天：", description), description
    assert "安国寺" in description and "葫芦博物馆" in description
    assert "规划离石区" not in description  # not the planner's general description
    assert not description.endswith("；")


def test_an_empty_planner_keeps_the_general_card(client):
    page = client.get(reverse("planner:plan")).content.decode()
    assert og(page, "image") == DEFAULT_IMAGE
    assert og(page, "description")


def _public_pages() -> list[str]:
    from tests.shop import factories as shop_factories

    village = factories.village()
    attraction = factories.attraction(village=village)
    homestay = factories.room_type(homestay=factories.homestay(village=village)).homestay
    route = factories.route(village=village)
    news = News(village=village, title_zh_hans="葫芦文化节开幕", status=News.Status.PUBLISHED)
    news.published_at = timezone.now() - timedelta(hours=1)
    news.cover.save("cover.jpg", ContentFile(factories.image_bytes()), save=False)
    news = news_save(news=news)
    shop_factories.product()
    return [
        "/",
        reverse("villages:village_list"),
        village.get_absolute_url(),
        attraction.get_absolute_url(),
        homestay.get_absolute_url(),
        route.get_absolute_url(),
        reverse("planner:plan"),
        plan_url(attraction),
        reverse("shop:product_list"),
        reverse("events:list"),
        reverse("villages:news_list", kwargs={"slug": village.slug}),
        news.get_absolute_url(),
    ]


def test_every_public_page_has_a_complete_share_card(client):
    for url in _public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for name in ("title", "description", "image"):
            assert og(page, name).strip(), (url, name)
        assert og(page, "image").startswith("http://testserver/"), url
        assert og(page, "url") == "http://testserver" + url.replace("&", "&amp;"), url


def test_the_jssdk_is_loaded_only_inside_wechat_and_only_with_the_official_account(
    client, fake_wechat, settings
):
    url = reverse("home")
    assert JSSDK_SCRIPT in client.get(url, HTTP_USER_AGENT=WECHAT_UA).content.decode()
    assert JSSDK_SCRIPT not in client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari").content.decode()
    settings.WECHAT_OA_APPID = ""
    assert JSSDK_SCRIPT not in client.get(url, HTTP_USER_AGENT=WECHAT_UA).content.decode()


def test_config_signs_our_page_with_the_cached_ticket(client, fake_wechat, settings):
    page = "http://testserver/villages/caijiazhuang/?from=timeline"
    answers = [client.get(reverse("wechat_jssdk_config"), {"url": page + "#top"}).json() for _ in range(2)]
    tickets = [r for r in fake_wechat.requests if r[1] == "/cgi-bin/ticket/getticket"]
    assert len(tickets) == 1
    from django.core.cache import cache

    ticket = cache.get(f"wechat:jsapi_ticket:{settings.WECHAT_OA_APPID}")
    for config in answers:
        assert config["appId"] == settings.WECHAT_OA_APPID
        text = (
            f"jsapi_ticket={ticket}&noncestr={config['nonceStr']}&timestamp={config['timestamp']}&url={page}"
        )
        assert config["signature"] == hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
        assert "updateAppMessageShareData" in config["jsApiList"] and "openLocation" in config["jsApiList"]


@pytest.mark.parametrize("url", ["https://evil.example/page", "javascript:alert(1)", "", "//testserver/x"])
def test_config_refuses_to_sign_other_sites(client, fake_wechat, url):
    response = client.get(reverse("wechat_jssdk_config"), {"url": url})
    assert response.status_code == 400
    assert "本站" in response.json()["detail"]
    assert fake_wechat.requests == []


def test_config_without_the_official_account_is_404(client, settings):
    settings.WECHAT_OA_APPID = ""
    response = client.get(reverse("wechat_jssdk_config"), {"url": "http://testserver/"})
    assert response.status_code == 404


def test_wechat_unreachable_is_a_clear_503(client, fake_wechat):
    fake_wechat.fail("/cgi-bin/ticket/getticket", -1)
    response = client.get(reverse("wechat_jssdk_config"), {"url": "http://testserver/"})
    assert response.status_code == 503
    assert "微信" in response.json()["detail"]
