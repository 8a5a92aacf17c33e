import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client

from tests import factories
from villages.roles import GROUP_STAFF

PASSWORD = "Lishi-zaolin-2024"
NEW_PASSWORD = "Guihua-3A-village-77"
APP_LOGIN = "/_allauth/app/v1/auth/login"
APP_SESSION = "/_allauth/app/v1/auth/session"
ME = "/api/me"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts attempts in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def verified_user(**fields):
    user = factories.user(password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_up(client, email, prefix=""):
    return client.post(
        f"{prefix}/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )


def log_in(client, email, password=PASSWORD, prefix=""):
    return client.post(f"{prefix}/accounts/login/", {"login": email, "password": password})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def link_in(message, kind):
    match = re.search(rf"http://testserver(/\S*/{kind}/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def failed_login_limit_per_email():
    """The per-email ("key") limit on failed logins, read from ACCOUNT_RATE_LIMITS, e.g. 5 of "5/5m/key"."""
    rates = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    return next(int(rate.split("/")[0]) for rate in rates if rate.endswith("/key"))


def app_login(client, email, password=PASSWORD):
    return client.post(APP_LOGIN, {"email": email, "password": password}, content_type="application/json")


# Sign-up and email verification


@pytest.mark.django_db
def test_signing_up_in_chinese_sends_a_chinese_verification_email(client, mailoutbox):
    response = sign_up(client, "wang@example.com")

    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["wang@example.com"]
    assert message.subject == "[离石乡村旅游 Lishi Tourism] 请确认您的Email地址"
    assert "要确认这是正确的" in message.body
    assert link_in(message, "confirm-email").startswith("/accounts/confirm-email/")


@pytest.mark.django_db
def test_signing_up_in_english_sends_an_english_verification_email(client, mailoutbox):
    sign_up(client, "anna@example.com", prefix="/en")

    [message] = mailoutbox
    assert message.subject == "[离石乡村旅游 Lishi Tourism] Please Confirm Your Email Address"
    assert "To confirm this is correct" in message.body
    assert link_in(message, "confirm-email").startswith("/en/accounts/confirm-email/")


@pytest.mark.django_db
def test_verification_email_greets_with_the_site_name_not_the_server_name(client, mailoutbox):
    sign_up(client, "wang@example.com")

    assert "离石乡村旅游" in mailoutbox[0].body.split("\n")[0]
    assert "testserver!" not in mailoutbox[0].body


@pytest.mark.django_db
def test_signing_up_with_an_email_already_in_use_creates_no_second_account(client, mailoutbox):
    verified_user(email="wang@example.com")

    sign_up(client, "WANG@example.com")

    assert get_user_model().objects.filter(email__iexact="wang@example.com").count() == 1


@pytest.mark.django_db
def test_new_account_cannot_sign_in_before_the_email_is_verified(client, mailoutbox):
    sign_up(client, "wang@example.com")
    other_device = Client()

    response = log_in(other_device, "wang@example.com")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert signed_in_user_id(other_device) is None


@pytest.mark.django_db
def test_confirming_the_emailed_link_verifies_and_signs_in(client, mailoutbox):
    sign_up(client, "wang@example.com")
    link = link_in(mailoutbox[0], "confirm-email")

    page = client.get(link)
    response = client.post(link)

    assert page.status_code == 200
    assert response.status_code == 302
    user = get_user_model().objects.get(email="wang@example.com")
    assert signed_in_user_id(client) == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_after_confirming_the_user_signs_in_from_another_device(client, mailoutbox):
    sign_up(client, "wang@example.com")
    client.post(link_in(mailoutbox[0], "confirm-email"))
    other_device = Client()

    response = log_in(other_device, "wang@example.com")

    assert response.status_code == 302
    assert signed_in_user_id(other_device) is not None


@pytest.mark.django_db
def test_a_made_up_confirmation_link_verifies_nothing(client, mailoutbox):
    sign_up(client, "wang@example.com")

    client.post("/accounts/confirm-email/not-a-real-key/")

    assert not EmailAddress.objects.get(email="wang@example.com").verified
    assert signed_in_user_id(client) is None


# Password reset


@pytest.mark.django_db
def test_password_reset_link_sets_a_new_password(client, mailoutbox):
    verified_user(email="li@example.com")
    client.post("/accounts/password/reset/", {"email": "li@example.com"})
    [message] = mailoutbox
    reset_link = link_in(message, "password/reset/key")

    form_page = client.get(reset_link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert message.subject == "[离石乡村旅游 Lishi Tourism] 密码重置邮件"
    assert response.status_code == 302
    assert signed_in_user_id(log_in(Client(), "li@example.com", NEW_PASSWORD).client) is not None
    assert signed_in_user_id(log_in(Client(), "li@example.com", PASSWORD).client) is None


@pytest.mark.django_db
def test_password_reset_email_is_in_english_from_the_english_site(client, mailoutbox):
    verified_user(email="li@example.com")

    client.post("/en/accounts/password/reset/", {"email": "li@example.com"})

    assert mailoutbox[0].subject == "[离石乡村旅游 Lishi Tourism] Password Reset Email"
    assert "/en/accounts/password/reset/key/" in mailoutbox[0].body


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_no_reset_link(client, mailoutbox):
    verified_user(email="li@example.com")
    known = client.post("/accounts/password/reset/", {"email": "li@example.com"})

    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert "/password/reset/key/" not in mailoutbox[-1].body


@pytest.mark.django_db
def test_a_tampered_password_reset_link_offers_no_new_password_form(client, mailoutbox):
    verified_user(email="li@example.com")
    client.post("/accounts/password/reset/", {"email": "li@example.com"})
    tampered = link_in(mailoutbox[0], "password/reset/key")[:-3] + "xx/"

    page = client.get(tampered, follow=True).content.decode()

    assert 'name="password1"' not in page
    assert 'href="/accounts/password/reset/"' in page


# Login rate limit (allauth's own, from ACCOUNT_RATE_LIMITS)


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_password(client):
    verified_user(email="zhao@example.com")
    for _ in range(failed_login_limit_per_email()):
        log_in(client, "zhao@example.com", "wrong-password")

    response = log_in(client, "zhao@example.com")

    assert response.status_code == 200
    assert "登录失败次数过多，请稍后重试。" in response.content.decode()
    assert signed_in_user_id(client) is None


@pytest.mark.django_db
def test_lockout_message_is_in_english_on_the_english_site(client):
    verified_user(email="zhao@example.com")
    for _ in range(failed_login_limit_per_email()):
        log_in(client, "zhao@example.com", "wrong-password", prefix="/en")

    response = log_in(client, "zhao@example.com", prefix="/en")

    assert "Too many failed login attempts. Try again later." in response.content.decode()


@pytest.mark.django_db
def test_right_password_still_works_one_attempt_before_the_limit(client):
    verified_user(email="zhao@example.com")
    for _ in range(failed_login_limit_per_email() - 1):
        log_in(client, "zhao@example.com", "wrong-password")

    response = log_in(client, "zhao@example.com")

    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


@pytest.mark.django_db
def test_failed_web_logins_also_lock_the_app_login(client):
    verified_user(email="zhao@example.com")
    for _ in range(failed_login_limit_per_email()):
        log_in(client, "zhao@example.com", "wrong-password")

    response = app_login(Client(), "zhao@example.com")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"message": "登录失败次数过多，请稍后重试。", "code": "too_many_login_attempts"}
    ]


# The mini-program: allauth headless app client and /api/me


@pytest.mark.django_db
def test_app_login_returns_a_session_token_that_opens_api_me(client):
    user = verified_user(email="chen@example.com")

    login = app_login(client, "chen@example.com")
    token = login.json()["meta"]["session_token"]
    response = Client().get(ME, headers={"x-session-token": token})

    assert login.status_code == 200
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "chen@example.com",
        "phone": "",
        "roles": {"owner": False, "group_staff": False},
        "language": "zh-hans",
    }


@pytest.mark.django_db
def test_app_login_of_an_unverified_account_gives_no_token_that_opens_api_me(client, mailoutbox):
    sign_up(client, "wang@example.com")

    login = app_login(Client(), "wang@example.com")
    pending = login.json()
    token = pending.get("meta", {}).get("session_token", "")

    assert login.status_code == 401
    assert {"id": "verify_email", "is_pending": True} in [
        {key: flow.get(key) for key in ("id", "is_pending")} for flow in pending["data"]["flows"]
    ]
    assert Client().get(ME, headers={"x-session-token": token}).status_code == 401


@pytest.mark.django_db
def test_app_login_with_a_wrong_password_gives_no_token(client):
    verified_user(email="chen@example.com")

    response = app_login(client, "chen@example.com", "wrong-password")

    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


@pytest.mark.django_db
def test_session_token_stops_working_after_the_app_logs_out(client):
    verified_user(email="chen@example.com")
    token = app_login(client, "chen@example.com").json()["meta"]["session_token"]

    logout = client.delete(APP_SESSION, headers={"x-session-token": token})

    assert logout.status_code == 401
    assert Client().get(ME, headers={"x-session-token": token}).status_code == 401


@pytest.mark.django_db
def test_api_me_reports_owner_and_group_staff_roles(client):
    user = verified_user()
    factories.homestay(owner=user)
    user.groups.add(Group.objects.create(name=GROUP_STAFF))
    client.force_login(user)

    assert client.get(ME).json()["roles"] == {"owner": True, "group_staff": True}


@pytest.mark.django_db
def test_api_me_works_with_the_browser_session_cookie(client):
    user = verified_user()
    client.force_login(user)

    response = client.get(ME)

    assert response.status_code == 200
    assert response.json()["id"] == user.pk


@pytest.mark.django_db
@pytest.mark.parametrize(("accept_language", "language"), [("en-US,en;q=0.9", "en"), ("zh-CN", "zh-hans")])
def test_api_me_reports_the_language_the_phone_asks_for(client, accept_language, language):
    client.force_login(verified_user())

    response = client.get(ME, headers={"accept-language": accept_language})

    assert response.json()["language"] == language


@pytest.mark.django_db
def test_api_me_tells_an_anonymous_visitor_to_sign_in(client):
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "请先登录。Please sign in."}


