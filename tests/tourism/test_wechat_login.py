"""Signing in with WeChat on the website (tourism/wechat_login.py) against the fake WeChat: one tap inside
WeChat through the official account, the QR code on a computer, one person per UnionID across the
website, the official account and the mini-program, and linking and unlinking WeChat."""

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import Client

from common.models import UserPhone, WeChatIdentity, WeChatOpenId
from common.wechat_ids import openid_for, wechat_link
from notifications.sms import console
from shop.services import orders_place
from tests import factories
from tests.conftest import WECHAT_TEST_APPS
from tests.shop import factories as shop_factories
from tests.tourism.fake_wechat_oauth import (
    WEBSITE_APPID,
    FakeWeChatOAuth,
    Person,
    openid,
    wechat_sign_in_configured,
)
from tourism import wechat_login

pytestmark = pytest.mark.django_db
OA, MINI = list(WECHAT_TEST_APPS)
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
    "Chrome/130.0 Mobile Safari/537.36 MicroMessenger/8.0.55.2780(0x28003737) WeChat/arm64 NetType/4G"
)
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
START, CALLBACK = "/accounts/wechat/login/", "/accounts/wechat/callback/"
User = get_user_model()


@pytest.fixture
def oauth(settings, fake_wechat) -> FakeWeChatOAuth:
    return wechat_sign_in_configured(settings, fake_wechat)


def leave(client, url: str, ua: str = WECHAT_UA):
    return client.get(url, HTTP_USER_AGENT=ua)


def sign_in(client, oauth: FakeWeChatOAuth, *, ua: str = WECHAT_UA, start: str = START):
    """Follow the sign-in through WeChat's pages (the fake) until it lands back on the site."""
    response = leave(client, start, ua)
    while response.status_code == 302 and response["Location"].startswith("https://open.weixin.qq.com/"):
        response = leave(client, oauth.authorize(response["Location"]), ua)
    return response


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def exchanges(fake) -> int:
    return sum(1 for _m, path, _q, _b in fake.requests if path == "/sns/oauth2/access_token")


# Off without keys


def test_without_keys_there_is_no_button_and_no_address(client, settings):
    settings.WECHAT_OA_APPID = settings.WECHAT_OA_SECRET = ""
    settings.WEIXIN_APP_ID = settings.WEIXIN_APP_SECRET = ""
    for ua in (WECHAT_UA, DESKTOP_UA):
        page = leave(client, "/accounts/login/", ua).content.decode()
        assert "微信" not in page and "wechat" not in page.lower()
        assert leave(client, START, ua).status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404
    client.force_login(factories.user())
    assert client.get("/accounts/wechat/").status_code == 404
    assert client.post("/accounts/wechat/unlink/").status_code == 404
    assert "微信绑定" not in client.get("/accounts/email/").content.decode()


# Which button where


def test_inside_wechat_the_page_offers_one_tap_sign_in_and_no_qr_code(client, oauth):
    page = leave(client, "/accounts/login/?next=/plan/").content.decode()
    assert "微信一键登录" in page and "扫码" not in page

    response = leave(client, START + "?next=/plan/")

    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert (url.netloc, url.path) == ("open.weixin.qq.com", "/connect/oauth2/authorize")
    assert url.fragment == "wechat_redirect"
    assert query["appid"] == [OA] and query["scope"] == ["snsapi_base"] and query["state"][0]
    assert query["redirect_uri"] == ["http://testserver/accounts/wechat/callback/"]


def test_on_a_computer_the_page_offers_the_qr_code(client, oauth):
    page = leave(client, "/accounts/login/", DESKTOP_UA).content.decode()
    assert "微信扫码登录" in page and "微信一键登录" not in page

    url = urlsplit(leave(client, START, DESKTOP_UA)["Location"])
    assert url.path == "/connect/qrconnect"
    assert parse_qs(url.query)["appid"] == [WEBSITE_APPID]
    assert parse_qs(url.query)["scope"] == ["snsapi_login"]


