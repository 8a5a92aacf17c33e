"""The ``expire_holds`` job: expire holds whose time is over, then send the refunds still due (a paid
request the owner never answered is refunded in full). The clock is frozen at 1 September 2026, 10:00
Beijing time (tests/bookings/conftest.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import Booking
from bookings.payments.models import Refund
from bookings.payments.services import payment_succeeded
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import start_online

pytestmark = pytest.mark.django_db


@pytest.fixture
def unanswered_paid_request(on_request_room_type, stripe_api, clock) -> Booking:
    """A request paid online that the owner has not answered within its 24 hours."""
    booking, payment = start_online(on_request_room_type)
    payment_succeeded(payment=payment, provider_payment_reference="pi_test_1")
    clock.advance(hours=25)
    return booking


def run() -> str:
    out = StringIO()
    call_command("expire_holds", stdout=out)
    return out.getvalue()


def test_expire_holds_expires_a_paid_request_and_refunds_it_in_full(unanswered_paid_request, stripe_api):
    output = run()

    assert "已过期 1 个预订 Expired 1 bookings" in output
    assert "已发出 1 笔退款 Sent 1 refunds" in output
    booking = Booking.objects.get(pk=unanswered_paid_request.pk)
    assert (booking.status, booking.refund_due) == (Booking.Status.EXPIRED, booking.total)
    [sent] = stripe_api.calls("/v1/refunds")
    assert sent.params["amount"] == "40000"


def test_expire_holds_run_again_expires_and_refunds_nothing_more(unanswered_paid_request, stripe_api):
    run()

    output = run()

    assert "Expired 0 bookings" in output
    assert "Sent 0 refunds" in output
    assert len(stripe_api.calls("/v1/refunds")) == 1
    assert Refund.objects.count() == 1


def test_expire_holds_refunds_nothing_for_an_unpaid_hold(room_type, clock):
    booking = hold(room_type)
    clock.advance(minutes=16)

    output = run()

    assert "Expired 1 bookings" in output
    assert "已发出 0 笔退款 Sent 0 refunds" in output
    assert Booking.objects.get(pk=booking.pk).refund_due is None