@pytest.mark.django_db
def test_api_me_refuses_a_made_up_session_token(client):
    verified_user(email="chen@example.com")

    response = client.get(ME, headers={"x-session-token": "made-up-token"})

    assert response.status_code == 401


@pytest.mark.django_db
def test_openapi_document_tells_clients_to_send_the_x_session_token_header(client):
    schemes = client.get("/api/openapi.json").json()["components"]["securitySchemes"]

    assert schemes["SessionTokenAuth"] == {"type": "apiKey", "in": "header", "name": "X-Session-Token"}


# Pages look like the site, in both languages


@pytest.mark.django_db
def test_account_settings_pages_show_the_account_menu(client):
    client.force_login(verified_user())

    page = client.get("/accounts/password/change/").content.decode()

    assert 'class="account-nav"' in page
    assert '<a class="chip" href="/accounts/password/change/" aria-current="page">' in page
    assert 'href="/accounts/email/"' in page


def title_of(page):
    match = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert match is not None
    return " ".join(match.group(1).split())


@pytest.mark.django_db
def test_sign_in_page_is_a_chinese_site_page(client):
    page = client.get("/accounts/login/").content.decode()

    assert '<html lang="zh-Hans">' in page
    assert 'class="site-header"' in page
    assert title_of(page) == "登录 · 离石乡村旅游"
    assert "/static/css/accounts.css" in page


@pytest.mark.django_db
def test_sign_up_page_is_english_under_en(client):
    page = client.get("/en/accounts/signup/").content.decode()

    assert '<html lang="en">' in page
    assert title_of(page).startswith("Signup · ")
    assert '<label for="id_email">Email' in page
