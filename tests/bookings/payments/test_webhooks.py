"""Stripe webhooks: signed on the raw body, each event once, any order, nothing lost."""

import json
import logging
import time
from decimal import Decimal

import pytest

from bookings.ledger import ledger_balances
from bookings.models import Booking
from bookings.payments.models import Payment, Refund, WebhookEvent
from bookings.payments.services import PaymentUnavailable, payment_start, refund_for_cancellation
from bookings.services import booking_cancel, bookings_expire_due
from notifications.models import Notification
from tests.bookings.helpers import hold
from tests.bookings.payments import fakes
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL, start_online
from tests.bookings.payments.fakes import refund_object, session_object

pytestmark = pytest.mark.django_db
Status = Booking.Status
# Received and passed on: with no revenue-share rule for the village, the owner is owed all of it.
PAID = {"cash_provider": Decimal("400.00"), "guest": Decimal("0.00"), "owner_payable": Decimal("-400.00")}
# A refund that failed after succeeding: the money is back with us and owed to the guest, not the owner.
STILL_OWED_TO_GUEST = {
    "cash_provider": Decimal("400.00"),
    "guest": Decimal("-400.00"),
    "owner_payable": Decimal("0.00"),
}


def post_raw(client, payload: str, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return client.post(fakes.WEBHOOK_URL, data=payload, content_type="application/json", headers=headers)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def started(room_type):
    booking, payment = start_online(room_type)
    return booking, fresh(payment)


# Signatures


def test_a_wrong_signature_is_refused_with_400(client, started):
    _booking, payment = started
    payload = json.dumps(fakes.event("checkout.session.completed", session_object(payment)))
    response = post_raw(client, payload, fakes.signed(payload, secret="whsec_someone_else"))
    assert response.status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING
    assert not WebhookEvent.objects.exists()


def test_a_stale_signature_is_refused_with_400(client, started):
    _booking, payment = started
    payload = json.dumps(fakes.event("checkout.session.completed", session_object(payment)))
    response = post_raw(client, payload, fakes.signed(payload, timestamp=int(time.time()) - 600))
    assert response.status_code == 400
    assert fresh(payment).status == Payment.Status.PENDING


def test_a_body_changed_after_signing_is_refused_with_400(client, started):
    _booking, payment = started
    payload = json.dumps(fakes.event("checkout.session.completed", session_object(payment)))
    signature = fakes.signed(payload)
    response = post_raw(client, payload.replace("40000", "1"), signature)
    assert response.status_code == 400


def test_a_delivery_without_signature_is_refused_with_400(client, started):
    _booking, payment = started
    payload = json.dumps(fakes.event("checkout.session.completed", session_object(payment)))
    assert post_raw(client, payload, None).status_code == 400


def test_a_body_that_is_not_json_is_refused_with_400(client, db):
    payload = "not json"
    assert post_raw(client, payload, fakes.signed(payload)).status_code == 400


def test_the_webhook_is_not_found_without_stripe_keys(client, settings, db):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = json.dumps(fakes.event("checkout.session.completed", {"id": "cs_x"}))
    assert post_raw(client, payload, fakes.signed(payload)).status_code == 404


def test_the_webhook_only_accepts_post(client, db):
    assert client.get(fakes.WEBHOOK_URL).status_code == 405


# Payments


def test_a_paid_checkout_confirms_the_booking_and_enters_the_ledger(send_event, started):
    booking, payment = started
    assert send_event("checkout.session.completed", session_object(payment)).status_code == 200
    payment = fresh(payment)
    assert fresh(booking).status == Status.CONFIRMED
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.applied
    assert payment.provider_payment_reference == "pi_test_1"
    assert ledger_balances(booking=booking) == PAID


def test_a_replayed_event_is_answered_and_changes_nothing(send_event, started, caplog):
    _booking, payment = started
    send_event("checkout.session.completed", session_object(payment), event_id="evt_once")
    with caplog.at_level(logging.INFO, logger="bookings.payments.webhooks"):
        response = send_event("checkout.session.expired", session_object(payment), event_id="evt_once")
    assert response.status_code == 200
    assert "already handled" in caplog.text
    assert WebhookEvent.objects.filter(event_id="evt_once").count() == 1
    assert fresh(payment).status == Payment.Status.SUCCEEDED


def test_the_same_payment_reported_twice_is_recorded_once(send_event, started):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment))
    send_event("checkout.session.async_payment_succeeded", session_object(payment))
    assert ledger_balances(booking=booking) == PAID
    assert fresh(booking).status == Status.CONFIRMED


