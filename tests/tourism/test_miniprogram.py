"""The mini-program's sign-in (wx.login code -> code2Session -> session token) and phone number binding
(getPhoneNumber code -> getuserphonenumber), against the fake WeChat server (tests/common)."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from common.models import UserPhone, WeChatIdentity, WeChatOpenId
from common.wechat_ids import wechat_link
from tests import factories
from tests.common.fake_wechat_mini import mini_program
from tests.conftest import WECHAT_TEST_APPS

pytestmark = pytest.mark.django_db

OA, MINI = WECHAT_TEST_APPS
LOGIN, PHONE, ME = "/api/miniprogram/login", "/api/miniprogram/phone", "/api/me"
User = get_user_model()


@pytest.fixture
def mini(fake_wechat):
    return mini_program(fake_wechat, MINI)


def post(path, body, token=None):
    headers = {"HTTP_X_SESSION_TOKEN": token} if token else {}
    return Client().post(path, json.dumps(body), content_type="application/json", **headers)


def sign_in(mini, **person):
    response = post(LOGIN, {"code": mini.person(**person)})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_new_wechat_user_gets_an_account_and_a_token_the_rest_of_the_api_accepts(mini):
    code = mini.person(unionid="UNION-1")

    response = post(LOGIN, {"code": code})

    body = response.json()
    assert response.status_code == 200 and body["new"] is True and body["phone"] == ""
    user = User.objects.get(pk=body["user_id"])
    assert (user.email, user.has_usable_password()) == ("", False)
    assert user.wechat.unionid == "UNION-1"
    assert WeChatOpenId.objects.get(identity__user=user).kind == "mini_program"
    me = Client().get(ME, HTTP_X_SESSION_TOKEN=body["session_token"])
    assert me.status_code == 200 and me.json()["id"] == user.pk


def test_the_session_key_stays_on_the_server(mini, fake_wechat):
    response = post(LOGIN, {"code": mini.person()})

    assert "session_key" not in response.content.decode().lower()
    assert "SESSIONKEY" not in response.content.decode()
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore(session_key=response.json()["session_token"])
    assert session["wechat_mini_session_key"].startswith("SESSIONKEY")


def test_signing_in_again_is_the_same_person(mini):
    first = sign_in(mini, unionid="UNION-2")
    openid = WeChatOpenId.objects.get().openid

    again = sign_in(mini, openid=openid, unionid="UNION-2")

    assert again["user_id"] == first["user_id"] and again["new"] is False
    assert again["session_token"] != first["session_token"]
    assert User.objects.count() == 1


def test_a_person_known_from_the_official_account_is_not_duplicated(mini):
    tourist = factories.user()
    wechat_link(tourist, appid=OA, kind="official_account", openid="oOA-openid", unionid="UNION-3")

    body = sign_in(mini, unionid="UNION-3")

    assert body["user_id"] == tourist.pk and body["new"] is False
    assert User.objects.count() == 1
    assert set(WeChatOpenId.objects.values_list("appid", flat=True)) == {OA, MINI}


def test_without_unionid_the_openid_finds_the_person(mini):
    first = sign_in(mini)
    openid = WeChatOpenId.objects.get().openid

    assert sign_in(mini, openid=openid)["user_id"] == first["user_id"]


def test_a_unionid_learnt_later_joins_the_openid_account(mini):
    first = sign_in(mini)
    openid = WeChatOpenId.objects.get().openid

    again = sign_in(mini, openid=openid, unionid="UNION-LATE")

    assert again["user_id"] == first["user_id"]
    assert WeChatIdentity.objects.get().unionid == "UNION-LATE"


def test_two_sign_ins_of_a_new_person_at_once_make_one_account(mini, monkeypatch):
    """The second request looked before the first wrote: its write is refused, it looks again and signs in
    the account the first made."""
    from tourism import miniprogram

    made = sign_in(mini, unionid="UNION-RACE")
    real = miniprogram.wechat_user
    calls = []

    def blind_first_time(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(miniprogram, "wechat_user", blind_first_time)
    body = sign_in(mini, unionid="UNION-RACE")

    assert body["user_id"] == made["user_id"] and body["new"] is False
    assert User.objects.count() == 1 and len(calls) == 2


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 400, "invalid_code"),
        (40163, 400, "code_used"),
        (45011, 429, "too_frequent"),
        (40226, 403, "risky_user"),
        (-1, 503, "wechat_unavailable"),
        (40125, 503, "wechat_unavailable"),
    ],
)
def test_wechat_refusals_are_clear_json_and_make_no_account(mini, fake_wechat, errcode, status, code):
    fake_wechat.fail("/sns/jscode2session", errcode)

    response = post(LOGIN, {"code": mini.person()})

    detail = response.json()["detail"]
    assert response.status_code == status and response.json()["code"] == code
    assert re.search(r"[\u4e00-\u9fff]", detail) and re.search(r"[A-Za-z]{4,}", detail)
    assert User.objects.count() == 0


def test_an_unknown_code_and_a_used_code_are_refused_by_wechat(mini):
    assert post(LOGIN, {"code": "never-issued"}).json()["code"] == "invalid_code"
    code = mini.person()
    assert post(LOGIN, {"code": code}).status_code == 200
    replay = post(LOGIN, {"code": code})
    assert replay.status_code == 400 and replay.json()["code"] == "code_used"
    assert User.objects.count() == 1


def test_a_timeout_is_503_not_500(mini, fake_wechat, settings):
    settings.WECHAT_API_TIMEOUT = (0.5, 0.5)
    fake_wechat.delay = 0.8

    response = post(LOGIN, {"code": mini.person()})

    assert response.status_code == 503 and response.json()["code"] == "wechat_unavailable"
    assert User.objects.count() == 0


def test_a_wrong_secret_in_our_settings_is_503_for_the_person(mini, settings):
    settings.WECHAT_MINI_SECRET = "not-the-secret"

    response = post(LOGIN, {"code": mini.person()})

    assert response.status_code == 503


def test_without_the_mini_program_configured_sign_in_is_404(settings):
    settings.WECHAT_MINI_APPID = ""

    response = post(LOGIN, {"code": "anything"})

    assert response.status_code == 404 and response.json()["code"] == "not_configured"


def test_an_empty_code_is_refused_before_wechat_is_asked(mini, fake_wechat):
    response = post(LOGIN, {"code": ""})

    assert response.status_code == 422
    assert fake_wechat.requests == []


def test_a_disabled_account_is_not_signed_in(mini):
    body = sign_in(mini, unionid="UNION-OFF")
    User.objects.filter(pk=body["user_id"]).update(is_active=False)
    openid = WeChatOpenId.objects.get().openid

    response = post(LOGIN, {"code": mini.person(openid=openid, unionid="UNION-OFF")})

    assert response.status_code == 403 and response.json()["code"] == "inactive"


# The phone number.


def test_the_phone_button_binds_a_verified_number_in_e164(mini):
    token = sign_in(mini)["session_token"]

    response = post(PHONE, {"code": mini.phone_code("13812345678")}, token)

    assert response.status_code == 200 and response.json() == {"phone": "+86 138****5678"}
    phone = UserPhone.objects.get()
    assert (phone.number, phone.verified) == ("+8613812345678", True)
    assert Client().get(ME, HTTP_X_SESSION_TOKEN=token).json()["phone"] == "+86 138****5678"


def test_a_number_from_abroad_keeps_its_country_code(mini):
    token = sign_in(mini)["session_token"]

    post(PHONE, {"code": mini.phone_code("6123456789", country="852")}, token)
    post(PHONE, {"code": mini.phone_code("91234567", country="852")}, token)

    assert UserPhone.objects.get().number == "+85291234567"


def test_a_new_number_replaces_the_old_one(mini):
    token = sign_in(mini)["session_token"]
    post(PHONE, {"code": mini.phone_code("13812345678")}, token)

    post(PHONE, {"code": mini.phone_code("13900001111")}, token)

    assert list(UserPhone.objects.values_list("number", flat=True)) == ["+8613900001111"]


def test_a_number_that_is_another_persons_is_409_and_changes_nothing(mini):
    owner = factories.user(email="")
    UserPhone.objects.create(user=owner, number="+8613812345678", verified=True)
    body = sign_in(mini)

    response = post(PHONE, {"code": mini.phone_code("138 1234 5678")}, body["session_token"])

    assert response.status_code == 409 and response.json()["code"] == "phone_taken"
    assert "短信验证码" in response.json()["detail"] and "SMS code" in response.json()["detail"]
    assert UserPhone.objects.get().user == owner
    assert not UserPhone.objects.filter(user_id=body["user_id"]).exists()


def test_a_number_another_account_only_typed_is_taken_by_the_number_wechat_verified(mini):
    """Someone signed up on the website with this person's number and never verified it: WeChat has
    verified it for its owner, whose account takes it (before, the owner was told ``phone_taken``)."""
    stranger = factories.user(email="")
    UserPhone.objects.create(user=stranger, number="+8613812345678", verified=False)
    body = sign_in(mini)

    response = post(PHONE, {"code": mini.phone_code("138 1234 5678")}, body["session_token"])

    assert response.status_code == 200, response.content
    phone = UserPhone.objects.get(number="+8613812345678")
    assert (phone.user_id, phone.verified) == (body["user_id"], True)
    assert not UserPhone.objects.filter(user=stranger).exists()


def test_a_used_phone_code_is_400(mini):
    token = sign_in(mini)["session_token"]
    code = mini.phone_code("13812345678")
    post(PHONE, {"code": code}, token)

    response = post(PHONE, {"code": code}, token)

    assert response.status_code == 400 and response.json()["code"] == "invalid_code"


def test_an_expired_access_token_is_refreshed_and_the_number_bound(mini, fake_wechat):
    token = sign_in(mini)["session_token"]
    post(PHONE, {"code": mini.phone_code("13812345678")}, token)
    fake_wechat.expire_tokens()

    response = post(PHONE, {"code": mini.phone_code("13900001111")}, token)

    assert response.status_code == 200


@pytest.mark.parametrize("errcode", [-1, 45011])
def test_wechat_busy_on_the_phone_is_a_clear_error(mini, fake_wechat, errcode):
    token = sign_in(mini)["session_token"]
    fake_wechat.fail("/wxa/business/getuserphonenumber", errcode)

    response = post(PHONE, {"code": mini.phone_code("13812345678")}, token)

    assert response.status_code in (429, 503) and response.json()["code"]
    assert not UserPhone.objects.exists()


def test_binding_a_phone_needs_a_signed_in_person(mini):
    response = post(PHONE, {"code": mini.phone_code("13812345678")})

    assert response.status_code == 401
    assert not UserPhone.objects.exists()


def test_the_operations_are_in_the_openapi_document_with_examples(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    login = paths[LOGIN]["post"]
    assert set(login["responses"]) >= {"200", "400", "409", "429", "503"}
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["LoginIn"]["examples"] and schemas["LoginOut"]["examples"]
    assert schemas["PhoneIn"]["examples"] and schemas["PhoneOut"]["examples"]
    assert "phone_taken" in paths[PHONE]["post"]["description"]
    assert {"get", "post"} <= set(paths["/api/miniprogram/subscriptions"])


def test_the_documented_request_examples_have_the_shape_the_operations_take(client, mini):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    [login_example] = schemas["LoginIn"]["examples"]
    [phone_example] = schemas["PhoneIn"]["examples"]

    login = post(LOGIN, login_example)  # a code WeChat never issued: refused by WeChat, not by its shape
    token = sign_in(mini)["session_token"]
    phone = post(PHONE, phone_example, token)

    assert (login.status_code, login.json()["code"]) == (400, "invalid_code")
    assert (phone.status_code, phone.json()["code"]) == (400, "invalid_code")


def test_sign_ins_from_one_address_are_limited_before_wechat_is_asked(mini, fake_wechat, settings):
    settings.MINIPROGRAM_LOGIN_PER_ADDRESS_PER_MINUTE = 2
    for _ in range(2):
        post(LOGIN, {"code": "made-up"})
    asked = len(fake_wechat.requests)

    response = post(LOGIN, {"code": mini.person()})

    assert response.status_code == 429 and response.json()["code"] == "too_many_attempts"
    assert len(fake_wechat.requests) == asked and User.objects.count() == 0


LINK = "/api/miniprogram/link"


def phone_account_token(number: str = "+8613812345678"):
    """A person with a verified phone, signed in as the app signs in by SMS code (a session token)."""
    from django.test import RequestFactory

    from tourism.miniprogram import session_token_issue

    owner = factories.user(email="")
    UserPhone.objects.create(user=owner, number=number, verified=True)
    request = RequestFactory().post("/")
    request.session = {}  # type: ignore[assignment]
    return owner, session_token_issue(request, owner)


def test_after_phone_taken_the_person_links_the_mini_program_to_their_phone_account(mini):
    owner, token = phone_account_token()
    body = sign_in(mini)  # the mini-program made a WeChat-only account first
    openid = WeChatOpenId.objects.get(identity__user_id=body["user_id"]).openid
    assert post(PHONE, {"code": mini.phone_code("13812345678")}, body["session_token"]).status_code == 409

    response = post(LINK, {"code": mini.person(openid=openid)}, token)

    assert response.status_code == 204, response.content
    again = sign_in(mini, openid=openid)
    assert again["user_id"] == owner.pk and again["new"] is False
    abandoned = User.objects.get(pk=body["user_id"])
    assert not abandoned.is_active and not WeChatIdentity.objects.filter(user=abandoned).exists()


def test_linking_a_wechat_that_belongs_to_a_real_account_is_refused(mini):
    body = sign_in(mini)
    openid = WeChatOpenId.objects.get(identity__user_id=body["user_id"]).openid
    post(PHONE, {"code": mini.phone_code("13900001111")}, body["session_token"])  # now a real account
    _owner, token = phone_account_token()

    response = post(LINK, {"code": mini.person(openid=openid)}, token)

    assert response.status_code == 409 and response.json()["code"] == "wechat_conflict"
    assert WeChatOpenId.objects.get(openid=openid).identity.user_id == body["user_id"]
    assert User.objects.get(pk=body["user_id"]).is_active


def test_linking_needs_a_signed_in_person(mini):
    assert post(LINK, {"code": mini.person()}).status_code == 401
