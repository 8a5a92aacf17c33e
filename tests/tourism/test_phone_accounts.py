"""Signing up and in by mobile number and SMS code, and the limits on codes (tourism/adapter.py,
tourism/phone_limits.py, notifications/sms/budget.py)."""

import re

import pytest
from captcha.models import CaptchaStore
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from common.models import UserPhone
from notifications.sms import console
from tests import factories
from villages.roles import GROUP_STAFF

PASSWORD = "Lishi-zaolin-2024"
PHONE = "+8613812345678"
APP = "/_allauth/app/v1/auth"
APP_ACCOUNT = "/_allauth/app/v1/account"


@pytest.fixture(autouse=True)
def _fresh(settings):
    """No counts, no texts; and no picture code, except in the tests about it (the limits behind it are
    tested on their own)."""
    settings.SMS_HUMAN_CHECK_PERCENT = 1000
    cache.clear()
    console.outbox.clear()
    yield
    cache.clear()
    console.outbox.clear()


def last_code() -> str:
    return console.outbox[-1].params["code"]


def sign_up(client, phone="138 1234 5678", **extra):
    data = {"phone": phone, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post("/accounts/signup/", data, **extra.pop("headers", {}))


def phone_user(number=PHONE, verified=True, **fields):
    user = factories.user(password=PASSWORD, email="", **fields)
    UserPhone.objects.create(user=user, number=number, verified=verified)
    return user


def request_code(client, phone, *, fresh=True, **headers):
    """Ask for a sign-in code, by default from a browser of its own (as a pumping script would)."""
    return (Client() if fresh else client).post("/accounts/login/code/", {"phone": phone}, **headers)


def signed_in(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_signing_up_with_a_mainland_number_texts_a_code_and_the_code_signs_in(client):
    response = sign_up(client)

    assert response.status_code == 302 and response["Location"] == "/accounts/phone/verify/"
    [sms] = console.outbox
    assert sms.phone == PHONE and sms.template_code == "SMS_VERIFICATION_CODE" and len(last_code()) == 6
    assert signed_in(client) is None
    response = client.post("/accounts/phone/verify/", {"code": last_code()})
    user = get_user_model().objects.get()
    assert signed_in(client) == str(user.pk)
    assert (user.email, user.phone.number, user.phone.verified) == ("", PHONE, True)


@pytest.mark.django_db
def test_a_wrong_code_does_not_verify_and_three_wrong_codes_void_it(client):
    sign_up(client)
    code = last_code()
    for _ in range(3):
        client.post("/accounts/phone/verify/", {"code": "000000" if code != "000000" else "111111"})

    client.post("/accounts/phone/verify/", {"code": code})

    assert signed_in(client) is None
    assert not UserPhone.objects.get().verified


@pytest.mark.django_db
def test_sign_up_needs_a_phone_or_an_e_mail(client):
    response = client.post("/accounts/signup/", {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert "请填写手机号或邮箱" in response.content.decode()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_number_that_is_not_a_phone_is_refused(client):
    response = sign_up(client, phone="12345")

    assert "手机号码不正确" in response.content.decode()
    assert not get_user_model().objects.exists() and not console.outbox


@pytest.mark.django_db
def test_one_number_belongs_to_one_account(client):
    phone_user()

    sign_up(client, phone="13812345678")

    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
def test_a_number_claimed_by_another_sign_up_at_the_same_moment_is_refused_and_nobody_is_created(
    client, monkeypatch
):
    """Both sign-ups passed the form's check before either wrote the number: the second meets the unique
    constraint, and gets a clear refusal instead of a 500, with no account left half made."""
    phone_user()  # the other sign-up, which wrote first
    monkeypatch.setattr("tourism.adapter.AccountAdapter.get_user_by_phone", lambda self, phone: None)

    response = sign_up(client, phone="13812345678")

    assert response.status_code == 409
    assert "这个手机号已属于另一个账户" in response.content.decode()
    assert get_user_model().objects.count() == 1
    assert not console.outbox, "no code sent for a number that is not theirs"


@pytest.mark.django_db
def test_signing_in_by_password_with_the_number_as_typed(client):
    user = phone_user()

    client.post("/accounts/login/", {"login": "138-1234-5678", "password": PASSWORD})

    assert signed_in(client) == str(user.pk)


@pytest.mark.django_db
def test_signing_in_by_sms_code(client):
    user = phone_user()

    response = request_code(client, "13812345678", fresh=False)

    assert response.status_code == 302
    client.post("/accounts/login/code/confirm/", {"code": last_code()})
    assert signed_in(client) == str(user.pk)


@pytest.mark.django_db
def test_an_owner_and_staff_sign_in_by_code_and_reach_their_consoles(client):
    owner = phone_user()
    factories.homestay(owner=owner)
    staff = phone_user(number="+8613912345678")
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])

    request_code(client, "13812345678", fresh=False)
    client.post("/accounts/login/code/confirm/", {"code": last_code()})
    assert client.get("/owner/").status_code == 200
    client.post("/accounts/logout/")
    request_code(client, "13912345678", fresh=False)
    client.post("/accounts/login/code/confirm/", {"code": last_code()})
    assert client.get("/group/").status_code == 200


@pytest.mark.django_db
def test_e_mail_sign_up_still_confirms_the_address_before_signing_in(client, mailoutbox):
    client.post(
        "/accounts/signup/", {"email": "wang@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert len(mailoutbox) == 1
    assert signed_in(client) is None


# Limits


@pytest.mark.django_db
def test_codes_per_number_are_limited_and_a_refusal_sends_nothing(client, settings):
    settings.SMS_CODE_PER_PHONE_PER_HOUR = 2
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    phone_user()
    for _ in range(2):
        assert request_code(client, PHONE).status_code == 302

    response = request_code(client, PHONE)

    assert response.status_code == 429
    assert "验证码发送太多次" in response.content.decode()
    assert len(console.outbox) == 2


@pytest.mark.django_db
def test_codes_per_number_per_day_are_limited(client, settings):
    settings.SMS_CODE_PER_PHONE_PER_DAY = 1
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    phone_user()
    request_code(client, PHONE)

    assert request_code(client, PHONE).status_code == 429
    assert len(console.outbox) == 1


@pytest.mark.django_db
def test_codes_per_client_address_are_limited_behind_the_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SMS_CODE_PER_ADDRESS_PER_HOUR = 2
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    for n in range(4):
        phone_user(number=f"+861381234560{n}")
    pumper = {"headers": {"x-forwarded-for": "203.0.113.9"}}
    request_code(client, "+8613812345600", **pumper)
    request_code(client, "+8613812345601", **pumper)

    refused = request_code(client, "+8613812345602", **pumper)
    other = request_code(client, "+8613812345603", headers={"x-forwarded-for": "198.51.100.7"})

    assert (refused.status_code, other.status_code) == (429, 302)
    assert [sms.phone for sms in console.outbox] == ["+8613812345600", "+8613812345601", "+8613812345603"]


@pytest.mark.django_db
def test_codes_per_address_per_day_are_limited(client, settings):
    settings.SMS_CODE_PER_ADDRESS_PER_DAY = 1
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    phone_user()
    phone_user(number="+8613912345678")
    request_code(client, PHONE)

    assert request_code(client, "+8613912345678").status_code == 429


@pytest.mark.django_db
def test_sign_up_is_refused_before_creating_anyone_once_the_number_had_its_codes(client, settings):
    settings.SMS_CODE_PER_PHONE_PER_HOUR = 1
    sign_up(client)
    client.post("/accounts/logout/")
    UserPhone.objects.all().delete()
    get_user_model().objects.all().delete()

    response = sign_up(client)

    assert response.status_code == 200
    assert "验证码发送太多次" in response.content.decode()
    assert not get_user_model().objects.exists() and len(console.outbox) == 1


@pytest.mark.django_db
def test_allauth_limits_one_code_a_minute_per_number(client):
    phone_user()
    request_code(client, PHONE)

    response = request_code(client, PHONE)

    assert response.status_code == 200 and response.context["form"].errors
    assert len(console.outbox) == 1


@pytest.mark.django_db
def test_the_daily_budget_warns_staff_once_and_then_stops_codes(client, settings, mailoutbox):
    settings.SMS_DAILY_BUDGET = 3
    settings.SMS_BUDGET_WARN_PERCENT = 60
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    staff = factories.user(email="staff@example.com")
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    for n in range(4):
        phone_user(number=f"+861381234560{n}")

    answers = [request_code(client, f"+861381234560{n}").status_code for n in range(4)]

    assert answers == [302, 302, 302, 429]
    assert len(console.outbox) == 3
    [warning] = [m for m in mailoutbox if "staff@example.com" in m.to]
    assert "短信额度将用完" in warning.subject and "1/3" in warning.subject  # 60 % of 3, rounded down


@pytest.mark.django_db
def test_a_spent_budget_refuses_phone_sign_up_with_a_form_error(client, settings):
    settings.SMS_DAILY_BUDGET = 0

    response = sign_up(client)

    assert response.status_code == 200 and "短信暂时发不出去" in response.content.decode()
    assert not get_user_model().objects.exists()


# The app (headless API)


@pytest.mark.django_db
def test_the_app_signs_in_by_phone_and_code(client):
    user = phone_user()

    response = client.post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")
    assert response.status_code == 401  # a pending flow: the code was sent
    response = client.post(
        f"{APP}/code/confirm",
        {"code": last_code()},
        content_type="application/json",
        headers={"x-session-token": response.json()["meta"]["session_token"]},
    )

    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    me = client.get("/api/me", headers={"x-session-token": token}).json()
    assert (me["id"], me["email"], me["phone"]) == (user.pk, "", "+86 138****5678")


@pytest.mark.django_db
def test_the_app_signs_up_by_phone(client):
    response = client.post(
        f"{APP}/signup", {"phone": PHONE, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 401
    token = response.json()["meta"]["session_token"]

    response = client.post(
        f"{APP}/phone/verify",
        {"code": last_code()},
        content_type="application/json",
        headers={"x-session-token": token},
    )

    assert response.status_code == 200
    assert UserPhone.objects.get().verified


@pytest.mark.django_db
def test_the_app_is_told_429_past_the_number_limit(client, settings):
    settings.SMS_CODE_PER_PHONE_PER_HOUR = 1
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    phone_user()
    client.post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")

    response = client.post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "sms_limit"


# The picture code (captcha) once a client nears a limit


def captcha_answer(form_html: str) -> dict:
    """The picture code's key from the page and its answer from the store (what the picture shows)."""
    match = re.search(r'name="captcha_0" value="(\w+)"', form_html)
    assert match, form_html
    key = match.group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


@pytest.mark.django_db
def test_the_code_page_asks_for_a_picture_code_once_the_address_nears_its_limit(client, settings):
    settings.SMS_HUMAN_CHECK_PERCENT = 50
    settings.SMS_CODE_PER_ADDRESS_PER_HOUR = 4
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    for n in range(4):
        phone_user(number=f"+861381234560{n}")
    assert "captcha" not in client.get("/accounts/login/code/").content.decode()
    request_code(client, "+8613812345600")
    request_code(client, "+8613812345601")

    page = client.get("/accounts/login/code/").content.decode()
    without = Client().post("/accounts/login/code/", {"phone": "+8613812345602"})
    wrong = Client().post(
        "/accounts/login/code/", {"phone": "+8613812345602", **captcha_answer(page), "captcha_1": "-1"}
    )
    page = client.get("/accounts/login/code/").content.decode()
    right = Client().post("/accounts/login/code/", {"phone": "+8613812345603", **captcha_answer(page)})

    assert 'class="captcha"' in page
    assert (without.status_code, wrong.status_code, right.status_code) == (200, 200, 302)
    assert [sms.phone for sms in console.outbox] == ["+8613812345600", "+8613812345601", "+8613812345603"]


@pytest.mark.django_db
def test_phone_sign_up_asks_for_a_picture_code_once_the_number_nears_its_limit(client, settings):
    settings.SMS_HUMAN_CHECK_PERCENT = 50
    settings.SMS_CODE_PER_PHONE_PER_HOUR = 2
    sign_up(client)
    UserPhone.objects.all().delete()
    get_user_model().objects.all().delete()

    refused = sign_up(Client())

    assert refused.status_code == 200 and "captcha" in refused.context["form"].errors
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_app_is_not_asked_for_a_picture_code(client, settings):
    settings.SMS_HUMAN_CHECK_PERCENT = 50
    settings.SMS_CODE_PER_PHONE_PER_HOUR = 2
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "request_login_code": "100/m/ip,100/m/key",
    }
    phone_user()
    client.post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")

    response = Client().post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")

    assert response.status_code == 401 and len(console.outbox) == 2


@pytest.mark.django_db
def test_asking_for_a_code_without_a_number_or_address_is_a_form_error(client):
    response = client.post("/accounts/login/code/", {})

    assert response.status_code == 200 and "请填写手机号或邮箱" in response.content.decode()
    assert not console.outbox


# Changing the number


@pytest.mark.django_db
def test_changing_the_number_takes_effect_once_the_new_one_is_verified(client):
    user = phone_user()
    client.force_login(user)

    response = client.post("/accounts/phone/change/", {"phone": "139 1234 5678"})

    assert response.status_code == 302 and response["Location"] == "/accounts/phone/verify/"
    assert console.outbox[-1].phone == "+8613912345678"
    client.post("/accounts/phone/verify/", {"code": last_code()})
    user.phone.refresh_from_db()
    assert (user.phone.number, user.phone.verified) == ("+8613912345678", True)


@pytest.mark.django_db
def test_an_e_mail_account_adds_a_phone_and_then_signs_in_by_code(client):
    user = factories.user(password=PASSWORD, email="zhao@example.com")
    client.force_login(user)
    client.post("/accounts/phone/change/", {"phone": "13812345678"})
    client.post("/accounts/phone/verify/", {"code": last_code()})
    client.post("/accounts/logout/")

    request_code(client, "13812345678", fresh=False)
    client.post("/accounts/login/code/confirm/", {"code": last_code()})

    assert signed_in(client) == str(user.pk)


@pytest.mark.django_db
def test_a_number_another_account_verified_cannot_be_taken_and_the_page_says_what_to_do(client):
    owner = phone_user()
    other = factories.user(password=PASSWORD, email="zhao@example.com")
    client.force_login(other)

    client.post("/accounts/phone/change/", {"phone": "13812345678"})
    response = client.post("/accounts/phone/verify/", {"code": last_code()})

    assert response.status_code == 409
    page = response.content.decode()
    assert "这个手机号已属于另一个账户" in page and "用这个手机号和短信验证码登录那个账户" in page
    assert "微信绑定" not in page, "no WeChat step for someone without WeChat"
    assert not UserPhone.objects.filter(user=other).exists()
    assert UserPhone.objects.get(number=PHONE).user == owner


@pytest.mark.django_db
def test_the_app_is_told_phone_taken_when_changing_to_a_number_another_account_verified(client):
    owner = phone_user()
    other = factories.user(password=PASSWORD, email="zhao@example.com")
    token = app_session(client, other)
    client.post(APP_ACCOUNT + "/phone", {"phone": "13812345678"}, **app(token))

    response = client.post(f"{APP}/phone/verify", {"code": last_code()}, **app(token))

    [error] = response.json()["errors"]
    assert response.status_code == 400 and error["code"] == "phone_taken"
    assert "短信验证码登录那个账户" in error["message"] and "SMS code" in error["message"]
    assert UserPhone.objects.get(number=PHONE).user == owner
    assert UserPhone.objects.get(user=other).number == "+8613700000001"


# Numbers typed but never verified: a stranger's sign-up with your number gets nothing of yours


def stranger_signs_up_with(number: str = "138 1234 5678"):
    """Someone signs up with another person's number and their own password, and never sees the code."""
    stranger = Client()
    sign_up(stranger, phone=number, password1="Stranger-pass-99", password2="Stranger-pass-99")
    console.outbox.clear()
    cache.clear()  # a while later: allauth allows one code a minute per number
    return get_user_model().objects.get(phone__number=PHONE)


@pytest.mark.django_db
def test_the_owner_signing_in_by_code_never_lands_in_a_strangers_account_on_their_number(client):
    """Before: the code went out to the owner for the stranger's account, the owner typed it and was in
    the stranger's account (now "verified"), while the stranger kept a password into it."""
    stranger = stranger_signs_up_with()

    request_code(client, "13812345678", fresh=False)
    client.post("/accounts/login/code/confirm/", {"code": "123456"})

    assert signed_in(client) != str(stranger.pk)
    assert not console.outbox, "no code for an account the number was only typed into"
    assert not UserPhone.objects.get(user=stranger).verified


@pytest.mark.django_db
def test_a_number_typed_and_never_verified_does_not_sign_in_with_a_password(client):
    stranger = stranger_signs_up_with()

    client.post("/accounts/login/", {"login": "13812345678", "password": "Stranger-pass-99"})

    assert signed_in(client) is None
    assert not console.outbox, "before: a verification code texted to the owner, for the stranger"
    assert stranger.phone.number == PHONE


@pytest.mark.django_db
def test_the_owner_signs_up_with_their_number_and_takes_it_from_the_stranger(client):
    stranger = stranger_signs_up_with()

    response = sign_up(client)
    assert response["Location"] == "/accounts/phone/verify/"
    client.post("/accounts/phone/verify/", {"code": last_code()})

    owner = get_user_model().objects.get(pk=signed_in(client))
    assert owner != stranger
    assert (owner.phone.number, owner.phone.verified) == (PHONE, True)
    assert not UserPhone.objects.filter(user=stranger).exists()
    client.post("/accounts/logout/")
    request_code(client, "13812345678", fresh=False)
    client.post("/accounts/login/code/confirm/", {"code": last_code()})
    assert signed_in(client) == str(owner.pk)
    intruder = Client()
    intruder.post("/accounts/login/", {"login": "13812345678", "password": "Stranger-pass-99"})
    assert intruder.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_an_e_mail_account_verifying_the_number_takes_it_from_the_stranger(client):
    stranger = stranger_signs_up_with()
    owner = factories.user(password=PASSWORD, email="zhao@example.com")
    client.force_login(owner)

    client.post("/accounts/phone/change/", {"phone": "13812345678"})
    response = client.post("/accounts/phone/verify/", {"code": last_code()})

    assert response.status_code == 302
    assert UserPhone.objects.get(number=PHONE).user == owner and owner.phone.verified
    assert not UserPhone.objects.filter(user=stranger).exists()


@pytest.mark.django_db
def test_the_app_owner_signs_in_by_code_only_to_an_account_that_verified_the_number(client):
    client.post(
        f"{APP}/signup", {"phone": PHONE, "password": "Stranger-pass-99"}, content_type="application/json"
    )
    console.outbox.clear()

    response = client.post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")

    assert not console.outbox
    token = response.json()["meta"]["session_token"]
    confirm = client.post(f"{APP}/code/confirm", {"code": "123456"}, **app(token))
    assert confirm.status_code != 200
    assert not UserPhone.objects.get().verified


# Guesses per code, and allauth's limits on changing and resending codes


def app(token: str) -> dict:
    return {"content_type": "application/json", "headers": {"x-session-token": token}}


def app_session(client, user) -> str:
    """The app signed in as ``user`` by phone and code."""
    if not UserPhone.objects.filter(user=user).exists():
        UserPhone.objects.create(user=user, number="+8613700000001", verified=True)
    number = UserPhone.objects.get(user=user).number
    pending = client.post(f"{APP}/code/request", {"phone": number}, content_type="application/json")
    token = pending.json()["meta"]["session_token"]
    response = client.post(f"{APP}/code/confirm", {"code": last_code()}, **app(token))
    assert response.status_code == 200, response.content
    cache.clear()  # the counts of this sign-in are not what the test is about
    return response.json()["meta"]["session_token"]


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


@pytest.mark.django_db
def test_three_wrong_guesses_void_a_sign_in_code_on_the_page(client, settings):
    assert settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS == 3
    phone_user()
    request_code(client, PHONE, fresh=False)
    code = last_code()
    answers = [client.post("/accounts/login/code/confirm/", {"code": wrong(code)}) for _ in range(3)]

    late = client.post("/accounts/login/code/confirm/", {"code": code})

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 302 and late.status_code == 302
    assert late["Location"] == "/accounts/login/code/"
    assert signed_in(client) is None


@pytest.mark.django_db
def test_two_wrong_guesses_leave_the_code_good(client):
    user = phone_user()
    request_code(client, PHONE, fresh=False)
    code = last_code()
    for _ in range(2):
        client.post("/accounts/login/code/confirm/", {"code": wrong(code)})

    client.post("/accounts/login/code/confirm/", {"code": code})

    assert signed_in(client) == str(user.pk)


@pytest.mark.django_db
def test_three_wrong_guesses_void_a_sign_in_code_in_the_app(client):
    phone_user()
    pending = client.post(f"{APP}/code/request", {"phone": PHONE}, content_type="application/json")
    token = pending.json()["meta"]["session_token"]
    code = last_code()
    answers = [client.post(f"{APP}/code/confirm", {"code": wrong(code)}, **app(token)) for _ in range(3)]

    late = client.post(f"{APP}/code/confirm", {"code": code}, **app(token))

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert late.status_code == 409, late.content  # no sign-in pending any more


@pytest.mark.django_db
def test_the_app_changes_the_number_once_the_new_one_is_verified(client):
    user = phone_user()
    token = app_session(client, user)

    response = client.post(APP_ACCOUNT + "/phone", {"phone": "+8613912345678"}, **app(token))

    assert response.status_code == 202
    assert console.outbox[-1].phone == "+8613912345678"
    assert UserPhone.objects.get(user=user).number == PHONE, "not before the new number is verified"
    verified = client.post(f"{APP}/phone/verify", {"code": last_code()}, **app(token))
    assert verified.status_code == 200, verified.content
    user.phone.refresh_from_db()
    assert (user.phone.number, user.phone.verified) == ("+8613912345678", True)


@pytest.mark.django_db
def test_the_app_changes_the_number_at_most_once_a_minute(client):
    token = app_session(client, phone_user())
    client.post(APP_ACCOUNT + "/phone", {"phone": "+8613912345678"}, **app(token))

    again = client.post(APP_ACCOUNT + "/phone", {"phone": "+8613912345679"}, **app(token))

    assert again.status_code == 429
    assert [sms.phone for sms in console.outbox][-1] == "+8613912345678"


@pytest.mark.django_db
def test_the_phone_page_changes_the_number_at_most_once_a_minute(client):
    client.force_login(phone_user())
    client.post("/accounts/phone/change/", {"phone": "139 1234 5678"})

    again = client.post("/accounts/phone/change/", {"phone": "139 1234 5679"})

    assert again.status_code == 429
    assert len(console.outbox) == 1


@pytest.mark.django_db
def test_a_sign_up_resends_its_code_twice_and_no_more(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify_phone": "100/m/key,100/m/ip"}
    sign_up(client)
    for _ in range(2):
        client.post("/accounts/phone/verify/", {"action": "resend"})
    assert len(console.outbox) == 3

    page = client.get("/accounts/phone/verify/")
    client.post("/accounts/phone/verify/", {"action": "resend"})

    assert page.context["can_resend"] is False
    assert len(console.outbox) == 3


@pytest.mark.django_db
def test_a_sign_up_changes_its_number_twice_and_no_more(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify_phone": "100/m/key,100/m/ip"}
    sign_up(client)
    for number in ("13912345670", "13912345671"):
        client.post("/accounts/phone/verify/", {"action": "change", "phone": number})
    assert [sms.phone for sms in console.outbox][1:] == ["+8613912345670", "+8613912345671"]

    page = client.get("/accounts/phone/verify/")
    client.post("/accounts/phone/verify/", {"action": "change", "phone": "13912345672"})

    assert page.context["can_change"] is False
    assert len(console.outbox) == 3
    assert UserPhone.objects.get().number == "+8613912345671"


@pytest.mark.django_db
def test_the_app_resends_a_sign_up_code_twice_and_then_is_refused(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "verify_phone": "100/m/key,100/m/ip"}
    response = client.post(
        f"{APP}/signup", {"phone": PHONE, "password": PASSWORD}, content_type="application/json"
    )
    token = response.json()["meta"]["session_token"]

    answers = [client.post(f"{APP}/phone/verify/resend", **app(token)).status_code for _ in range(3)]

    assert answers == [200, 200, 409]
    assert len(console.outbox) == 3


@pytest.mark.django_db
def test_a_resend_within_the_minute_is_refused_by_allauths_limit(client):
    sign_up(client)

    client.post("/accounts/phone/verify/", {"action": "resend"})

    assert len(console.outbox) == 1


@pytest.mark.django_db
def test_the_phone_page_asks_for_a_picture_code_once_the_number_nears_its_limit(client, settings):
    settings.SMS_HUMAN_CHECK_PERCENT = 50
    settings.SMS_CODE_PER_PHONE_PER_HOUR = 2
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "change_phone": "100/m/user",
        "verify_phone": "100/m/key,100/m/ip",
    }
    user = phone_user()
    client.force_login(user)
    client.post("/accounts/phone/change/", {"phone": "139 1234 5678"})

    refused = client.post("/accounts/phone/change/", {"phone": "139 1234 5678"})
    page = refused.content.decode()
    answered = client.post("/accounts/phone/change/", {"phone": "139 1234 5678", **captcha_answer(page)})

    assert refused.status_code == 200 and "captcha" in refused.context["form"].errors
    assert 'class="captcha"' in page
    assert answered.status_code == 302
    assert len(console.outbox) == 2