def test_an_unknown_event_type_is_answered_and_logged(send_event, db, caplog):
    with caplog.at_level(logging.INFO, logger="bookings.payments.webhooks"):
        response = send_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert response.status_code == 200
    assert "customer.created is not handled" in caplog.text


def test_a_session_of_someone_else_is_answered_and_logged(send_event, db, caplog):
    stranger = {"id": "cs_not_ours", "object": "checkout.session", "payment_status": "paid", "metadata": {}}
    with caplog.at_level(logging.ERROR, logger="bookings.payments.webhooks"):
        assert send_event("checkout.session.completed", stranger).status_code == 200
    assert "cs_not_ours matches no payment" in caplog.text


def test_a_session_whose_id_we_never_stored_is_matched_by_its_metadata(send_event, room_type, stripe_api):
    stripe_api.offline = True
    booking = hold(room_type)
    with pytest.raises(PaymentUnavailable):
        payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    payment = Payment.objects.get(booking=booking)
    session = session_object(payment) | {"id": "cs_created_while_offline"}
    send_event("checkout.session.completed", session)
    payment = fresh(payment)
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.provider_reference == "cs_created_while_offline"
    assert fresh(booking).status == Status.CONFIRMED


def test_an_async_payment_waits_in_processing_until_it_succeeds(send_event, started):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment, payment_status="unpaid"))
    assert fresh(payment).status == Payment.Status.PROCESSING
    assert fresh(booking).status == Status.HELD
    send_event("checkout.session.async_payment_succeeded", session_object(payment))
    assert fresh(payment).status == Payment.Status.SUCCEEDED
    assert fresh(booking).status == Status.CONFIRMED


def test_a_failed_async_payment_leaves_the_booking_unpaid(send_event, started):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment, payment_status="unpaid"))
    send_event("checkout.session.async_payment_failed", session_object(payment, payment_status="unpaid"))
    assert fresh(payment).status == Payment.Status.FAILED
    assert fresh(booking).awaiting_payment
    assert ledger_balances(booking=booking) == {}


def test_success_arriving_before_processing_ends_succeeded(send_event, started):
    booking, payment = started
    send_event("checkout.session.async_payment_succeeded", session_object(payment))
    send_event("checkout.session.completed", session_object(payment, payment_status="unpaid"))
    assert fresh(payment).status == Payment.Status.SUCCEEDED
    assert fresh(booking).status == Status.CONFIRMED


def test_an_expired_event_after_the_payment_changes_nothing(send_event, started):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment))
    send_event("checkout.session.expired", session_object(payment, payment_status="unpaid"))
    assert fresh(payment).status == Payment.Status.SUCCEEDED
    assert fresh(booking).status == Status.CONFIRMED
    assert ledger_balances(booking=booking) == PAID


def test_an_expired_session_marks_the_payment_expired(send_event, started):
    _booking, payment = started
    send_event("checkout.session.expired", session_object(payment, payment_status="unpaid"))
    assert fresh(payment).status == Payment.Status.EXPIRED


def test_a_payment_after_the_hold_expired_confirms_when_the_nights_are_free(send_event, started, clock):
    booking, payment = started
    clock.advance(minutes=40)
    bookings_expire_due()
    assert fresh(booking).status == Status.EXPIRED
    send_event("checkout.session.completed", session_object(payment))
    assert fresh(booking).status == Status.CONFIRMED
    assert fresh(payment).applied
    assert not Refund.objects.exists()


def test_a_payment_after_the_hold_expired_is_refunded_when_the_nights_are_gone(
    send_event, started, clock, room_type, stripe_api
):
    booking, payment = started
    clock.advance(minutes=40)
    hold(room_type, payment=Booking.Payment.AT_HOMESTAY)  # the only room goes to someone else
    send_event("checkout.session.completed", session_object(payment))
    payment = fresh(payment)
    [refund] = Refund.objects.all()
    assert fresh(booking).status == Status.EXPIRED
    assert payment.status == Payment.Status.SUCCEEDED
    assert not payment.applied
    assert payment.needs_attention
    assert "已订满" in payment.attention_note
    assert (refund.amount, refund.reason) == (Decimal("400.00"), Refund.Reason.BOOKING_UNAVAILABLE)
    assert refund.provider_reference.startswith("re_test_")
    assert len(stripe_api.calls("/v1/refunds")) == 1


