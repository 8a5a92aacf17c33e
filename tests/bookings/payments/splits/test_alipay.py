"""Alipay's royalty (分账) for trades made in the owner's name through their authorisation of our
application (``app_auth_token``): the real ``python-alipay-sdk`` against the fake gateway, which keeps
owners' trades invisible without their token, binds receivers and settles by our request number."""

from decimal import Decimal

import pytest

from bookings.ledger import Kind, LedgerEntry, ledger_balances
from bookings.models import Booking
from bookings.payments.models import OwnerPayout, PaymentPayee, Refund, Split, SplitReturn
from bookings.payments.services import refund_for_cancellation, refund_send
from bookings.payments.splits import splits_run
from bookings.services import booking_cancel
from tests.bookings.payments.splits.helpers import (
    COLLECTIVE_ALIPAY,
    DAY_AFTER,
    OWNER_ALIPAY,
    PLATFORM_ALIPAY,
    TOKEN,
    booking_sum,
)

pytestmark = pytest.mark.django_db


def test_the_trade_is_made_for_the_owner_and_frozen_for_royalty(room_type, royalty, pay):
    booking, payment, page = pay(room_type, royalty)
    assert page["app_auth_token"] == TOKEN
    assert page["biz_content"]["extend_params"] == {"royalty_freeze": "true"}
    assert payment.payee.mode == PaymentPayee.Mode.SUB_MERCHANT and payment.payee.sub_mchid == OWNER_ALIPAY
    assert booking.status == "confirmed"


def test_the_royalty_settles_commission_and_collective_share_once_and_posts_them(room_type, royalty, pay):
    booking, payment, _page = pay(room_type, royalty)
    assert splits_run(today=DAY_AFTER)["succeeded"] == 1
    split = Split.objects.get(payment=payment)
    assert split.status == Split.Status.SUCCEEDED and split.provider_order_id
    [settle] = royalty.calls("alipay.trade.order.settle")
    assert [(p["trans_in"], p["amount"]) for p in settle["royalty_parameters"]] == [
        (PLATFORM_ALIPAY, "40.00"),
        (COLLECTIVE_ALIPAY, "20.00"),
    ]
    assert (
        settle["extend_params"] == {"royalty_finish": "true"}
        and settle["out_request_no"] == split.out_order_no
    )
    assert royalty.bound[TOKEN, COLLECTIVE_ALIPAY] == "彩家庄村股份经济合作社"
    assert booking_sum(booking) == 0
    assert ledger_balances(booking=booking)["cash_platform"] == Decimal("40.00")
    splits_run(today=DAY_AFTER)
    assert len(royalty.calls("alipay.trade.order.settle")) == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.COLLECTIVE_SPLIT).count() == 2


def test_a_settlement_over_alipays_ratio_is_refused_and_flagged(room_type, royalty, pay):
    pay(room_type, royalty)
    royalty.max_ratio_percent = 10
    assert splits_run(today=DAY_AFTER)["failed"] == 1
    split = Split.objects.get()
    assert split.needs_attention and "ALLOC_AMOUNT_VALIDATE_ERROR" in split.attention_note


def test_a_refund_after_an_alipay_royalty_is_refused_clearly_and_flagged(room_type, royalty, pay):
    booking, payment, _page = pay(room_type, royalty)
    splits_run(today=DAY_AFTER)
    refund = Refund.objects.create(
        payment=payment, booking=booking, amount=Decimal("100.00"), reason="duplicate", idempotency_key="rf-a"
    )
    refund = refund_send(refund=refund)
    assert refund.status == Refund.Status.FAILED and refund.needs_attention
    assert not royalty.calls("alipay.trade.refund")
    split = Split.objects.get()
    assert split.needs_attention and "商家平台" in split.attention_note
    assert booking_sum(booking) == 0


def test_an_owner_who_has_not_authorised_us_is_collected_for_by_the_group(room_type, royalty, pay, accounts):
    accounts["owner"].alipay_app_auth_token = ""
    accounts["owner"].save()
    _booking, payment, page = pay(room_type, royalty)
    assert "app_auth_token" not in page and "extend_params" not in page["biz_content"]
    splits_run(today=DAY_AFTER)
    assert Split.objects.get().mode == "group" and OwnerPayout.objects.get().amount == Decimal("340.00")
    assert "授权" in payment.payee.reason


# Failure paths: a lost answer, a settlement that never reached Alipay, one still processing, a refund
# before the split

SETTLE, QUERY = "alipay.trade.order.settle", "alipay.trade.order.settle.query"


