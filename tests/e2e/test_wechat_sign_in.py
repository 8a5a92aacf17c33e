"""WeChat sign-in on a 360 px phone inside WeChat's browser: a tourist taps "微信一键登录", WeChat's
authorisation (a local fake that redirects back with a code) signs them in without any QR code, and
before booking they add a phone number by SMS code. On a computer the same page offers the QR code."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from common.clock import local_today
from common.models import UserPhone, WeChatIdentity
from common.wechat_ids import openid_for
from notifications.sms import console
from tests.tourism.fake_wechat_oauth import authorization_server, openid, wechat_sign_in_configured
from villages.models import RoomType

from .helpers import assert_fits_phone


@pytest.fixture
def oauth(settings, fake_wechat):
    oauth = wechat_sign_in_configured(settings, fake_wechat)
    with authorization_server(oauth) as url:
        settings.WECHAT_OPEN_BASE = url
        yield oauth


def through_fake_wechat(page, oauth) -> None:
    """Let the browser reach the fake authorisation server (every other outside address is refused)."""
    page.context.route(re.compile(rf"^{re.escape(oauth.url)}/"), lambda route: route.continue_())


def test_tourist_inside_wechat_signs_in_without_a_qr_code_and_adds_a_phone_to_book(
    phone, oauth, settings, shot
):
    page = phone
    through_fake_wechat(page, oauth)
    console.outbox.clear()
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    first_night = local_today() + timedelta(days=10)
    stay = f"check_in={first_night}&check_out={first_night + timedelta(days=1)}&guests=2&rooms=1"
    page.goto(f"/stays/{room.pk}/book/?{stay}")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    one_tap = page.get_by_role("link", name="微信一键登录")
    expect(one_tap).to_be_visible()
    expect(page.get_by_text("扫码")).to_have_count(0)
    assert_fits_phone(page)
    shot(page, "sign-in-inside-wechat")
    one_tap.click()

    # Someone new: snsapi_base, then WeChat asks once (snsapi_userinfo); never the QR page.
    expect(page).to_have_url(re.compile(r"/accounts/phone/change/"))
    assert [path for path, _query in oauth.visits] == ["/connect/oauth2/authorize"] * 2
    assert [query["scope"] for _path, query in oauth.visits] == ["snsapi_base", "snsapi_userinfo"]
    identity = WeChatIdentity.objects.get()
    assert openid_for(identity.user, settings.WECHAT_OA_APPID) == openid(
        settings.WECHAT_OA_APPID, oauth.signed_in
    )
    expect(page.get_by_text("预订前请先绑定并验证手机号")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "asked-for-a-phone")

    page.locator("#id_phone").fill("137 1234 5678")
    page.locator("#id_phone").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/phone/verify/"))
    page.locator("#id_code").fill(console.outbox[-1].params["code"])
    page.get_by_role("button", name="确认").click()
    expect(page.locator("#id_code")).to_have_count(0)
    assert UserPhone.objects.get(user=identity.user).verified

    page.get_by_role("link", name="继续预订").click()
    expect(page.get_by_label("联系人姓名")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "book")
    assert page.js_errors == []


def test_on_a_computer_the_sign_in_page_offers_the_qr_code(laptop, oauth):
    page = laptop
    page.goto("/accounts/login/")
    expect(page.get_by_role("link", name="微信扫码登录")).to_be_visible()
    expect(page.get_by_text("微信一键登录")).to_have_count(0)


def test_a_phone_user_who_tapped_wechat_first_is_told_how_to_join_up_and_links_wechat(phone, oauth, shot):
    """Someone with a phone account taps 微信一键登录 and gets a second, WeChat-only account. Adding their
    number to it is refused with the way out: sign out, sign in by SMS code, link WeChat; the WeChat
    then moves to the phone account and the empty one is switched off."""
    page = phone
    through_fake_wechat(page, oauth)
    console.outbox.clear()
    ann = get_user_model().objects.create_user("ann-e2e", email="")
    UserPhone.objects.create(user=ann, number="+8613812345678", verified=True)

    page.goto("/accounts/login/")
    page.get_by_role("link", name="微信一键登录").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/(#.*)?$"))  # back home, signed in
    wechat_only = WeChatIdentity.objects.get().user
    page.goto("/accounts/phone/change/")
    page.locator("#id_phone").fill("138 1234 5678")
    page.locator("#id_phone").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/phone/verify/"))
    page.locator("#id_code").fill(console.outbox[-1].params["code"])
    page.get_by_role("button", name="确认").click()

    expect(page.get_by_role("heading", name="这个手机号已属于另一个账户")).to_be_visible()
    expect(page.get_by_text("「微信绑定」页绑定微信")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "number-is-another-accounts")
    page.get_by_role("button", name="退出，用手机号登录").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))
    page.locator("#id_phone").fill("138 1234 5678")
    page.get_by_role("button", name="请求码").click()
    page.locator("#id_code").fill(console.outbox[-1].params["code"])
    page.get_by_role("button", name="确认").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/"))

    page.goto("/accounts/wechat/")
    assert_fits_phone(page)
    shot(page, "link-wechat")
    page.get_by_role("link", name="绑定微信").click()
    expect(page.get_by_text("已绑定微信，可以用微信登录这个账号。")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "wechat-linked")
    assert WeChatIdentity.objects.get().user == ann
    wechat_only.refresh_from_db()
    assert not wechat_only.is_active
    # The refusal page's own 409 status is what Chromium reports; nothing else may fail.
    assert [e for e in page.js_errors if "status of 409 (Conflict)" not in e] == []
    assert len(page.js_errors) == 1