def test_a_payment_for_a_booking_cancelled_meanwhile_is_refunded_and_flagged(send_event, started):
    booking, payment = started
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    send_event("checkout.session.completed", session_object(payment))
    payment = fresh(payment)
    [refund] = Refund.objects.all()
    assert fresh(booking).status == Status.CANCELLED
    assert payment.needs_attention
    assert refund.amount == payment.amount
    assert refund.reason == Refund.Reason.BOOKING_UNAVAILABLE


def test_a_second_payment_for_a_paid_booking_is_refunded_as_duplicate(send_event, started, stripe_api):
    booking, payment = started
    second = Payment.objects.create(
        booking=booking,
        provider="stripe_checkout",
        amount=booking.total,
        provider_reference="cs_second",
        idempotency_key="second",
    )
    send_event("checkout.session.completed", session_object(payment))
    send_event("checkout.session.completed", session_object(second, intent="pi_test_2"))
    [refund] = Refund.objects.all()
    assert refund.payment == second
    assert refund.reason == Refund.Reason.DUPLICATE
    assert fresh(second).needs_attention
    assert stripe_api.calls("/v1/refunds")[0].params["reason"] == "duplicate"
    assert stripe_api.calls("/v1/refunds")[0].params["payment_intent"] == "pi_test_2"


# Refunds


@pytest.fixture
def refunded(send_event, started):
    """A paid booking cancelled by its guest a week ahead (moderate policy: everything back)."""
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment))
    booking = booking_cancel(booking=booking, by=Booking.Party.GUEST)
    [refund] = refund_for_cancellation(booking=booking)
    return booking, refund


def as_stripe(refund, status: str) -> dict:
    return refund_object(refund.provider_reference, status=status, amount_fen=int(refund.amount * 100))


def test_a_succeeded_refund_event_completes_the_refund_and_balances_the_ledger(send_event, refunded):
    booking, refund = refunded
    send_event("refund.updated", as_stripe(refund, "succeeded"))
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking) == {
        "cash_provider": Decimal("0.00"),
        "guest": Decimal("0.00"),
        "owner_payable": Decimal("0.00"),
    }


def test_a_stale_pending_refund_event_does_not_undo_success(send_event, refunded):
    booking, refund = refunded
    send_event("refund.updated", as_stripe(refund, "succeeded"))
    send_event("refund.created", as_stripe(refund, "pending"))
    assert fresh(refund).status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("0.00")


def test_a_refund_failing_after_success_puts_the_money_back_and_flags_it(send_event, refunded):
    booking, refund = refunded
    send_event("refund.updated", as_stripe(refund, "succeeded"))
    send_event("refund.failed", as_stripe(refund, "failed"))
    refund = fresh(refund)
    assert refund.status == Refund.Status.FAILED
    assert refund.needs_attention
    assert ledger_balances(booking=booking) == STILL_OWED_TO_GUEST


def test_refund_events_in_either_order_end_the_same(send_event, refunded):
    booking, refund = refunded
    send_event("refund.failed", as_stripe(refund, "failed"))
    send_event("refund.updated", as_stripe(refund, "succeeded"))
    assert fresh(refund).status == Refund.Status.FAILED
    assert ledger_balances(booking=booking) == STILL_OWED_TO_GUEST


def test_a_refund_event_before_stripes_answer_is_matched_by_its_metadata(send_event, started, stripe_api):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment))
    booking = booking_cancel(booking=booking, by=Booking.Party.GUEST)
    stripe_api.offline = True
    [refund] = refund_for_cancellation(booking=booking)
    assert refund.provider_reference == ""
    stripe_refund = refund_object("re_sent_anyway", status="succeeded", amount_fen=40000)
    stripe_refund["metadata"] = {"booking": booking.reference, "refund": str(refund.pk)}
    send_event("refund.updated", stripe_refund)
    refund = fresh(refund)
    assert (refund.provider_reference, refund.status) == ("re_sent_anyway", Refund.Status.SUCCEEDED)


