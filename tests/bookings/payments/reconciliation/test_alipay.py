"""Reconciling Alipay: the statement's address asked through the real ``alipay`` client (signed both
ways), the file a zip of GBK CSVs with ``#`` header and footer lines, as Alipay's."""

import pytest

from bookings.payments.models import Refund
from bookings.payments.reconciliation import alipay as statements
from bookings.payments.reconciliation.bills import BillUnavailable
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.services import reconciliation_run
from bookings.payments.services import refund_for_cancellation
from bookings.services import booking_cancel
from tests.bookings.payments.reconciliation.conftest import TODAY

pytestmark = pytest.mark.django_db
State = ReconciliationRun.State


def cancel_and_refund(payment, django_capture_on_commit_callbacks) -> Refund:
    booking_cancel(booking=payment.booking, by="platform")
    with django_capture_on_commit_callbacks(execute=True):
        [refund] = refund_for_cancellation(booking=payment.booking)
    return Refund.objects.get(pk=refund.pk)


def test_a_clean_day_matches_payments_and_refunds(
    alipay_paid, alipay_api, clock, django_capture_on_commit_callbacks
):
    first, second = alipay_paid(0), alipay_paid(1)
    refund = cancel_and_refund(second, django_capture_on_commit_callbacks)
    assert refund.status == Refund.Status.SUCCEEDED
    alipay_api.refunds[refund.idempotency_key]["gmt_refund_pay"] = clock.now.strftime("%Y-%m-%d %H:%M:%S")
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert (run.state, run.lines, run.matched) == (State.MATCHED, 3, 3)
    assert run.bill_paid == run.ours_paid == first.amount + second.amount
    assert run.bill_refunded == run.ours_refunded == refund.amount
    [biz] = alipay_api.calls("alipay.data.dataservice.bill.downloadurl.query")
    assert biz == {"bill_type": "trade", "bill_date": "2026-09-01"}


def test_each_kind_of_mismatch(alipay_paid, alipay_api, clock, django_capture_on_commit_callbacks):
    kept, lost, changed = alipay_paid(0), alipay_paid(1), alipay_paid(2)
    alipay_api.trades[lost.idempotency_key]["paid"] = "2026-08-30 12:00:00"  # not in this day's bill
    alipay_api.trades[changed.idempotency_key]["paid_amount"] = "150.00"
    alipay_api.trades["stranger"] = {
        **alipay_api.trades[kept.idempotency_key],
        "out_trade_no": "stranger",
        "trade_no": "2026090122001999999999999999",
    }
    refund = cancel_and_refund(kept, django_capture_on_commit_callbacks)
    alipay_api.refunds[refund.idempotency_key]["gmt_refund_pay"] = clock.now.strftime("%Y-%m-%d %H:%M:%S")
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED)
    run = reconciliation_run(provider="alipay", day=TODAY)
    found = {(row.kind, row.line, row.reference) for row in run.mismatch_lines.all()}
    assert found == {
        (Mismatch.Kind.MISSING_THERE, "payment", lost.idempotency_key),
        (Mismatch.Kind.AMOUNT, "payment", changed.idempotency_key),
        (Mismatch.Kind.MISSING_HERE, "payment", "stranger"),
        (Mismatch.Kind.STATUS, "refund", refund.idempotency_key),
    }
    assert run.state == State.MISMATCHED and run.mismatches == 4


def test_a_statement_not_ready_yet_fails_the_run(alipay_paid, alipay_api):
    alipay_paid(0)
    alipay_api.bill_ready = False
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert run.state == State.FAILED and "bill_not_exist" in run.message
    alipay_api.bill_ready = True
    assert reconciliation_run(provider="alipay", day=TODAY).state == State.MATCHED
    assert ReconciliationRun.objects.count() == 1


def test_a_statement_whose_lines_disagree_with_its_totals_is_refused(alipay_paid, alipay_api):
    payment = alipay_paid(0)
    alipay_api.bill_tamper = lambda text: text.replace(
        f"商家实收共：{payment.amount}元", "商家实收共：999.00元"
    )
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert run.state == State.FAILED and "totals" in run.message


def test_a_gateway_that_does_not_answer_in_time_fails_the_run(alipay_paid, alipay_api, settings):
    alipay_paid(0)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    alipay_api.delay = 1.5  # longer than the 0.5 + 0.5 s the client waits
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert run.state == State.FAILED and "Alipay bill" in run.message


def test_the_reader_reads_gbk_and_tab_padded_fields(alipay_paid, alipay_api):
    payment = alipay_paid(0)
    text = alipay_api.statement("2026-09-01")
    [line] = statements.statement_read(text).lines
    assert (line.reference, line.amount) == (payment.idempotency_key, payment.amount)
    with pytest.raises(BillUnavailable):
        statements.statement_read("\n".join(row for row in text.splitlines() if "合计" not in row))