def test_inside_wechat_without_the_official_account_no_qr_code_is_offered(client, settings, oauth):
    settings.WECHAT_OA_APPID = ""
    assert "微信" not in leave(client, "/accounts/login/").content.decode()
    assert leave(client, START).status_code == 404
    assert "微信扫码登录" in leave(client, "/accounts/login/", DESKTOP_UA).content.decode()


def test_on_a_computer_without_the_website_app_no_button_is_offered(client, settings, fake_wechat):
    wechat_sign_in_configured(settings, fake_wechat, website=False)
    assert "微信" not in leave(client, "/accounts/login/", DESKTOP_UA).content.decode()
    assert leave(client, START, DESKTOP_UA).status_code == 404
    assert "微信一键登录" in leave(client, "/accounts/login/").content.decode()


# Signing in


def test_someone_new_inside_wechat_is_asked_once_and_gets_an_account_with_their_openid(client, oauth):
    response = sign_in(client, oauth, start=START + "?next=/plan/")

    assert response.status_code == 302 and response["Location"] == "/plan/"
    assert [query["scope"] for _path, query in oauth.visits] == ["snsapi_base", "snsapi_userinfo"]
    user = signed_in_user(client)
    assert user is not None and user.email == "" and not user.has_usable_password()
    assert user.first_name == "枣林游客"
    assert WeChatIdentity.objects.get(user=user).unionid == oauth.signed_in.unionid
    # JSAPI payment finds the official account's openid.
    assert openid_for(user, OA) == openid(OA, oauth.signed_in)
    assert WeChatOpenId.objects.get(identity__user=user).kind == "official_account"


def test_someone_known_signs_in_silently_with_snsapi_base(client, oauth):
    sign_in(client, oauth)
    ann = signed_in_user(client)
    client.logout()
    oauth.visits.clear()

    sign_in(client, oauth)

    assert signed_in_user(client) == ann
    assert [query["scope"] for _path, query in oauth.visits] == ["snsapi_base"]
    assert User.objects.count() == 1


def test_someone_known_from_the_mini_program_is_the_same_person_inside_wechat(client, oauth):
    ann = factories.user(email="")
    ann.set_unusable_password()
    ann.save()
    wechat_link(ann, appid=MINI, kind="mini_program", openid="o-mini-ann", unionid=oauth.signed_in.unionid)

    sign_in(client, oauth)

    assert signed_in_user(client) == ann
    assert User.objects.count() == 1
    assert openid_for(ann, OA) == openid(OA, oauth.signed_in)
    assert openid_for(ann, MINI) == "o-mini-ann"


def test_the_website_the_official_account_and_the_mini_program_are_one_person(client, oauth):
    sign_in(client, oauth, ua=DESKTOP_UA)
    ann = signed_in_user(client)
    client.logout()

    sign_in(client, oauth)

    assert signed_in_user(client) == ann
    assert set(WeChatOpenId.objects.values_list("identity__user", "kind")) == {
        (ann.pk, "website"),
        (ann.pk, "official_account"),
    }
    assert WeChatIdentity.objects.count() == 1


def test_two_people_get_two_accounts(client, oauth):
    sign_in(client, oauth)
    ann = signed_in_user(client)
    client.logout()
    oauth.signed_in = Person("bob", nickname="鲍勃")

    sign_in(client, oauth)

    assert signed_in_user(client) not in (None, ann)
    assert User.objects.count() == 2


def test_an_account_from_the_earlier_allauth_qr_login_signs_in_as_itself(client, oauth):
    old = factories.user()
    SocialAccount.objects.create(user=old, provider="weixin", uid=openid(WEBSITE_APPID, oauth.signed_in))

    sign_in(client, oauth, ua=DESKTOP_UA)

    assert signed_in_user(client) == old
    assert WeChatIdentity.objects.get(user=old).unionid == oauth.signed_in.unionid


def test_first_sign_ins_racing_make_one_account(oauth, monkeypatch):
    """The loser of two first sign-ins at once (both found nobody) hits the UnionID's unique constraint,
    and its account is rolled back: it signs in to the winner's."""
    app = wechat_login.official_account()
    assert app is not None
    person = wechat_login.WeChatPerson(app, "o-oa-ann", "u-ann", "安", wechat_login.USERINFO)
    winner, _created = wechat_login.wechat_sign_in(person)
    real = wechat_login.known_person
    calls = []

    def known_person(person):
        calls.append(person)
        return None if len(calls) == 1 else real(person)

    monkeypatch.setattr(wechat_login, "known_person", known_person)

    user, created = wechat_login.wechat_sign_in(person)

    assert (user, created) == (winner, False)
    assert len(calls) == 2
    assert User.objects.count() == 1


