"""Reconciling WeChat Pay: its trade bill (and profit-sharing bill) downloaded through the real
``wechatpayv3`` client from the fake, which signs its answers, gzips the file and gives its SHA1."""

from decimal import Decimal

import pytest

from bookings.payments.models import Payment
from bookings.payments.reconciliation import wechat
from bookings.payments.reconciliation.bills import BillUnavailable
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.services import reconciliation_run
from bookings.payments.reconciliation.splits import SplitRecord
from tests.bookings.payments.reconciliation.conftest import TODAY

pytestmark = pytest.mark.django_db
Kind = Mismatch.Kind
State = ReconciliationRun.State


def kinds(run) -> list[tuple[str, str, str]]:
    return sorted(run.mismatch_lines.values_list("kind", "line", "reference"))


def test_a_clean_day_matches_every_payment_and_refund(wechat_paid, wechat_refunded, wechat_api):
    first, second = wechat_paid(0), wechat_paid(1)
    refund = wechat_refunded(second)
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert (run.state, run.lines, run.matched, run.mismatches) == (State.MATCHED, 3, 3, 0)
    assert run.bill_paid == run.ours_paid == first.amount + second.amount
    assert run.bill_refunded == run.ours_refunded == refund.amount
    [(_method, path, _body)] = wechat_api.calls("/v3/bill/tradebill")
    assert "bill_date=2026-09-01" in path and "bill_type=ALL" in path and "tar_type=GZIP" in path
    assert wechat_api.calls("/v3/billdownload/file")
    assert not wechat_api.calls("/v3/profitsharing/bills")  # splits not on: no profit-sharing bill


def test_a_payment_the_bill_lists_but_we_never_heard_of_is_missing_here(wechat_paid, wechat_api, clock):
    payment = wechat_paid(0)
    wechat_api.orders["stranger-order"] = {
        **wechat_api.orders[payment.idempotency_key],
        "out_trade_no": "stranger-order",
        "transaction_id": "4200000000000000000000099999",
    }
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.MISMATCHED
    [mismatch] = run.mismatch_lines.all()
    assert (mismatch.kind, mismatch.line, mismatch.reference) == (
        Kind.MISSING_HERE,
        "payment",
        "stranger-order",
    )
    assert mismatch.bill_amount == payment.amount and mismatch.our_amount is None
    assert mismatch.provider_reference == "4200000000000000000000099999"


def test_a_payment_of_ours_the_bill_does_not_list_is_missing_there(wechat_paid, wechat_api):
    payment = wechat_paid(0)
    del wechat_api.orders[payment.idempotency_key]["success_time"]  # WeChat Pay has no such payment that day
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert kinds(run) == [(Kind.MISSING_THERE, "payment", payment.idempotency_key)]
    [mismatch] = run.mismatch_lines.all()
    assert mismatch.booking_reference == payment.booking.reference
    assert mismatch.our_amount == payment.amount and mismatch.bill_amount is None
    assert (run.bill_paid, run.ours_paid) == (Decimal("0.00"), payment.amount)


def test_an_amount_that_differs_is_flagged_with_both_amounts(wechat_paid, wechat_api):
    payment = wechat_paid(0)
    wechat_api.orders[payment.idempotency_key]["paid_total"] = 19900
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    [mismatch] = run.mismatch_lines.all()
    assert mismatch.kind == Kind.AMOUNT
    assert (mismatch.bill_amount, mismatch.our_amount) == (Decimal("199.00"), payment.amount)


def test_a_payment_the_bill_says_succeeded_while_ours_waits_is_a_status_difference(
    room_type, wechat_api, clock
):
    from tests.bookings.payments.reconciliation.conftest import opened

    payment = opened(room_type, 0)
    wechat_api.pay(payment.idempotency_key)  # the notification was lost
    wechat_api.orders[payment.idempotency_key]["success_time"] = clock.now.isoformat()
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert kinds(run) == [(Kind.STATUS, "payment", payment.idempotency_key)]
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PENDING  # reconciliation changes none


def test_a_refund_still_processing_here_but_done_in_the_bill_is_a_status_difference(
    wechat_paid, wechat_refunded, wechat_api
):
    refund = wechat_refunded(wechat_paid(0))
    refund.status = "pending"
    refund.save(update_fields=["status"])
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert kinds(run) == [(Kind.STATUS, "refund", refund.idempotency_key)]


def test_running_the_day_again_updates_the_run_and_its_mismatches_without_duplicates(wechat_paid, wechat_api):
    payment = wechat_paid(0)
    wechat_api.orders[payment.idempotency_key]["paid_total"] = 19900
    first = reconciliation_run(provider="wechat_pay", day=TODAY)
    again = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert again.pk == first.pk and again.attempts == 2
    assert ReconciliationRun.objects.count() == 1 and Mismatch.objects.count() == 1
    wechat_api.orders[payment.idempotency_key]["paid_total"] = int(payment.amount * 100)  # corrected
    fixed = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert (fixed.state, fixed.mismatches) == (State.MATCHED, 0)
    assert Mismatch.objects.count() == 0


