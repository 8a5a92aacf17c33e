"""allauth's own rate limits (ACCOUNT_RATE_LIMITS): past the number of sign-ups or sign-in attempts one
address may make in a minute, the answer is 429 with a page in Chinese first, and nothing happens; another
address is not affected."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Lishi-zaolin-2024"
TOO_MANY = "请求过于频繁"
APP_LOGIN = "/_allauth/app/v1/auth/login"


def per_minute_per_address(action: str) -> int:
    """The per-IP limit of an allauth action, e.g. 20 of "20/m/ip"."""
    rates = settings.ACCOUNT_RATE_LIMITS[action].split(",")
    return next(int(rate.split("/")[0]) for rate in rates if rate.endswith("/m/ip"))


def sign_up(client, email, password2=PASSWORD):
    return client.post("/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": password2})


def log_in(client, data):
    return client.post("/accounts/login/", data)


@pytest.fixture
def member():
    user = factories.user(email="zhou@example.com", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_past_the_limit_signing_up_answers_429_and_creates_no_account(client):
    for number in range(per_minute_per_address("signup")):
        assert sign_up(client, f"typo{number}@example.com", password2="mismatch").status_code == 200

    response = sign_up(client, "new@example.com")

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_sign_ups_from_another_address_are_not_limited(client):
    for number in range(per_minute_per_address("signup")):
        sign_up(client, f"typo{number}@example.com", password2="mismatch")

    response = sign_up(Client(REMOTE_ADDR="203.0.113.9"), "new@example.com")

    assert response.status_code == 302
    assert get_user_model().objects.filter(email="new@example.com").exists()


def test_past_the_limit_signing_in_answers_429_even_with_the_right_password(client, member):
    # Empty forms: attempts that are not wrong passwords, so the failed-login lock does not come first.
    for _ in range(per_minute_per_address("login")):
        assert log_in(client, {}).status_code == 200

    response = log_in(client, {"login": member.email, "password": PASSWORD})

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_apps_sign_in_shares_the_limit(client, member):
    for _ in range(per_minute_per_address("login")):
        log_in(client, {})

    response = client.post(
        APP_LOGIN, {"email": member.email, "password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 429
    assert "session_token" not in response.content.decode()


# Behind the reverse proxy of docs/deployment.md every request comes from the proxy's address; the proxy
# appends the address it was called from to X-Forwarded-For (``behind_the_documented_proxy``).
PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.23"


def through_proxy(address: str, forged: str = "") -> dict:
    """The request's addresses as the proxy passes them on; ``forged`` is what the client itself put in
    X-Forwarded-For, which the proxy keeps and appends to."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{forged}, {address}" if forged else address}


def fail_to_sign_in(times: int, address: str, forged: str = "") -> None:
    client = Client()
    for number in range(times):
        data = {"login": f"guess{number}@example.com", "password": "wrong"}
        addresses = through_proxy(address, forged=f"{forged}{number}" if forged else "")
        assert client.post("/accounts/login/", data, **addresses).status_code == 200


def signs_in(member, addresses: dict) -> bool:
    client = Client(**addresses)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    return "_auth_user_id" in client.session


def test_behind_the_proxy_one_clients_failed_sign_ins_do_not_lock_out_another(
    behind_the_documented_proxy, member
):
    fail_to_sign_in(per_minute_per_address("login_failed"), CLIENT_A)

    assert not signs_in(member, through_proxy(CLIENT_A))
    assert signs_in(member, through_proxy(CLIENT_B))


def test_behind_the_proxy_a_made_up_x_forwarded_for_does_not_escape_the_lock(
    behind_the_documented_proxy, member
):
    fail_to_sign_in(per_minute_per_address("login_failed"), CLIENT_A, forged="192.0.2.")

    assert not signs_in(member, through_proxy(CLIENT_A, forged="192.0.2.200"))


def test_behind_the_proxy_sign_ups_are_limited_per_client(behind_the_documented_proxy):
    client_a = Client(**through_proxy(CLIENT_A))
    for number in range(per_minute_per_address("signup")):
        sign_up(client_a, f"typo{number}@example.com", password2="mismatch")

    assert sign_up(client_a, "late@example.com").status_code == 429
    assert sign_up(Client(**through_proxy(CLIENT_B)), "new@example.com").status_code == 302
    assert get_user_model().objects.filter(email="new@example.com").exists()


def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(member):
    """The development default: nothing in front, so the header is the client's own word."""
    fail_to_sign_in(per_minute_per_address("login_failed"), CLIENT_A)

    assert not signs_in(member, through_proxy(CLIENT_B))