def test_a_disabled_account_is_not_signed_in(client, oauth):
    sign_in(client, oauth)
    ann = signed_in_user(client)
    client.logout()
    User.objects.filter(pk=ann.pk).update(is_active=False)

    response = sign_in(client, oauth)

    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_next_pointing_elsewhere_lands_on_the_home_page(client, oauth):
    response = sign_in(client, oauth, start=START + "?next=https://evil.example/")
    assert response["Location"] == "/"


# What goes wrong


def test_a_state_this_browser_did_not_start_is_refused_before_asking_wechat(client, oauth):
    url = leave(client, START)["Location"]
    back = oauth.authorize(url)
    forged = back.replace(parse_qs(urlsplit(url).query)["state"][0], "forged-state")

    response = leave(client, forged)

    assert response.status_code == 400
    assert "已过期或链接无效" in response.content.decode()
    assert exchanges(oauth.api) == 0
    assert signed_in_user(client) is None


def test_a_sign_in_left_for_more_than_ten_minutes_is_refused(client, oauth, monkeypatch):
    back = oauth.authorize(leave(client, START)["Location"])
    later = wechat_login.time.time() + wechat_login.STATE_TTL + 1
    monkeypatch.setattr(wechat_login, "time", SimpleNamespace(time=lambda: later))

    assert leave(client, back).status_code == 400
    assert exchanges(oauth.api) == 0


def test_a_callback_from_another_browser_is_refused(client, oauth):
    back = oauth.authorize(leave(client, START)["Location"])
    other = Client()

    assert leave(other, back).status_code == 400
    assert exchanges(oauth.api) == 0


def test_the_same_callback_twice_signs_in_once(client, oauth):
    first = leave(client, START)
    back = oauth.authorize(first["Location"])
    assert leave(client, back).status_code == 302  # on to snsapi_userinfo

    assert leave(client, back).status_code == 400
    assert exchanges(oauth.api) == 1


def test_a_code_used_already_is_refused_and_creates_nobody(client, oauth):
    url = leave(client, START)["Location"]
    code = parse_qs(urlsplit(oauth.authorize(url)).query)["code"][0]
    oauth.codes[code].used = True
    state = parse_qs(urlsplit(url).query)["state"][0]

    response = leave(client, f"{CALLBACK}?code={code}&state={state}")

    assert response.status_code == 400
    assert "授权码已失效" in response.content.decode()
    assert User.objects.count() == 0


def test_refusing_wechat_consent_signs_nobody_in(client, oauth):
    oauth.signed_in.refuses = True
    response = sign_in(client, oauth)
    assert response.status_code == 400
    assert "没有同意微信授权" in response.content.decode()
    assert exchanges(oauth.api) == 0


@pytest.mark.parametrize(("errcode", "status"), [(-1, 503), (45011, 503), (40125, 502), (40029, 400)])
def test_wechat_errors_are_explained_and_change_nothing(client, oauth, errcode, status):
    oauth.api.fail("/sns/oauth2/access_token", errcode)
    response = sign_in(client, oauth)
    assert response.status_code == status
    assert "微信" in response.content.decode()
    assert User.objects.count() == 0 and WeChatIdentity.objects.count() == 0


def test_wechat_not_answering_in_time_is_explained(client, oauth, settings):
    settings.WECHAT_API_TIMEOUT = (0.5, 0.5)
    oauth.api.delay = 1.0  # the client waits 0.5 s
    response = sign_in(client, oauth)
    assert response.status_code == 503
    assert "暂时连不上微信" in response.content.decode()
    assert User.objects.count() == 0


def test_a_wrong_secret_is_wechat_refusing(client, settings, oauth):
    settings.WECHAT_OA_SECRET = "not-the-secret"
    response = sign_in(client, oauth)
    assert response.status_code == 502
    assert User.objects.count() == 0