def test_a_refund_made_in_the_stripe_dashboard_is_recorded_and_flagged(send_event, started):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment))
    send_event("refund.created", refund_object("re_dashboard", status="succeeded", amount_fen=10000))
    send_event("refund.updated", refund_object("re_dashboard", status="succeeded", amount_fen=10000))
    [refund] = Refund.objects.all()
    assert (refund.reason, refund.amount, refund.status) == (
        Refund.Reason.OUTSIDE,
        Decimal("100.00"),
        Refund.Status.SUCCEEDED,
    )
    assert refund.needs_attention
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("300.00")


def test_charge_refunded_applies_the_refunds_it_lists(send_event, refunded):
    _booking, refund = refunded
    listed = as_stripe(refund, "succeeded")
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1", "refunds": {"data": [listed]}}
    send_event("charge.refunded", charge)
    assert fresh(refund).status == Refund.Status.SUCCEEDED


def test_charge_refunded_without_details_waits_for_the_refund_events(send_event, refunded, caplog):
    _booking, refund = refunded
    charge = {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1", "amount_refunded": 40000}
    with caplog.at_level(logging.INFO, logger="bookings.payments.webhooks"):
        assert send_event("charge.refunded", charge).status_code == 200
    assert fresh(refund).status == Refund.Status.PENDING
    assert "details follow in refund events" in caplog.text


def test_a_refund_of_an_unknown_payment_is_answered_and_logged(send_event, db, caplog):
    with caplog.at_level(logging.ERROR, logger="bookings.payments.webhooks"):
        stranger = refund_object("re_x", status="succeeded", amount_fen=1, intent="pi_x")
        response = send_event("refund.updated", stranger)
    assert response.status_code == 200
    assert "re_x matches no payment" in caplog.text


# Amount and currency: what Stripe says arrived must be what the payment asked for


def assert_balanced(booking):
    assert sum(ledger_balances(booking=booking).values(), Decimal("0.00")) == Decimal("0.00")


PAID_EVENTS = ["checkout.session.completed", "checkout.session.async_payment_succeeded"]


@pytest.mark.parametrize("event_type", PAID_EVENTS)
@pytest.mark.parametrize(("amount_fen", "received"), [(39999, "399.99"), (40001, "400.01")])
def test_a_payment_of_another_amount_never_confirms_and_is_refunded_in_full(
    send_event, started, stripe_api, event_type, amount_fen, received
):
    booking, payment = started
    held_until = fresh(booking).hold_expires_at

    response = send_event(event_type, session_object(payment) | {"amount_total": amount_fen})

    booking, payment = fresh(booking), fresh(payment)
    [refund] = Refund.objects.all()
    [sent] = stripe_api.calls("/v1/refunds")
    assert response.status_code == 200
    assert (booking.status, booking.hold_expires_at, booking.paid_at) == (Status.HELD, held_until, None)
    assert (payment.status, payment.applied, payment.needs_attention) == (
        Payment.Status.SUCCEEDED,
        False,
        True,
    )
    assert (payment.amount, payment.currency) == (Decimal(received), "CNY")
    assert "400.00" in payment.attention_note
    assert received in payment.attention_note
    assert "不符" in payment.attention_note
    assert "does not match" in payment.attention_note
    assert (refund.amount, refund.currency, refund.reason) == (
        Decimal(received),
        "CNY",
        Refund.Reason.BOOKING_UNAVAILABLE,
    )
    assert (sent.params["amount"], sent.params["payment_intent"]) == (str(amount_fen), "pi_test_1")
    # What arrived is in the ledger until the refund completes, and none of it is earned.
    assert ledger_balances(booking=booking) == {
        "cash_provider": Decimal(received),
        "guest": -Decimal(received),
    }
    send_event("refund.updated", as_stripe(fresh(refund), "succeeded"))
    assert ledger_balances(booking=booking) == {"cash_provider": Decimal("0.00"), "guest": Decimal("0.00")}


@pytest.mark.parametrize("event_type", PAID_EVENTS)
def test_a_payment_in_another_currency_never_confirms_and_is_left_to_staff(
    send_event, started, stripe_api, event_type
):
    booking, payment = started
    held_until = fresh(booking).hold_expires_at

    response = send_event(event_type, session_object(payment) | {"currency": "usd", "amount_total": 5600})

    booking, payment = fresh(booking), fresh(payment)
    assert response.status_code == 200
    assert (booking.status, booking.hold_expires_at, booking.paid_at) == (Status.HELD, held_until, None)
    assert (payment.status, payment.applied, payment.needs_attention) == (
        Payment.Status.SUCCEEDED,
        False,
        True,
    )
    assert (payment.amount, payment.currency) == (Decimal("56.00"), "USD")
    assert "56.00 USD" in payment.attention_note
    assert "人工" in payment.attention_note
    assert not Refund.objects.exists()
    assert stripe_api.calls("/v1/refunds") == []
    # The ledger is kept in CNY: money in another currency stays out of it.
    assert ledger_balances(booking=booking) == {}


def test_a_zero_decimal_currency_is_recorded_in_its_own_units(send_event, started):
    _booking, payment = started
    send_event(
        "checkout.session.completed", session_object(payment) | {"currency": "jpy", "amount_total": 8000}
    )
    payment = fresh(payment)
    assert (payment.amount, payment.currency, payment.needs_attention) == (Decimal("8000.00"), "JPY", True)


def test_staff_refunding_a_foreign_currency_payment_in_stripe_keeps_the_ledger_empty(send_event, started):
    booking, payment = started
    send_event(
        "checkout.session.completed", session_object(payment) | {"currency": "usd", "amount_total": 5600}
    )
    stripe_refund = refund_object("re_staff", status="succeeded", amount_fen=5600) | {"currency": "usd"}

    send_event("refund.created", stripe_refund)

    [refund] = Refund.objects.all()
    assert (refund.amount, refund.currency, refund.status) == (
        Decimal("56.00"),
        "USD",
        Refund.Status.SUCCEEDED,
    )
    assert refund.needs_attention
    assert ledger_balances(booking=booking) == {}
    assert fresh(booking).status == Status.HELD
    # Staff explain a foreign-currency refund themselves: no e-mail announces it in yuan.
    assert not Notification.objects.filter(event__startswith="booking.refund").exists()
    assert booking.events.filter(action="refund_completed", note="56.00 USD").exists()


def test_the_currency_is_compared_without_regard_to_case(send_event, started):
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment) | {"currency": "CNY"})
    assert fresh(booking).status == Status.CONFIRMED
    assert not fresh(payment).needs_attention
    assert ledger_balances(booking=booking) == PAID


