"""The guest's payment pages: start (POST, then off to Stripe), back from Stripe, payment given up."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from bookings.models import Booking
from bookings.payments.models import Payment
from bookings.payments.services import payment_succeeded
from bookings.payments.views import return_token
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db


def start_url(booking) -> str:
    return reverse("payments:start", args=[booking.reference])


def test_starting_payment_sends_the_guest_to_stripe_checkout(client, room_type, stripe_api):
    booking = hold(room_type)
    response = client.post(start_url(booking))
    payment = Payment.objects.get(booking=booking)
    assert response.status_code == 303
    assert response["Location"] == payment.redirect_url
    assert response["Location"].startswith("https://checkout.stripe.com/")


def test_stripe_is_given_absolute_return_addresses_on_this_site(client, room_type, stripe_api):
    booking = hold(room_type)
    client.post(start_url(booking))
    [sent] = stripe_api.calls("/v1/checkout/sessions")
    assert sent.params["success_url"].startswith(f"http://testserver/payments/{booking.reference}/done/?t=")
    assert sent.params["cancel_url"].startswith(
        f"http://testserver/payments/{booking.reference}/cancelled/?t="
    )


def returned_to(stripe_api, kind: str) -> str:
    """The path and query Stripe sends the guest back to (``success_url`` or ``cancel_url``)."""
    url = urlsplit(stripe_api.calls("/v1/checkout/sessions")[0].params[kind])
    return f"{url.path}?{url.query}"


@pytest.fixture
def paid_elsewhere(room_type, stripe_api):
    """A signed-in guest's booking whose payment was started from an app: the browser Stripe sends
    back is not signed in."""
    guest = factories.user()
    booking = hold(room_type, user=guest)
    owner = Client()
    owner.force_login(guest)
    owner.post(start_url(booking))
    return booking


def test_the_return_address_opens_the_result_page_without_signing_in(client, paid_elsewhere, stripe_api):
    response = client.get(returned_to(stripe_api, "success_url"))

    assert response.status_code == 200
    assert paid_elsewhere.reference in response.text
    assert "13800138000" not in response.text


def test_the_cancel_return_address_lets_the_guest_try_paying_again(client, paid_elsewhere, stripe_api):
    page = client.get(returned_to(stripe_api, "cancel_url"))
    form = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert form is not None
    retry = form.group(1).replace("&amp;", "&")

    response = client.post(retry)

    assert page.status_code == 200
    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/")


@pytest.mark.parametrize("token", ["", "?t=forged", "?t=other"])
def test_a_result_page_without_a_valid_token_is_not_found(client, paid_elsewhere, stripe_api, token):
    if token == "?t=other":
        other = hold(factories.room_type(), user=factories.user())
        token = f"?t={return_token(other)}"

    response = client.get(reverse("payments:done", args=[paid_elsewhere.reference]) + token)

    assert response.status_code == 404


def test_a_return_address_older_than_a_day_is_not_found(client, paid_elsewhere, stripe_api, monkeypatch):
    path = returned_to(stripe_api, "success_url")
    later = time.time() + 25 * 3600
    monkeypatch.setattr(time, "time", lambda: later)

    assert client.get(path).status_code == 404


def test_starting_payment_needs_a_post(client, room_type):
    assert client.get(start_url(hold(room_type))).status_code == 405


def test_someone_elses_booking_is_not_found(client, room_type):
    booking = hold(room_type, user=factories.user())
    client.force_login(factories.user())
    assert client.post(start_url(booking)).status_code == 404
    assert client.get(reverse("payments:done", args=[booking.reference])).status_code == 404


def test_an_unknown_reference_is_not_found(client, db):
    assert client.post("/payments/NOSUCH42/start/").status_code == 404


def test_a_booking_with_nothing_to_pay_explains_why(client, room_type):
    booking = hold(room_type)
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    response = client.post(start_url(booking))
    assert response.status_code == 409
    assert "无需付款" in response.text


def test_without_stripe_keys_online_payment_is_unavailable(client, room_type, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = client.post(start_url(hold(room_type)))
    assert response.status_code == 503
    assert "暂时无法发起在线支付" in response.text


def test_a_pay_at_homestay_booking_goes_straight_to_its_result_page(client, room_type, stripe_api):
    booking = hold(room_type, payment=Booking.Payment.AT_HOMESTAY)
    response = client.post(start_url(booking))
    assert response.status_code == 303
    assert urlsplit(response["Location"]).path == reverse("payments:done", args=[booking.reference])
    assert "到店付款" in client.get(response["Location"]).text
    assert stripe_api.sent == []


def test_the_result_page_waits_for_the_payment_and_refreshes(client, room_type):
    booking = hold(room_type)
    response = client.get(reverse("payments:done", args=[booking.reference]))
    assert "正在确认付款结果" in response.text
    assert 'http-equiv="refresh"' in response.text


def test_the_result_page_shows_a_confirmed_booking(client, room_type, stripe_api):
    booking = hold(room_type)
    client.post(start_url(booking))
    payment_succeeded(payment=Payment.objects.get(booking=booking))
    response = client.get(reverse("payments:done", args=[booking.reference]))
    assert "付款成功，预订已确认" in response.text
    assert reverse("bookings:detail", args=[booking.reference]) in response.text
    assert "http-equiv" not in response.text
    assert "13800138000" not in response.text


def test_the_result_page_speaks_the_language_the_guest_booked_in(client, room_type):
    english = hold(room_type, language="en")
    response = client.get(
        reverse("payments:done", args=[english.reference]), headers={"Accept-Language": "zh"}
    )
    assert response.status_code == 200
    assert 'lang="en"' in response.text


def test_the_result_page_of_a_chinese_booking_is_chinese(client, room_type):
    chinese = hold(room_type, language="zh-hans")
    response = client.get(
        reverse("payments:done", args=[chinese.reference]), headers={"Accept-Language": "en"}
    )
    assert 'lang="zh-Hans"' in response.text


def test_a_guest_who_gave_up_paying_can_try_again_until_the_hold_ends(client, room_type):
    booking = hold(room_type)
    response = client.get(reverse("payments:cancelled", args=[booking.reference]))
    assert "重新付款" in response.text
    assert start_url(booking) in response.text
    assert "10:15" in response.text


def test_after_the_hold_ends_the_guest_is_asked_to_book_again(client, room_type, clock):
    booking = hold(room_type)
    clock.advance(minutes=20)
    response = client.get(reverse("payments:cancelled", args=[booking.reference]))
    assert "请重新预订" in response.text
    assert "重新付款" not in response.text