# Linking and unlinking


def phone_account(number: str = "+8613812345678"):
    user = factories.user(email="")
    UserPhone.objects.create(user=user, number=number, verified=True)
    return user


def test_a_phone_account_links_wechat_and_then_signs_in_with_it(client, oauth):
    ann = phone_account()
    client.force_login(ann)

    response = sign_in(client, oauth, start=START + "?process=link")

    assert response["Location"] == "/accounts/wechat/"
    assert [query["scope"] for _path, query in oauth.visits] == ["snsapi_userinfo"]
    assert "已绑定微信" in client.get("/accounts/wechat/").content.decode()
    client.logout()
    sign_in(client, oauth)
    assert signed_in_user(client) == ann
    assert User.objects.count() == 1


def test_linking_needs_a_signed_in_account(client, oauth):
    response = leave(client, START + "?process=link")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_linking_the_wechat_of_an_unused_wechat_only_account_moves_it_here(client, oauth):
    """Someone with a phone account tapped 微信一键登录 first and got a WeChat-only account: linking
    from their phone account takes the WeChat; the empty account is switched off."""
    sign_in(client, oauth)
    wechat_only = signed_in_user(client)
    client.logout()
    ann = phone_account()
    client.force_login(ann)

    response = sign_in(client, oauth, start=START + "?process=link")

    assert response["Location"] == "/accounts/wechat/"
    assert "已绑定微信" in client.get("/accounts/wechat/").content.decode()
    assert WeChatIdentity.objects.get(user=ann).unionid == oauth.signed_in.unionid
    wechat_only.refresh_from_db()
    assert not wechat_only.is_active and not WeChatIdentity.objects.filter(user=wechat_only).exists()
    client.logout()
    sign_in(client, oauth)
    assert signed_in_user(client) == ann


def _book(user) -> None:
    shop_factories.stay(user=user)


def _order(user) -> None:
    product = shop_factories.product(stock=5)
    orders_place(user=user, items={product.pk: 1}, fulfilment="pickup", recipient="安", phone="13912340000")


def _password(user) -> None:
    user.set_password("Lishi-zaolin-2024")
    user.save()


def _verified_email(user) -> None:
    EmailAddress.objects.create(user=user, email="wx@example.com", verified=True, primary=True)


def _verified_phone(user) -> None:
    UserPhone.objects.create(user=user, number="+8613712345678", verified=True)


@pytest.mark.parametrize("use", [_book, _order, _password, _verified_email, _verified_phone])
def test_linking_a_wechat_whose_account_has_been_used_is_refused_and_explained(client, oauth, use):
    sign_in(client, oauth)
    wechat_user = signed_in_user(client)
    use(wechat_user)
    client.logout()
    ann = phone_account()
    client.force_login(ann)

    response = sign_in(client, oauth, start=START + "?process=link")

    assert response["Location"] == "/accounts/wechat/"
    page = client.get("/accounts/wechat/").content.decode()
    assert "这个微信已用于另一个账号" in page and "不会自动合并" in page
    assert not WeChatIdentity.objects.filter(user=ann).exists()
    wechat_user.refresh_from_db()
    assert (
        wechat_user.is_active
        and WeChatIdentity.objects.get(user=wechat_user).unionid == oauth.signed_in.unionid
    )


def test_an_unused_wechat_account_is_not_given_up_for_an_account_with_another_wechat(client, oauth):
    sign_in(client, oauth)
    wechat_only = signed_in_user(client)
    client.logout()
    ann = phone_account()
    wechat_link(ann, appid=OA, kind="official_account", openid="o-ann-own", unionid="UNION-ANN-OWN")
    client.force_login(ann)

    sign_in(client, oauth, start=START + "?process=link")

    assert "此账号已绑定另一个微信" in client.get("/accounts/wechat/").content.decode()
    wechat_only.refresh_from_db()
    assert wechat_only.is_active and WeChatIdentity.objects.filter(user=wechat_only).exists()