def test_a_bill_not_generated_yet_fails_the_run_and_a_later_run_completes_it(wechat_paid, wechat_api):
    wechat_paid(0)
    wechat_api.bill_error = (400, "STATEMENT_CREATING")
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.FAILED and "STATEMENT_CREATING" in run.message
    assert Mismatch.objects.count() == 0
    wechat_api.bill_error = None
    assert reconciliation_run(provider="wechat_pay", day=TODAY).state == State.MATCHED


def test_a_day_without_any_trade_is_an_empty_bill(wechat_api):
    wechat_api.bill_error = (400, "NO_STATEMENT_EXIST")
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert (run.state, run.lines) == (State.MATCHED, 0)


def test_a_file_whose_hash_does_not_match_is_refused(wechat_paid, wechat_api, monkeypatch):
    wechat_paid(0)
    original = wechat_api.bill_apply

    def wrong_hash(path, query):
        status, body = original(path, query)
        return status, {**body, "hash_value": "0" * 40}

    monkeypatch.setattr(wechat_api, "bill_apply", wrong_hash)
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.FAILED and "hash" in run.message


def test_a_file_whose_lines_disagree_with_its_summary_is_refused(wechat_paid, wechat_api):
    wechat_paid(0)
    wechat_api.bill_tamper = lambda text: text.replace(",`200.00,`0.00\r\n", ",`210.00,`0.00\r\n")
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.FAILED and "summary" in run.message


def test_a_bill_server_that_does_not_answer_in_time_fails_the_run(wechat_paid, wechat_api, settings):
    wechat_paid(0)
    settings.PAYMENT_PROVIDER_READ_TIMEOUT = 0.2
    settings.PAYMENT_PROVIDER_RETRIES = 0
    from bookings.payments import wechat_pay

    wechat_pay._client.cache_clear()
    wechat_api.delay = 0.5
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.FAILED and "Timeout" in run.message


def test_a_payment_just_before_midnight_belongs_to_that_day_and_one_just_after_to_the_next(
    wechat_paid, wechat_api, clock
):
    clock.set("2026-09-01 23:59:59")
    late = wechat_paid(0)
    clock.set("2026-09-02 00:00:01")
    early = wechat_paid(1)
    first = reconciliation_run(provider="wechat_pay", day=TODAY)
    second = reconciliation_run(provider="wechat_pay", day=TODAY.replace(day=2))
    assert (first.state, first.lines, first.ours_paid) == (State.MATCHED, 1, late.amount)
    assert (second.state, second.lines, second.ours_paid) == (State.MATCHED, 1, early.amount)


def test_a_payment_on_our_books_one_day_and_in_the_bill_the_next_is_resolved_by_the_next_run(
    wechat_paid, wechat_api, clock
):
    clock.set("2026-09-01 23:59:59")
    payment = wechat_paid(0)
    wechat_api.orders[payment.idempotency_key]["success_time"] = "2026-09-02T00:00:01+08:00"
    first = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert kinds(first) == [(Kind.MISSING_THERE, "payment", payment.idempotency_key)]
    second = reconciliation_run(provider="wechat_pay", day=TODAY.replace(day=2))
    assert second.state == State.MATCHED
    mismatch = first.mismatch_lines.get()
    assert mismatch.resolved and "2026-09-02" in mismatch.resolution_note


# Profit sharing, through the hook the split records come from

SPLITS: list[SplitRecord] = []


def split_records(*, provider, start, end, references):
    return [split for split in SPLITS if split.in_day or split.reference in references]


@pytest.fixture
def splits_on(settings, wechat_api):
    settings.RECONCILIATION_SPLIT_RECORDS = f"{__name__}.split_records"
    settings.WECHATPAY_PARTNER_MODE = "true"  # the profit-sharing bill is a service provider's
    SPLITS.clear()
    yield SPLITS
    SPLITS.clear()


def bill_split(fake, out_order_no, receiver, fen, status="分账成功"):
    fake.split_lines.append(
        {
            "day": "2026-09-01",
            "transaction_id": "4200000000000000000000000001",
            "order_id": f"3008{out_order_no}",
            "out_order_no": out_order_no,
            "receiver": receiver,
            "amount": fen,
            "type": "分账",
            "status": status,
        }
    )


