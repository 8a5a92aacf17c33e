"""What goes to Stripe: checked on the wire, through the real StripeClient and a fake HTTP client."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import requests
from django.urls import reverse
from django.utils import timezone
from stripe.params.checkout import SessionCreateParams

from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.payments.services import PaymentUnavailable, payment_start, refund_for_cancellation
from bookings.payments.stripe_checkout import StripeCheckout
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL, start_online
from tests.bookings.payments.fakes import session_object

pytestmark = pytest.mark.django_db
SESSIONS = "/v1/checkout/sessions"


def test_checkout_session_asks_for_the_total_in_fen_and_cny(room_type, stripe_api):
    booking, _payment = start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    assert booking.total == Decimal("400.00")
    assert sent.method == "post"
    assert sent.params["mode"] == "payment"
    assert sent.params["line_items[0][price_data][unit_amount]"] == "40000"
    assert sent.params["line_items[0][price_data][currency]"] == "cny"
    assert sent.params["line_items[0][quantity]"] == "1"
    assert sent.params["client_reference_id"] == booking.reference


def test_checkout_session_create_carries_the_payments_idempotency_key(room_type, stripe_api):
    _booking, payment = start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    assert sent.headers["Idempotency-Key"] == f"checkout-{payment.idempotency_key}"
    assert sent.headers["Authorization"] == "Bearer sk_test_fake"


def test_checkout_session_names_booking_and_payment_in_its_metadata(room_type, stripe_api):
    booking, payment = start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    assert sent.params["metadata[booking]"] == booking.reference
    assert sent.params["metadata[payment]"] == str(payment.pk)
    assert sent.params["payment_intent_data[metadata][payment]"] == str(payment.pk)
    assert sent.params["success_url"] == SUCCESS_URL
    assert sent.params["cancel_url"] == CANCEL_URL


def test_checkout_session_sends_no_personal_details_of_the_guest(room_type, stripe_api):
    start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    body = " ".join(sent.params.values())
    assert "张三" not in body
    assert "13800138000" not in body


def test_card_is_the_only_method_by_default(room_type, stripe_api):
    start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    methods = [value for key, value in sent.params.items() if key.startswith("allowed_payment_method_types")]
    assert methods == ["card"]
    assert "payment_method_options[wechat_pay][client]" not in sent.params


def test_alipay_and_wechat_pay_come_from_settings_with_the_web_client(room_type, stripe_api, settings):
    settings.STRIPE_PAYMENT_METHODS = ["card", "alipay", "wechat_pay"]
    start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    assert sent.params["allowed_payment_method_types[0]"] == "card"
    assert sent.params["allowed_payment_method_types[1]"] == "alipay"
    assert sent.params["allowed_payment_method_types[2]"] == "wechat_pay"
    assert sent.params["payment_method_options[wechat_pay][client]"] == "web"


def test_checkout_session_sends_only_parameters_the_sdks_api_version_takes(room_type, stripe_api, settings):
    """The SDK sends its own API version (2026-10-28.endive for stripe 16), which no longer takes
    ``payment_method_types``; its parameter types list what that version takes."""
    settings.STRIPE_PAYMENT_METHODS = ["card", "alipay", "wechat_pay"]
    start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    sent_names = {name.partition("[")[0] for name in sent.params}
    taken = SessionCreateParams.__required_keys__ | SessionCreateParams.__optional_keys__
    assert sent_names <= taken, sent_names - taken
    assert "allowed_payment_method_types" in sent_names


def test_checkout_page_speaks_the_language_of_the_booking(room_type, stripe_api):
    start_online(room_type, language="en")
    [sent] = stripe_api.calls(SESSIONS)
    assert sent.params["locale"] == "en"


def test_session_expires_at_stripes_minimum_and_the_hold_is_extended_to_it(room_type, stripe_api):
    booking, payment = start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    expires_at = datetime.fromtimestamp(int(sent.params["expires_at"]), tz=timezone.now().tzinfo)
    assert expires_at == timezone.now() + timedelta(minutes=31)
    assert payment.expires_at == expires_at
    assert Booking.objects.get(pk=booking.pk).hold_expires_at == expires_at


def test_a_hold_longer_than_stripes_minimum_is_kept_as_it_is(room_type, stripe_api, settings):
    settings.BOOKING_PAYMENT_HOLD_MINUTES = 60
    booking, _payment = start_online(room_type)
    [sent] = stripe_api.calls(SESSIONS)
    assert int(sent.params["expires_at"]) == int(booking.hold_expires_at.timestamp())
    assert Booking.objects.get(pk=booking.pk).hold_expires_at == booking.hold_expires_at


def test_starting_again_reuses_the_open_session(room_type, stripe_api):
    booking, first = start_online(room_type)
    again = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert again.pk == first.pk
    assert again.redirect_url == first.redirect_url
    assert len(stripe_api.calls(SESSIONS)) == 1


def test_a_refused_session_makes_payment_unavailable_and_fails_the_payment(room_type, stripe_api):
    stripe_api.fail.append((400, "invalid_request_error"))
    booking = hold(room_type)
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    payment = Payment.objects.get(booking=booking)
    assert payment.status == Payment.Status.FAILED


def test_after_a_network_failure_the_retry_sends_the_same_idempotency_key(room_type, stripe_api):
    stripe_api.fail.append((429, "rate_limit_error"))
    booking = hold(room_type)
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    first, second = stripe_api.calls(SESSIONS)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert first.params == second.params
    assert payment.redirect_url.startswith("https://checkout.stripe.com/")


def test_refund_asks_for_the_amount_in_fen_on_the_payment_intent(room_type, stripe_api, send_event):
    booking, payment = start_online(room_type)
    payment.refresh_from_db()
    send_event("checkout.session.completed", session_object(payment))
    booking = booking_cancel(booking=booking, by=Booking.Party.GUEST)
    [refund] = refund_for_cancellation(booking=booking)
    [sent] = stripe_api.calls("/v1/refunds")
    assert sent.params["amount"] == str(int(refund.amount * 100))
    assert sent.params["payment_intent"] == "pi_test_1"
    assert sent.params["metadata[refund]"] == str(refund.pk)
    assert sent.headers["Idempotency-Key"] == f"refund-{refund.idempotency_key}"
    assert refund.provider_reference.startswith("re_test_")
    assert refund.status == Refund.Status.PENDING


def test_cancelling_an_unpaid_booking_expires_its_open_session(room_type, stripe_api):
    booking, payment = start_online(room_type)
    booking = booking_cancel(booking=booking, by=Booking.Party.GUEST)
    assert refund_for_cancellation(booking=booking) == []
    [sent] = stripe_api.calls(f"{SESSIONS}/{payment.provider_reference}/expire")
    assert sent.method == "post"
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.EXPIRED


# Timeouts: a Stripe that does not answer costs the guest seconds, never the worker


def stripe_goes_silent(monkeypatch) -> list:
    """From now on, Stripe's own HTTP client (the one used in production) talks to a Stripe that never
    answers: each try records the timeout it was given and fails the way requests fails when that
    timeout passes. Returns the timeouts of the tries."""
    monkeypatch.setattr(StripeCheckout, "http_client", None)
    tries = []

    def request(session, method, url, **kwargs):
        tries.append(kwargs.get("timeout"))
        raise requests.exceptions.ReadTimeout(f"Read timed out. (read timeout={kwargs.get('timeout')})")

    monkeypatch.setattr(requests.Session, "request", request)
    return tries


def test_a_silent_stripe_on_the_pay_page_answers_503_in_time_and_the_hold_stays(
    client, room_type, monkeypatch
):
    booking = hold(room_type)
    tries = stripe_goes_silent(monkeypatch)

    response = client.post(reverse("payments:start", args=[booking.reference]))

    booking.refresh_from_db()
    assert response.status_code == 503
    assert "暂时无法发起在线支付" in response.text
    assert "Online payment is not available right now" in response.text
    # Connect 3 s and read 6 s, tried twice: at most 18.5 s, within gunicorn's 30 s.
    assert tries == [(3.0, 6.0), (3.0, 6.0)]
    assert booking.status == Booking.Status.HELD
    assert booking.hold_expires_at == timezone.now() + timedelta(minutes=31)  # extended for Checkout, kept


def test_a_silent_stripe_on_the_pay_api_answers_503_in_time_and_the_hold_stays(
    client, room_type, monkeypatch
):
    guest = factories.user()
    booking = hold(room_type, user=guest)
    client.force_login(guest)
    tries = stripe_goes_silent(monkeypatch)

    response = client.post(f"/api/bookings/{booking.reference}/pay", content_type="application/json")

    booking.refresh_from_db()
    assert response.status_code == 503
    assert response.json()["code"] == "payment_unavailable"
    assert response.json()["detail"].startswith("暂时无法发起在线支付")
    assert tries == [(3.0, 6.0), (3.0, 6.0)]
    assert booking.status == Booking.Status.HELD
    assert booking.hold_expires_at == timezone.now() + timedelta(minutes=31)
    assert booking.awaiting_payment


def test_every_stripe_call_carries_the_configured_timeouts(
    room_type, stripe_api, send_event, settings, monkeypatch
):
    settings.PAYMENT_PROVIDER_CONNECT_TIMEOUT = 1.5
    settings.PAYMENT_PROVIDER_READ_TIMEOUT = 4
    settings.PAYMENT_PROVIDER_RETRIES = 0
    booking, payment = start_online(room_type)
    send_event("checkout.session.completed", session_object(Payment.objects.get(pk=payment.pk)))
    booking = booking_cancel(booking=booking, by=Booking.Party.GUEST)
    tries = stripe_goes_silent(monkeypatch)

    [refund] = refund_for_cancellation(booking=booking)

    assert tries == [(1.5, 4.0)]  # the refund, tried once
    assert (refund.status, refund.provider_reference) == (Refund.Status.PENDING, "")  # sent again later
    assert "Stripe" in refund.attention_note