def test_the_phone_page_tells_a_wechat_user_whose_number_is_taken_how_to_join_up(client, oauth):
    """The other half of the journey: the number typed on the WeChat-only account is a phone account's;
    once its code proves the number theirs, the page says to sign in there and link WeChat."""
    ann = phone_account()
    sign_in(client, oauth)
    wechat_only = signed_in_user(client)
    console.outbox.clear()
    client.post("/accounts/phone/change/", {"phone": "138 1234 5678"})

    response = client.post("/accounts/phone/verify/", {"code": console.outbox[-1].params["code"]})

    assert response.status_code == 409
    page = response.content.decode()
    assert "这个手机号已属于另一个账户" in page and "用这个手机号和短信验证码登录那个账户" in page
    assert "「微信绑定」页绑定微信" in page
    assert 'action="/accounts/logout/"' in page and 'value="/accounts/login/code/"' in page
    assert UserPhone.objects.get(number="+8613812345678").user == ann
    assert not UserPhone.objects.filter(user=wechat_only).exists()


def test_linking_a_second_wechat_is_refused(client, oauth):
    ann = phone_account()
    client.force_login(ann)
    sign_in(client, oauth, start=START + "?process=link")
    oauth.signed_in = Person("bob")

    sign_in(client, oauth, start=START + "?process=link")

    assert "此账号已绑定另一个微信" in client.get("/accounts/wechat/").content.decode()
    assert WeChatIdentity.objects.get(user=ann).unionid == Person("ann").unionid
    assert openid_for(ann, OA) == openid(OA, Person("ann"))


def test_a_link_started_by_one_account_cannot_finish_in_another(client, oauth):
    client.force_login(phone_account())
    back = oauth.authorize(leave(client, START + "?process=link")["Location"])
    client.force_login(phone_account("+8613912345678"))

    assert leave(client, back).status_code == 400
    assert WeChatIdentity.objects.count() == 0


def test_unlinking_leaves_the_phone_to_sign_in_with(client, oauth):
    ann = phone_account()
    client.force_login(ann)
    sign_in(client, oauth, start=START + "?process=link")

    response = client.post("/accounts/wechat/unlink/", follow=True)

    assert "已解除微信绑定" in response.content.decode()
    assert openid_for(ann, OA) is None
    client.logout()
    sign_in(client, oauth)
    assert signed_in_user(client) not in (None, ann)  # WeChat now makes a new account


def test_unlinking_the_only_way_in_is_refused(client, oauth):
    sign_in(client, oauth)
    user = signed_in_user(client)

    page = client.get("/accounts/wechat/").content.decode()
    assert "解除微信绑定 Unlink" not in page and "绑定手机号" in page
    response = client.post("/accounts/wechat/unlink/", follow=True)

    assert "唯一的登录方式" in response.content.decode()
    assert openid_for(user, OA) is not None


def test_unlinking_with_a_verified_email_is_allowed_and_forgets_the_old_allauth_link(client, oauth):
    ann = factories.user()
    EmailAddress.objects.create(user=ann, email=ann.email, verified=True, primary=True)
    SocialAccount.objects.create(user=ann, provider="weixin", uid="old-openid")
    client.force_login(ann)

    client.post("/accounts/wechat/unlink/")

    assert not SocialAccount.objects.filter(user=ann).exists()


# Booking needs a phone


def test_someone_signed_in_by_wechat_alone_is_asked_for_a_phone_before_booking(client, oauth):
    room = factories.room_type()
    sign_in(client, oauth)
    user = signed_in_user(client)

    response = client.get(f"/stays/{room.pk}/book/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/phone/change/"
    assert "预订前请先绑定并验证手机号" in response.content.decode()
    api = client.post(
        "/api/bookings",
        {
            "room_type_id": room.pk,
            "check_in": "2030-05-01",
            "check_out": "2030-05-02",
            "guests": 1,
            "lead_guest_name": "安",
            "lead_guest_phone": "13812345678",
            "payment": "at_homestay",
        },
        content_type="application/json",
    )
    assert api.status_code == 422 and api.json()["code"] == "contact_required"

    UserPhone.objects.create(user=user, number="+8613812345678", verified=True)
    assert client.get(f"/stays/{room.pk}/book/").status_code == 200