def test_after_a_wrong_amount_the_guest_can_still_pay_the_right_one(send_event, started, room_type):
    booking, wrong = started
    send_event("checkout.session.completed", session_object(wrong) | {"amount_total": 1})

    again = fresh(payment_start(booking=fresh(booking), success_url=SUCCESS_URL, cancel_url=CANCEL_URL))
    send_event("checkout.session.completed", session_object(again, intent="pi_test_2"))

    assert again.pk != wrong.pk
    assert fresh(booking).status == Status.CONFIRMED
    assert fresh(again).applied
    assert not fresh(wrong).applied
    assert_balanced(booking)
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("400.01")  # 0.01 on its way back


# Correctly signed events we cannot read: a deliberate answer and a log line, never a 500


def _without(mapping: dict, *keys: str) -> dict:
    return {key: value for key, value in mapping.items() if key not in keys}


def _paid(payment) -> dict:
    return session_object(payment)


MALFORMED = {
    # The body is not an event at all.
    "a list": (lambda payment: [], 400),
    "a string": (lambda payment: "evt_1", 400),
    "null": (lambda payment: None, 400),
    "no id": (lambda payment: _without(fakes.event("customer.created", {}), "id"), 400),
    "no type": (
        lambda payment: _without(fakes.event("checkout.session.completed", _paid(payment)), "type"),
        400,
    ),
    "an id that is a number": (lambda payment: fakes.event("customer.created", {}) | {"id": 42}, 400),
    "an id with a NUL byte": (lambda payment: fakes.event("customer.created", {}, event_id="evt_\x00"), 400),
    "an id longer than 255": (lambda payment: fakes.event("customer.created", {}, event_id="e" * 256), 400),
    # A payment event without what we read.
    "no data": (
        lambda payment: _without(fakes.event("checkout.session.completed", _paid(payment)), "data"),
        400,
    ),
    "data without object": (
        lambda payment: fakes.event("checkout.session.completed", _paid(payment)) | {"data": {}},
        400,
    ),
    "an object that is text": (
        lambda payment: (
            fakes.event("checkout.session.completed", _paid(payment)) | {"data": {"object": "cs"}}
        ),
        400,
    ),
    "a session without id": (
        lambda payment: fakes.event("checkout.session.completed", _without(_paid(payment), "id")),
        400,
    ),
    "a session whose id is null": (
        lambda payment: fakes.event(
            "checkout.session.async_payment_succeeded", _paid(payment) | {"id": None}
        ),
        400,
    ),
    "a session id with a NUL byte": (
        lambda payment: fakes.event("checkout.session.completed", _paid(payment) | {"id": "cs_\x00"}),
        400,
    ),
    "metadata that is a list": (
        lambda payment: fakes.event("checkout.session.completed", _paid(payment) | {"metadata": []}),
        400,
    ),
    "a paid session without amount_total": (
        lambda payment: fakes.event("checkout.session.completed", _without(_paid(payment), "amount_total")),
        400,
    ),
    "a paid session with the amount as text": (
        lambda payment: fakes.event("checkout.session.completed", _paid(payment) | {"amount_total": "40000"}),
        400,
    ),
    "a paid session of nothing": (
        lambda payment: fakes.event(
            "checkout.session.async_payment_succeeded", _paid(payment) | {"amount_total": 0}
        ),
        400,
    ),
    "a paid session without currency": (
        lambda payment: fakes.event("checkout.session.completed", _without(_paid(payment), "currency")),
        400,
    ),
    "an expanded payment_intent": (
        lambda payment: fakes.event(
            "checkout.session.completed", _paid(payment) | {"payment_intent": {"id": "pi"}}
        ),
        400,
    ),
    "a refund without id": (
        lambda payment: fakes.event(
            "refund.updated", _without(refund_object("re_1", status="succeeded", amount_fen=1), "id")
        ),
        400,
    ),
    "a refund without status": (
        lambda payment: fakes.event(
            "refund.updated", _without(refund_object("re_1", status="succeeded", amount_fen=1), "status")
        ),
        400,
    ),
    "a refund made at Stripe without amount": (
        lambda payment: fakes.event(
            "refund.created", _without(refund_object("re_1", status="succeeded", amount_fen=1), "amount")
        ),
        400,
    ),
    "a refunded charge listing text": (
        lambda payment: fakes.event("charge.refunded", {"id": "ch_1", "refunds": {"data": ["re_1"]}}),
        400,
    ),
    # Understood and ignored: a type we do not handle is not read further; a session that is not ours.
    "an unhandled type without data": (
        lambda payment: _without(fakes.event("customer.created", {}), "data"),
        200,
    ),
    "metadata naming no payment of ours": (
        lambda payment: fakes.event(
            "checkout.session.completed",
            _paid(payment) | {"id": "cs_other", "metadata": {"payment": "9" * 30, "booking": "X"}},
        ),
        200,
    ),
}


