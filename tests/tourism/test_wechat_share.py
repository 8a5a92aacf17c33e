"""Share cards: Open Graph tags on public pages, and WeChat's JS-SDK signed for our own pages only,
with the ticket cached (against the local fake WeChat server)."""

import hashlib
import re

import pytest
from django.urls import reverse

from tests import factories
from tourism.wechat_share import JSSDK_SCRIPT, jssdk_signature

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
