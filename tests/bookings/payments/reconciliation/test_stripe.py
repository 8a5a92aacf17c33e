"""Reconciling Stripe: balance transactions of a Beijing day, through the real ``StripeClient`` and a
fake HTTP client that pages like Stripe; amounts from each transaction's source (what the guest paid,
in CNY), never the settlement currency."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bookings.payments.models import Payment, Refund
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.services import reconciliation_run
from bookings.payments.services import payment_succeeded, refund_status_set
from tests.bookings.payments.reconciliation.conftest import TODAY, opened

pytestmark = pytest.mark.django_db
State = ReconciliationRun.State
CHINA = ZoneInfo("Asia/Shanghai")


def at(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=CHINA).timestamp())


def paid(room_type, nth: int, intent: str) -> Payment:
    payment = opened(room_type, nth)
    return payment_succeeded(payment=payment, provider_payment_reference=intent)


def charge(intent: str, fen: int) -> dict:
    return {
        "id": f"ch_{intent}",
        "object": "charge",
        "amount": fen,
        "currency": "cny",
        "payment_intent": intent,
    }


def test_a_clean_day_pages_through_every_transaction_of_the_beijing_day(room_type, stripe_api, clock):
    payments = [paid(room_type, nth, f"pi_{nth}") for nth in range(3)]
    for nth, payment in enumerate(payments):
        stripe_api.balance_transaction(
            "charge", charge(f"pi_{nth}", int(payment.amount * 100)), at("2026-09-01 10:00")
        )
    refund = Refund.objects.create(
        payment=payments[0],
        booking=payments[0].booking,
        amount=payments[0].amount,
        reason="cancellation",
        idempotency_key="r-1",
        provider_reference="re_1",
    )
    refund_status_set(refund=refund, status=Refund.Status.SUCCEEDED)
    refund_source = {
        "id": "re_1",
        "object": "refund",
        "amount": 20000,
        "currency": "cny",
        "status": "succeeded",
    }
    stripe_api.balance_transaction("refund", refund_source, at("2026-09-01 11:00"))
    stripe_api.balance_transaction(
        "payout", {"id": "po_1", "object": "payout", "amount": 1}, at("2026-09-01 12:00")
    )
    stripe_api.balance_transaction(
        "charge", charge("pi_other_day", 100), at("2026-09-02 00:00")
    )  # the next day
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    assert (run.state, run.lines, run.matched) == (State.MATCHED, 4, 4)
    assert run.bill_paid == run.ours_paid == sum(payment.amount for payment in payments)
    assert "1" in run.message  # the payout, ignored
    [first] = [sent for sent in stripe_api.calls("/v1/balance_transactions")][:1]
    assert first.params["created[gte]"] == str(at("2026-09-01 00:00"))
    assert first.params["created[lt]"] == str(at("2026-09-02 00:00"))
    assert first.params["expand[0]"] == "data.source"


def test_an_unknown_charge_and_a_different_amount(room_type, stripe_api):
    payment = paid(room_type, 0, "pi_0")
    stripe_api.balance_transaction("charge", charge("pi_0", 100), at("2026-09-01 09:00"))
    stripe_api.balance_transaction("charge", charge("pi_elsewhere", 5000), at("2026-09-01 09:30"))
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    found = {(row.kind, row.reference) for row in run.mismatch_lines.all()}
    assert found == {
        (Mismatch.Kind.AMOUNT, payment.idempotency_key),
        (Mismatch.Kind.MISSING_HERE, "pi_elsewhere"),
    }


def test_many_pages(room_type, stripe_api):
    payment = paid(room_type, 0, "pi_0")
    stripe_api.balance_transaction(
        "charge", charge("pi_0", int(payment.amount * 100)), at("2026-09-01 09:00")
    )
    for number in range(120):
        stripe_api.balance_transaction(
            "stripe_fee", {"id": f"fee_{number}", "object": "fee"}, at("2026-09-01 09:01")
        )
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    assert run.state == State.MATCHED and len(stripe_api.calls("/v1/balance_transactions")) == 2


def test_stripe_unreachable_fails_the_run(room_type, stripe_api, settings):
    settings.PAYMENT_PROVIDER_RETRIES = 0
    stripe_api.timeout = True
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    assert run.state == State.FAILED and "Stripe" in run.message


def refunded(payment: Payment, refund_id: str, amount: Decimal) -> Refund:
    refund = Refund.objects.create(
        payment=payment,
        booking=payment.booking,
        amount=amount,
        reason="cancellation",
        idempotency_key=f"r-{refund_id}",
        provider_reference=refund_id,
    )
    return refund_status_set(refund=refund, status=Refund.Status.SUCCEEDED)


def refund_source(refund_id: str, fen: int, status: str = "succeeded") -> dict:
    return {"id": refund_id, "object": "refund", "amount": fen, "currency": "cny", "status": status}


def test_a_payment_of_ours_stripe_does_not_list_is_missing_there(room_type, stripe_api):
    listed, unlisted = paid(room_type, 0, "pi_0"), paid(room_type, 1, "pi_1")
    stripe_api.balance_transaction("charge", charge("pi_0", int(listed.amount * 100)), at("2026-09-01 09:00"))
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    [mismatch] = run.mismatch_lines.all()
    assert (mismatch.kind, mismatch.line, mismatch.reference) == (
        Mismatch.Kind.MISSING_THERE,
        "payment",
        unlisted.idempotency_key,
    )
    assert (mismatch.our_amount, mismatch.bill_amount) == (unlisted.amount, None)
    assert mismatch.provider_reference == "pi_1"
    assert mismatch.booking_reference == unlisted.for_booking.reference
    assert (run.bill_paid, run.ours_paid) == (listed.amount, listed.amount + unlisted.amount)


def test_a_charge_for_a_payment_still_open_here_is_a_status_difference(room_type, stripe_api):
    payment = opened(room_type, 0)
    Payment.objects.filter(pk=payment.pk).update(provider_payment_reference="pi_lost")  # webhook lost
    stripe_api.balance_transaction(
        "charge", charge("pi_lost", int(payment.amount * 100)), at("2026-09-01 09:00")
    )
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    assert {(row.kind, row.reference) for row in run.mismatch_lines.all()} == {
        (Mismatch.Kind.STATUS, payment.idempotency_key)
    }
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING  # reconciliation changes none


def test_refunds_that_differ_in_amount_or_status_or_that_stripe_lacks(room_type, stripe_api):
    payments = [paid(room_type, nth, f"pi_{nth}") for nth in range(3)]
    for nth, payment in enumerate(payments):
        stripe_api.balance_transaction(
            "charge", charge(f"pi_{nth}", int(payment.amount * 100)), at("2026-09-01 09:00")
        )
    partial = refunded(payments[0], "re_amount", Decimal("150.00"))
    pending = refunded(payments[1], "re_pending", Decimal("200.00"))
    lost = refunded(payments[2], "re_lost", Decimal("200.00"))
    stripe_api.balance_transaction("refund", refund_source("re_amount", 10000), at("2026-09-01 11:00"))
    stripe_api.balance_transaction(
        "refund", refund_source("re_pending", 20000, status="pending"), at("2026-09-01 11:00")
    )
    run = reconciliation_run(provider="stripe_checkout", day=TODAY)
    found = {(row.kind, row.line, row.reference): row for row in run.mismatch_lines.all()}
    assert set(found) == {
        (Mismatch.Kind.AMOUNT, "refund", partial.idempotency_key),
        (Mismatch.Kind.STATUS, "refund", pending.idempotency_key),
        (Mismatch.Kind.MISSING_THERE, "refund", lost.idempotency_key),
    }
    amount = found[Mismatch.Kind.AMOUNT, "refund", partial.idempotency_key]
    assert (amount.bill_amount, amount.our_amount) == (Decimal("100.00"), Decimal("150.00"))
    assert run.bill_refunded == Decimal("100.00")  # only what Stripe says went through
    assert run.ours_refunded == Decimal("550.00")
