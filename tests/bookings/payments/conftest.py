"""Payments tests: Stripe enabled with test keys and the fake API in place of the network."""

import json

import pytest

from bookings.payments.services import payment_start
from tests.bookings.helpers import hold
from tests.bookings.payments import fakes

SUCCESS_URL = "https://lishi.example/payments/done/"
CANCEL_URL = "https://lishi.example/payments/cancelled/"


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Every payment test runs with online payment on (``stripe_api`` in tests/conftest.py)."""


@pytest.fixture
def send_event(client, django_capture_on_commit_callbacks):
    """Deliver a signed Stripe event to the webhook, running what waits for the commit (refunds)."""

    def send(event_type: str, stripe_object: dict, event_id: str | None = None):
        payload = json.dumps(fakes.event(event_type, stripe_object, event_id))
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                fakes.WEBHOOK_URL,
                data=payload,
                content_type="application/json",
                headers={"Stripe-Signature": fakes.signed(payload)},
            )

    return send


def start_online(room_type, **fields):
    """A booking held for online payment with its Checkout Session opened."""
    booking = hold(room_type, **fields)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    return booking, payment