def test_splits_are_matched_per_receiver_against_the_profit_sharing_bill(splits_on, wechat_api):
    bill_split(wechat_api, "P1", "1900000201", 3000)
    bill_split(wechat_api, "P1", "1900000202", 2000)
    bill_split(wechat_api, "P2", "1900000201", 1000, status="分账失败")
    bill_split(wechat_api, "P3", "1900000203", 500)
    splits_on += [
        SplitRecord("P1", "1900000201", Decimal("30.00"), succeeded=True, in_day=True),
        SplitRecord("P1", "1900000202", Decimal("25.00"), succeeded=True, in_day=True),  # the bill says 20
        SplitRecord(
            "P2", "1900000201", Decimal("10.00"), succeeded=True, in_day=True
        ),  # the bill says failed
        SplitRecord("P4", "1900000204", Decimal("8.00"), succeeded=True, in_day=True),  # not in the bill
    ]
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert wechat_api.calls("/v3/profitsharing/bills")
    assert kinds(run) == [
        (Kind.AMOUNT, "split", "P1/1900000202"),
        (Kind.MISSING_HERE, "split", "P3/1900000203"),
        (Kind.MISSING_THERE, "split", "P4/1900000204"),
        (Kind.STATUS, "split", "P2/1900000201"),
    ]
    assert (run.lines, run.matched) == (4, 1)
    assert run.bill_split == Decimal("55.00")  # what went through: 30 + 20 + 5
    assert run.ours_split == Decimal("73.00")


def test_the_profit_sharing_bill_reader_refuses_totals_that_disagree(splits_on, wechat_api):
    bill_split(wechat_api, "P1", "1900000201", 3000)
    text = wechat_api.split_bill("2026-09-01")
    assert wechat.split_bill_read(text).total("split") == Decimal("30.00")
    with pytest.raises(BillUnavailable, match="summary"):
        wechat.split_bill_read(text.replace("`1,`30.00", "`1,`31.00"))


def test_a_resolved_mismatch_stays_resolved_on_a_rerun_and_opens_again_when_its_facts_change(
    wechat_paid, wechat_api, django_user_model
):
    from bookings.payments.reconciliation.services import mismatch_resolve

    payment = wechat_paid(0)
    wechat_api.orders[payment.idempotency_key]["paid_total"] = 19900
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    staff = django_user_model.objects.create_user("staff-member")
    mismatch_resolve(mismatch=run.mismatch_lines.get(), by=staff, note="渠道少结 1 元,已申诉")
    reconciliation_run(provider="wechat_pay", day=TODAY)
    kept = Mismatch.objects.get()
    assert kept.resolved and kept.resolution_note == "渠道少结 1 元,已申诉"
    wechat_api.orders[payment.idempotency_key]["paid_total"] = 19800  # another amount: a new finding
    reconciliation_run(provider="wechat_pay", day=TODAY)
    reopened = Mismatch.objects.get()
    assert not reopened.resolved and reopened.bill_amount == Decimal("198.00")


def test_a_download_that_is_not_gzip_or_is_gone_fails_the_run(wechat_paid, wechat_api, monkeypatch):
    wechat_paid(0)
    original = wechat_api.bill_apply

    def broken(path, query):
        status, body = original(path, query)
        token = body["download_url"].rsplit("=", 1)[1]
        wechat_api.files[token] = b"<html>not a bill</html>"
        return status, body

    monkeypatch.setattr(wechat_api, "bill_apply", broken)
    assert "gzip" in reconciliation_run(provider="wechat_pay", day=TODAY).message

    def gone(path, query):
        status, body = original(path, query)
        wechat_api.files.clear()
        return status, body

    monkeypatch.setattr(wechat_api, "bill_apply", gone)
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.FAILED and "404" in run.message


def test_a_line_for_an_unknown_receiver_of_a_known_split_is_missing_here_not_another_receivers(
    splits_on, wechat_api
):
    """The receivers of one split share WeChat Pay's order number: it cannot stand for either."""
    bill_split(wechat_api, "P1", "1900000201", 3000)
    bill_split(wechat_api, "P1", "1900000299", 500)
    splits_on += [
        SplitRecord("P1", "1900000201", Decimal("30.00"), True, True, provider_reference="3008P1"),
        SplitRecord("P1", "1900000202", Decimal("20.00"), True, True, provider_reference="3008P1"),
    ]
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert kinds(run) == [
        (Kind.MISSING_HERE, "split", "P1/1900000299"),
        (Kind.MISSING_THERE, "split", "P1/1900000202"),
    ]


def test_a_line_the_bill_lists_twice_is_reported_once_as_money_we_have_no_record_of(splits_on, wechat_api):
    bill_split(wechat_api, "P1", "1900000201", 3000)
    bill_split(wechat_api, "P1", "1900000201", 3000)
    splits_on.append(SplitRecord("P1", "1900000201", Decimal("30.00"), True, True))
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert kinds(run) == [(Kind.MISSING_HERE, "split", "P1/1900000201")]
    assert (run.lines, run.matched, run.bill_split, run.ours_split) == (
        2,
        1,
        Decimal("60.00"),
        Decimal("30.00"),
    )