def test_a_settlement_whose_answer_is_lost_is_asked_about_and_never_made_twice(
    room_type, royalty, pay, settings
):
    booking, _payment, _page = pay(room_type, royalty)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    royalty.slow[SETTLE] = 1.5  # Alipay settles, but answers after the client's 1 s
    assert splits_run(today=DAY_AFTER)["succeeded"] == 0
    split = Split.objects.get()
    assert split.status == Split.Status.PENDING and split.attempts == 1
    assert "TimeoutError" in split.last_error or "URLError" in split.last_error
    assert not LedgerEntry.objects.filter(kind=Kind.COMMISSION_SPLIT).exists()
    assert len(royalty.settles) == 1  # done at Alipay all the same
    royalty.slow.clear()
    assert splits_run(today=DAY_AFTER, now=split.next_attempt_at)["succeeded"] == 1
    [query] = royalty.calls(QUERY)
    assert query["out_request_no"] == split.out_order_no
    assert len(royalty.calls(SETTLE)) == 1 and len(royalty.settles) == 1
    split.refresh_from_db()
    assert split.provider_order_id == royalty.settles[split.out_order_no]["settle_no"]
    assert [(r["party"], r["account"], r["amount"], r["result"]) for r in split.receivers] == [
        ("platform", PLATFORM_ALIPAY, "40.00", "SUCCESS"),
        ("collective", COLLECTIVE_ALIPAY, "20.00", "SUCCESS"),
    ]
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.COMMISSION_SPLIT).count() == 2
    assert booking_sum(booking) == 0


def test_a_settlement_that_never_reached_alipay_is_sent_again_with_the_same_number(
    room_type, royalty, pay, settings, monkeypatch
):
    booking, _payment, _page = pay(room_type, royalty)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    answer = royalty.answer
    refused: list[str] = []

    def busy_once(method, biz, token=""):
        if method == SETTLE and not refused:
            refused.append(biz["out_request_no"])
            return {"code": "20000", "msg": "Service Currently Unavailable", "sub_code": "isp.unknow-error"}
        return answer(method, biz, token)

    monkeypatch.setattr(royalty, "answer", busy_once)
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.status == Split.Status.PENDING and "20000" in split.last_error and not royalty.settles
    assert splits_run(today=DAY_AFTER, now=split.next_attempt_at)["succeeded"] == 1
    assert len(royalty.calls(QUERY)) == 1  # asked first: Alipay had none
    assert [biz["out_request_no"] for biz in royalty.calls(SETTLE)] == [split.out_order_no] * 2
    assert refused == [split.out_order_no] and len(royalty.settles) == 1
    assert booking_sum(booking) == 0


def test_a_settlement_still_processing_is_asked_about_until_it_is_done(room_type, royalty, pay, settings):
    booking, _payment, _page = pay(room_type, royalty)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    royalty.settle_state = "PROCESSING"
    royalty.slow[SETTLE] = 1.5
    splits_run(today=DAY_AFTER)
    royalty.slow.clear()
    split = Split.objects.get()
    splits_run(today=DAY_AFTER, now=split.next_attempt_at)
    split.refresh_from_db()
    assert split.status == Split.Status.PROCESSING and not split.needs_attention
    assert {r["result"] for r in split.receivers} == {"PENDING"}
    assert not LedgerEntry.objects.filter(kind=Kind.COMMISSION_SPLIT).exists()
    royalty.finish_settles()
    assert splits_run(today=DAY_AFTER, now=split.next_attempt_at)["succeeded"] == 1
    assert len(royalty.calls(QUERY)) == 2 and len(royalty.calls(SETTLE)) == 1
    split.refresh_from_db()
    assert {r["result"] for r in split.receivers} == {"SUCCESS"}
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.COLLECTIVE_SPLIT).count() == 2
    assert booking_sum(booking) == 0


def test_a_receiver_alipay_refused_fails_the_split_for_staff(room_type, royalty, pay, settings):
    booking, _payment, _page = pay(room_type, royalty)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    royalty.settle_state = "FAIL"
    royalty.slow[SETTLE] = 1.5
    splits_run(today=DAY_AFTER)
    royalty.slow.clear()
    split = Split.objects.get()
    assert splits_run(today=DAY_AFTER, now=split.next_attempt_at)["failed"] == 1
    split.refresh_from_db()
    assert split.needs_attention and PLATFORM_ALIPAY in split.attention_note
    assert not LedgerEntry.objects.filter(kind=Kind.COMMISSION_SPLIT).exists()
    assert booking_sum(booking) == 0


def test_a_cancellation_refund_of_an_owners_trade_before_the_split_is_made_in_the_owners_name(
    room_type, royalty, pay, django_capture_on_commit_callbacks
):
    booking, payment, _page = pay(room_type, royalty)
    booking_cancel(booking=booking, by=Booking.Party.PLATFORM)
    with django_capture_on_commit_callbacks(execute=True):
        [refund] = refund_for_cancellation(booking=booking)
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.amount == payment.amount
    # the fake finds an owner's trade only with the owner's token: the refund was asked in their name
    assert royalty.refunds[refund.idempotency_key]["out_trade_no"] == payment.idempotency_key
    assert splits_run(today=DAY_AFTER)["created"] == 1
    split = Split.objects.get()
    assert split.amount == 0 and split.status == Split.Status.SUCCEEDED
    assert not royalty.calls(SETTLE) and not SplitReturn.objects.exists()
    assert booking_sum(booking) == 0