@pytest.fixture
def processing(send_event, started):
    """Money on its way (an async method): the payment has its PaymentIntent, the booking is held."""
    booking, payment = started
    send_event("checkout.session.completed", session_object(payment, payment_status="unpaid"))
    return fresh(booking), fresh(payment)


@pytest.mark.parametrize("case", MALFORMED)
def test_a_signed_event_we_cannot_read_is_answered_without_500_and_changes_nothing(
    client, processing, stripe_api, caplog, case
):
    booking, payment = processing
    build, expected = MALFORMED[case]
    payload = json.dumps(build(payment))
    events_before = WebhookEvent.objects.count()

    with caplog.at_level(logging.INFO, logger="bookings.payments"):
        response = post_raw(client, payload, fakes.signed(payload))

    assert response.status_code == expected
    assert (fresh(booking).status, fresh(booking).hold_expires_at) == (Status.HELD, booking.hold_expires_at)
    assert (fresh(payment).status, fresh(payment).needs_attention) == (Payment.Status.PROCESSING, False)
    assert not Refund.objects.exists()
    assert ledger_balances(booking=booking) == {}
    assert stripe_api.calls("/v1/refunds") == []
    assert WebhookEvent.objects.count() == events_before + (1 if expected == 200 else 0)
    assert any(record.name.startswith("bookings.payments") for record in caplog.records)
