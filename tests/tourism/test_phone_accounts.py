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
    assert "这个手机号已被其他账户使用" in response.content.decode()
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
def test_a_number_of_another_account_cannot_be_taken(client):
    phone_user()
    other = factories.user(password=PASSWORD, email="zhao@example.com")
    client.force_login(other)

    client.post("/accounts/phone/change/", {"phone": "13812345678"})

    assert not UserPhone.objects.filter(user=other).exists()
