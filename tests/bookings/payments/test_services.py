"""Paying at the homestay, cancellation refunds and the refund safety net."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.errors import IllegalTransition
from bookings.ledger import Kind, LedgerEntry, ledger_balances
from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.payments.services import (
    PaymentUnavailable,
    payment_mark_paid_at_homestay,
    payment_start,
    payment_succeeded,
    refund_cash_handed_back,
    refund_for_cancellation,
    refunds_send_due,
)
from bookings.services import booking_cancel, booking_check_in, bookings_expire_due
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL, start_online

pytestmark = pytest.mark.django_db
Status = Booking.Status
Party = Booking.Party
REFUNDS = "/v1/refunds"
# Received and passed on: with no revenue-share rule for the village, the owner is owed all of it.
PAID = {"cash_provider": Decimal("400.00"), "guest": Decimal("0.00"), "owner_payable": Decimal("-400.00")}


def paid_online(room_type, **fields) -> Booking:
    booking, payment = start_online(room_type, **fields)
    payment = Payment.objects.get(pk=payment.pk)
    payment_succeeded(payment=payment, provider_payment_reference="pi_test_1")
    return Booking.objects.get(pk=booking.pk)


@pytest.fixture
def no_stripe_keys(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


# Paying at the homestay


def test_the_owner_marks_a_booking_paid_at_the_homestay_without_any_stripe_keys(room_type, no_stripe_keys):
    booking = hold(room_type, payment=Booking.Payment.AT_HOMESTAY)
    owner = factories.user()
    payment = payment_mark_paid_at_homestay(booking=booking, by=owner)
    assert (payment.provider, payment.status) == ("at_homestay", "succeeded")
    assert payment.amount == Decimal("400.00")
    assert payment.applied
    assert payment.recorded_by == owner
    assert Booking.objects.get(pk=booking.pk).is_paid
    assert ledger_balances(booking=booking) == PAID
    assert set(LedgerEntry.objects.values_list("provider", flat=True)) == {"at_homestay"}


def test_marking_paid_at_the_homestay_twice_records_one_payment(room_type, clock):
    booking = hold(room_type, payment=Booking.Payment.AT_HOMESTAY)
    clock.set("2026-09-08 15:00")
    booking = booking_check_in(booking=booking)
    first = payment_mark_paid_at_homestay(booking=booking)
    second = payment_mark_paid_at_homestay(booking=booking)
    assert first.pk == second.pk
    assert LedgerEntry.objects.filter(kind=Kind.PAYMENT_RECEIVED).count() == 2


def test_an_online_booking_cannot_be_marked_paid_at_the_homestay(room_type):
    booking = hold(room_type)
    with pytest.raises(IllegalTransition):
        payment_mark_paid_at_homestay(booking=booking)
    assert not Payment.objects.exists()


def test_a_request_not_yet_approved_cannot_be_marked_paid(on_request_room_type):
    booking = hold(on_request_room_type, payment=Booking.Payment.AT_HOMESTAY)
    with pytest.raises(IllegalTransition):
        payment_mark_paid_at_homestay(booking=booking)


def test_starting_a_pay_at_homestay_payment_sends_nobody_anywhere(room_type, stripe_api):
    booking = hold(room_type, payment=Booking.Payment.AT_HOMESTAY)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert (payment.provider, payment.status, payment.redirect_url) == ("at_homestay", "pending", "")
    assert payment_mark_paid_at_homestay(booking=booking).pk == payment.pk
    assert stripe_api.sent == []


# Starting online payments


def test_online_payment_is_unavailable_without_stripe_keys(room_type, no_stripe_keys):
    booking = hold(room_type)
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert not Payment.objects.exists()


def test_a_paid_booking_cannot_be_paid_again(room_type):
    booking = paid_online(room_type)
    with pytest.raises(IllegalTransition):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)


def test_a_booking_whose_hold_is_over_cannot_start_paying(room_type, clock, stripe_api):
    booking = hold(room_type)
    clock.advance(minutes=16)
    with pytest.raises(IllegalTransition, match="保留时间已过"):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    assert stripe_api.sent == []


# Cancellation refunds


def test_a_late_guest_cancellation_refunds_what_the_policy_gives(room_type, clock, stripe_api):
    booking = paid_online(room_type)  # moderate policy: half back from 4 days before arrival
    clock.set("2026-09-06 09:00")
    booking = booking_cancel(booking=booking, by=Party.GUEST)
    [refund] = refund_for_cancellation(booking=booking)
    assert booking.refund_due == Decimal("200.00")
    assert (refund.amount, refund.reason) == (Decimal("200.00"), Refund.Reason.CANCELLATION)
    assert stripe_api.calls(REFUNDS)[0].params["amount"] == "20000"


def test_refunding_a_cancellation_twice_refunds_once(room_type, stripe_api):
    booking = paid_online(room_type)
    booking = booking_cancel(booking=booking, by=Party.GUEST)
    refund_for_cancellation(booking=booking)
    assert refund_for_cancellation(booking=booking) == []
    assert Refund.objects.count() == 1
    assert len(stripe_api.calls(REFUNDS)) == 1


def test_nothing_is_refunded_when_the_policy_gives_nothing(room_type, clock, stripe_api):
    room_type.homestay.cancellation_policy = "strict"
    room_type.homestay.save()
    booking = paid_online(room_type)
    booking = booking_cancel(booking=booking, by=Party.GUEST)
    assert refund_for_cancellation(booking=booking) == []
    assert stripe_api.calls(REFUNDS) == []


def test_an_owner_cancellation_refunds_everything_whatever_the_policy(room_type, stripe_api):
    room_type.homestay.cancellation_policy = "strict"
    room_type.homestay.save()
    booking = paid_online(room_type)
    booking = booking_cancel(booking=booking, by=Party.OWNER)
    [refund] = refund_for_cancellation(booking=booking)
    assert refund.amount == Decimal("400.00")


def test_a_refund_stripe_refuses_is_failed_and_flagged(room_type, stripe_api):
    booking = booking_cancel(booking=paid_online(room_type), by=Party.GUEST)
    stripe_api.fail.append((400, "invalid_request_error"))
    [refund] = refund_for_cancellation(booking=booking)
    assert refund.status == Refund.Status.FAILED
    assert refund.needs_attention
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("400.00")


def test_after_a_failed_refund_asking_again_sends_nothing_more_it_is_left_to_staff(room_type, stripe_api):
    """A cancel repeated by the guest's app must not pay out again what staff may already have repaid by
    hand: a failed refund is flagged and staff decide."""
    booking = booking_cancel(booking=paid_online(room_type), by=Party.GUEST)
    stripe_api.fail.append((400, "invalid_request_error"))
    [failed] = refund_for_cancellation(booking=booking)
    assert (failed.status, failed.needs_attention) == (Refund.Status.FAILED, True)

    assert refund_for_cancellation(booking=booking) == []
    assert len(stripe_api.calls("/v1/refunds")) == 1
    assert Refund.objects.count() == 1


def test_a_refund_that_could_not_reach_stripe_is_resent_later_with_the_same_key(room_type, stripe_api, clock):
    booking = booking_cancel(booking=paid_online(room_type), by=Party.GUEST)
    stripe_api.offline = True
    [refund] = refund_for_cancellation(booking=booking)
    assert (refund.status, refund.provider_reference) == (Refund.Status.PENDING, "")
    stripe_api.offline = False
    clock.advance(minutes=5)
    assert refunds_send_due() == 1
    refund = Refund.objects.get(pk=refund.pk)
    assert refund.provider_reference.startswith("re_test_")
    [sent] = stripe_api.calls(REFUNDS)
    assert sent.headers["Idempotency-Key"] == f"refund-{refund.idempotency_key}"


def test_a_paid_request_that_expired_unanswered_is_refunded_by_the_safety_net(
    on_request_room_type, clock, stripe_api
):
    booking = paid_online(on_request_room_type)
    assert booking.awaiting_approval
    clock.advance(hours=25)
    bookings_expire_due()
    assert refunds_send_due() == 1
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.reason) == (booking.total, Refund.Reason.CANCELLATION)
    assert refund.provider_reference.startswith("re_test_")
    assert refunds_send_due() == 0


def test_the_safety_net_leaves_failed_refunds_to_staff(room_type, stripe_api, clock):
    booking = booking_cancel(booking=paid_online(room_type), by=Party.GUEST)
    stripe_api.fail.append((400, "invalid_request_error"))
    refund_for_cancellation(booking=booking)
    clock.advance(minutes=5)
    assert refunds_send_due() == 0
    assert Refund.objects.count() == 1


def test_a_cash_refund_waits_until_the_owner_hands_the_money_back(room_type, clock):
    booking = hold(room_type, payment=Booking.Payment.AT_HOMESTAY)
    payment_mark_paid_at_homestay(booking=booking)
    booking = booking_cancel(booking=booking, by=Party.OWNER)
    [refund] = refund_for_cancellation(booking=booking)
    assert refund.status == Refund.Status.PENDING
    assert ledger_balances(booking=booking)["cash_provider"] == booking.total
    clock.advance(minutes=5)
    assert refunds_send_due() == 0  # nothing to resend: the owner holds the cash

    refund = refund_cash_handed_back(refund=refund)

    assert refund.status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == {
        "cash_provider": Decimal("0.00"),
        "guest": Decimal("0.00"),
        "owner_payable": Decimal("0.00"),
    }


def test_cancelling_calls_the_provider_only_for_payment_pages_still_open(room_type, stripe_api):
    """A page whose time is over is closed at Stripe already: it is marked expired without a call, so a
    slow provider cannot stretch a cancellation past the worker's timeout for nothing."""
    booking, stale = start_online(room_type)
    Payment.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    stripe_api.sent.clear()

    refund_for_cancellation(booking=booking_cancel(booking=booking, by=Party.GUEST))

    assert stripe_api.calls(f"/v1/checkout/sessions/{stale.provider_reference}/expire") == []
    assert Payment.objects.get(pk=stale.pk).status == Payment.Status.EXPIRED
