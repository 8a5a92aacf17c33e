"""Daily reconciliation of what was split, end to end: real payments and splits through the SDKs against
the fakes, then the fakes' bills, then ``reconciliation_run``. WeChat Pay as a service provider (its
profit-sharing bill, split returns included); Alipay in royalty mode, where trades made in an owner's
name and the settlements out of them are on the owner's statements, downloaded with their token."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.payments.models import Refund, Split
from bookings.payments.reconciliation import alipay as statements
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.services import reconciliation_run
from bookings.payments.services import refund_send
from bookings.payments.splits import splits_run
from tests import factories
from tests.bookings.payments.splits.helpers import (
    COLLECTIVE_ALIPAY,
    COLLECTIVE_MCH,
    DAY_AFTER,
    PLATFORM_ALIPAY,
    PLATFORM_MCH,
    TOKEN,
    paid,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 9, 1)  # the frozen clock's day: payments, splits and refunds all happen on it
Kind = Mismatch.Kind
State = ReconciliationRun.State
BILL = statements.METHOD


def found(run) -> set[tuple[str, str, str]]:
    return set(run.mismatch_lines.values_list("kind", "line", "reference"))


# WeChat Pay, service-provider mode


@pytest.fixture
def refunded_after_split(room_type, partner, accounts):
    """A stay paid into the owner's sub-merchant, split the day after, then ¥100 refunded: the
    receivers give back their part first (10 and 5). WeChat Pay's clock is the tests' frozen one."""
    partner.clock = lambda: timezone.now()
    booking, payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    partner.refund_status = "SUCCESS"
    refund = Refund.objects.create(
        payment=payment,
        booking=booking,
        amount=Decimal("100.00"),
        reason="duplicate",
        idempotency_key="rf-e2e",
    )
    refund = refund_send(refund=refund)
    assert refund.status == Refund.Status.SUCCEEDED
    return Split.objects.get(payment=payment), refund


def test_splits_and_their_returns_match_the_profit_sharing_bill(partner, refunded_after_split):
    split, refund = refunded_after_split
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert run.state == State.MATCHED, found(run)
    assert (run.lines, run.matched) == (6, 6)  # the payment, the refund, two splits, two returns
    assert run.bill_paid == run.ours_paid == split.payment.amount
    assert run.bill_refunded == run.ours_refunded == refund.amount
    assert run.bill_split == run.ours_split == Decimal("45.00")  # 40 + 20 split, 10 + 5 given back
    [(_method, path, _body)] = partner.calls("/v3/profitsharing/bills")
    assert "bill_date=2026-09-01" in path
    text = partner.split_bill("2026-09-01")
    assert text.count("`回退,`回退成功") == 2 and text.count("`分账,`分账成功") == 2


def test_a_return_the_bill_lacks_and_a_split_of_another_amount_are_mismatches(partner, refunded_after_split):
    split, _refund = refunded_after_split
    back = next(r for r in partner.returns.values() if r["return_mchid"] == COLLECTIVE_MCH)
    back["finish_time"] = "2026-09-02T09:00:00+08:00"  # WeChat Pay finished it the next day
    receiver = next(
        r for r in partner.splits[split.out_order_no]["receivers"] if r["account"] == PLATFORM_MCH
    )
    receiver["amount"] = 3900
    run = reconciliation_run(provider="wechat_pay", day=TODAY)
    assert found(run) == {
        (Kind.MISSING_THERE, "split", f"{back['out_return_no']}/{COLLECTIVE_MCH}"),
        (Kind.AMOUNT, "split", f"{split.out_order_no}/{PLATFORM_MCH}"),
    }
    missing = run.mismatch_lines.get(kind=Kind.MISSING_THERE)
    assert missing.our_amount == Decimal("-5.00") and missing.booking_reference == split.booking.reference
    next_day = reconciliation_run(provider="wechat_pay", day=TODAY + timedelta(days=1))
    assert next_day.state == State.MATCHED
    assert run.mismatch_lines.get(kind=Kind.MISSING_THERE).resolved  # found in the next day's bill


# Alipay, royalty mode


def test_owner_name_trades_and_royalties_are_reconciled_on_the_owners_statements(room_type, royalty, pay):
    _booking, owners, _page = pay(room_type, royalty)
    other = factories.room_type(homestay=factories.homestay(village=room_type.homestay.village))
    _other_booking, groups, _page = pay(other, royalty)  # no owner account: the group's trade
    royalty.trades["own-qr-code"] = {  # the owner's own business in the same Alipay account
        **royalty.trades[owners.idempotency_key],
        "out_trade_no": "own-qr-code",
        "trade_no": "2026090122001000000000009999",
    }
    splits_run(today=DAY_AFTER)
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert run.state == State.MATCHED, found(run)
    assert (run.lines, run.matched) == (4, 4)  # two payments, the commission and the collective's share
    assert run.bill_paid == run.ours_paid == owners.amount + groups.amount
    assert run.bill_split == run.ours_split == Decimal("60.00")
    assert run.message.startswith("另有 1 行")  # the owner's own trade, not ours, counted aside
    assert sorted(biz["bill_type"] for biz in royalty.calls(BILL)) == ["signcustomer", "trade", "trade"]
    [line] = statements.statement_read(royalty.statement("2026-09-01")).lines  # the group's alone
    assert line.reference == groups.idempotency_key


def test_each_kind_of_mismatch_in_royalty_mode(room_type, royalty, pay):
    _a, first, _page = pay(room_type, royalty)
    _b, second, _page = pay(room_type, royalty, check_in=date(2026, 9, 15), check_out=date(2026, 9, 17))
    splits_run(today=date(2026, 9, 20))
    one, two = Split.objects.get(payment=first), Split.objects.get(payment=second)
    royalty.trades[first.idempotency_key]["paid_amount"] = "390.00"
    royalty.trades[second.idempotency_key]["paid"] = "2026-08-31 22:00:00"  # on another day's statement
    royalty.refunds["made-in-alipays-platform"] = {  # the owner refunded in Alipay, not through us
        "trade_no": royalty.trades[second.idempotency_key]["trade_no"],
        "out_trade_no": second.idempotency_key,
        "out_request_no": "made-in-alipays-platform",
        "refund_amount": "50.00",
        "refund_fee": "50.00",
        "gmt_refund_pay": "2026-09-01 11:00:00",
    }
    platform, collective = royalty.settles[one.out_order_no]["royalty_detail_list"]
    platform["amount"] = "39.00"
    collective["execute_dt"] = "2026-09-02 09:00:00"
    royalty.settles[two.out_order_no]["royalty_detail_list"].append(
        {
            "trans_in": "2088000000009999",
            "amount": "5.00",
            "state": "SUCCESS",
            "execute_dt": "2026-09-01 10:00:00",
        }
    )
    two.receivers[1]["result"] = "PENDING"  # ours says the collective's share has not arrived yet
    two.save(update_fields=["receivers"])
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert found(run) == {
        (Kind.AMOUNT, "payment", first.idempotency_key),
        (Kind.MISSING_THERE, "payment", second.idempotency_key),
        (Kind.MISSING_HERE, "refund", "made-in-alipays-platform"),
        (Kind.AMOUNT, "split", f"{one.out_order_no}/{PLATFORM_ALIPAY}"),
        (Kind.MISSING_THERE, "split", f"{one.out_order_no}/{COLLECTIVE_ALIPAY}"),
        (Kind.MISSING_HERE, "split", f"{two.out_order_no}/2088000000009999"),
        (Kind.STATUS, "split", f"{two.out_order_no}/{COLLECTIVE_ALIPAY}"),
    }
    amount = run.mismatch_lines.get(kind=Kind.AMOUNT, line="split")
    assert (amount.bill_amount, amount.our_amount) == (Decimal("39.00"), Decimal("40.00"))


def test_without_royalty_reconciled_the_owners_trades_are_still_read_but_not_their_settlements(
    room_type, royalty, pay, settings
):
    _booking, payment, _page = pay(room_type, royalty)
    settings.RECONCILIATION_SPLIT_RECORDS = ""
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert (run.state, run.lines) == (State.MATCHED, 1)
    assert run.ours_paid == payment.amount
    assert sorted(biz["bill_type"] for biz in royalty.calls(BILL)) == ["trade", "trade"]


def test_an_owners_statement_that_cannot_be_had_fails_the_run_and_names_the_owner(
    room_type, royalty, pay, settings, monkeypatch
):
    pay(room_type, royalty)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    group_bill = royalty.bill
    lapsed = {
        "code": "20001",
        "msg": "Insufficient Token Permissions",
        "sub_code": "aop.invalid-app-auth-token",
    }
    monkeypatch.setattr(royalty, "bill", lambda biz, token="": lapsed if token else group_bill(biz, token))
    run = reconciliation_run(provider="alipay", day=TODAY)
    assert run.state == State.FAILED and not run.mismatch_lines.exists()
    assert "李四民宿" in run.message and "invalid-app-auth-token" in run.message


def test_the_account_statement_reader_checks_its_totals(room_type, royalty, pay):
    pay(room_type, royalty)
    splits_run(today=DAY_AFTER)
    text = royalty.account_statement("2026-09-01", TOKEN)
    bill = statements.account_statement_read(text)
    assert sorted(line.amount for line in bill.lines) == [Decimal("20.00"), Decimal("40.00")]
    with pytest.raises(statements.BillUnavailable, match="支出"):
        statements.account_statement_read(text.replace("共-60.00元", "共-61.00元"))
