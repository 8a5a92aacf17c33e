"""Profit sharing (分账): WeChat Pay in service-provider mode through the real ``wechatpayv3`` client
against the local fake, which checks signatures, decrypts receivers' names with the platform key and
keeps split and return orders by our numbers. The ledger sums to zero per booking at every step."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.ledger import Kind, LedgerEntry, ledger_balances
from bookings.models import Booking
from bookings.payments.models import OwnerPayout, PaymentPayee, Refund, Split, SplitAccount, SplitReturn
from bookings.payments.services import payment_start, refund_for_cancellation, refund_send
from bookings.payments.splits import owner_payout_record_paid, split_create, split_retry, splits_run
from bookings.services import booking_cancel
from tests.bookings.helpers import DEPARTURE, hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL
from tests.bookings.payments.splits.helpers import (
    COLLECTIVE_MCH,
    DAY_AFTER,
    GROUP_SUB,
    OWNER_SUB,
    PLATFORM_MCH,
    booking_sum,
    paid,
)
from tests.bookings.revenue.helpers import rule

pytestmark = pytest.mark.django_db


def test_an_owner_with_a_sub_merchant_is_the_orders_payee_and_the_order_is_frozen_for_splitting(
    room_type, partner, accounts
):
    booking, payment = paid(room_type, partner)
    [(_method, path, sent)] = partner.calls("/v3/pay/partner/transactions/")
    assert path == "/v3/pay/partner/transactions/native"
    assert sent["sub_mchid"] == OWNER_SUB and sent["settle_info"] == {"profit_sharing": True}
    assert payment.payee.mode == PaymentPayee.Mode.SUB_MERCHANT
    assert booking.status == "confirmed"


def test_an_owner_without_a_verified_account_pays_into_the_groups_sub_merchant_unfrozen(
    room_type, partner, accounts
):
    SplitAccount.objects.filter(party="owner").update(verified=False)
    _booking, payment = paid(room_type, partner)
    [(_method, _path, sent)] = partner.calls("/v3/pay/partner/transactions/")
    assert sent["sub_mchid"] == GROUP_SUB and "settle_info" not in sent
    assert payment.payee.mode == PaymentPayee.Mode.GROUP


def test_the_split_is_made_the_day_after_check_out_and_posted_so_the_booking_sums_to_zero(
    room_type, partner, accounts
):
    booking, payment = paid(room_type, partner)
    assert splits_run(today=DEPARTURE)["created"] == 0  # the stay is not over yet
    counts = splits_run(today=DAY_AFTER)
    assert counts == {"created": 1, "sent": 1, "succeeded": 1, "failed": 0}
    split = Split.objects.get(payment=payment)
    assert (split.commission, split.collective, split.owner) == (
        Decimal("40.00"),
        Decimal("20.00"),
        Decimal("340.00"),
    )
    assert split.status == Split.Status.SUCCEEDED and split.provider_order_id
    [(_m, _p, order)] = partner.calls("/v3/profitsharing/orders")
    assert order["sub_mchid"] == OWNER_SUB and order["unfreeze_unsplit"] is True
    assert [(r["account"], r["amount"]) for r in order["receivers"]] == [
        (PLATFORM_MCH, 4000),
        (COLLECTIVE_MCH, 2000),
    ]
    # names travel encrypted with the platform key, and the fake read them back
    assert partner.receivers[OWNER_SUB, COLLECTIVE_MCH] == "彩家庄村股份经济合作社"
    assert order["receivers"][1]["name"] != "彩家庄村股份经济合作社"
    assert booking_sum(booking) == 0
    balances = ledger_balances(booking=booking)
    assert balances["cash_provider"] == 0 and balances["guest"] == 0
    assert balances["village_collective"] == 0 and balances["owner_payable"] == 0
    assert balances["platform_commission"] == Decimal("-40.00") and balances["cash_platform"] == Decimal(
        "40.00"
    )


def test_running_again_splits_nothing_twice(room_type, partner, accounts):
    booking, payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    entries = LedgerEntry.objects.filter(booking=booking).count()
    assert splits_run(today=DAY_AFTER, now=timezone.now() + timedelta(days=3))["created"] == 0
    assert split_create(payment=payment) == Split.objects.get()
    assert len(partner.calls("/v3/profitsharing/orders")) == 1
    assert LedgerEntry.objects.filter(booking=booking).count() == entries


def test_a_timed_out_split_is_sent_again_with_the_same_number_and_split_once(
    room_type, partner, accounts, settings
):
    booking, _payment = paid(room_type, partner)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    partner.delay = 1.3  # longer than the client's read timeout (1 s); the fake still records it
    counts = splits_run(today=DAY_AFTER)
    partner.delay = 0
    split = Split.objects.get()
    assert counts["succeeded"] == 0 and split.status == Split.Status.PENDING
    assert split.next_attempt_at is not None
    assert split.attempts == 1 and split.next_attempt_at > timezone.now()
    assert not LedgerEntry.objects.filter(kind=Kind.COMMISSION_SPLIT).exists()
    assert splits_run(today=DAY_AFTER)["sent"] == 0  # not before its backoff
    assert splits_run(today=DAY_AFTER, now=split.next_attempt_at)["succeeded"] == 1
    assert len(partner.splits) == 1
    assert booking_sum(booking) == 0


def test_provider_errors_back_off_and_are_flagged_for_staff_after_the_last_attempt(
    room_type, partner, accounts, settings
):
    paid(room_type, partner)
    settings.PAYMENT_PROVIDER_RETRIES = 0
    settings.PROFIT_SHARING_MAX_ATTEMPTS = 2
    partner.fail = [(500, "SYSTEM_ERROR")] * 3
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.next_attempt_at is not None
    first_wait = split.next_attempt_at - timezone.now()
    splits_run(today=DAY_AFTER, now=split.next_attempt_at)
    split.refresh_from_db()
    assert split.status == Split.Status.FAILED and split.needs_attention
    assert "SYSTEM_ERROR" in split.attention_note and timedelta(seconds=50) < first_wait <= timedelta(
        seconds=60
    )
    partner.fail.clear()
    split_retry(split=split)  # staff: try again
    assert splits_run(today=DAY_AFTER)["succeeded"] == 1


def test_a_closed_receiver_fails_the_split_and_flags_it_without_posting(room_type, partner, accounts):
    booking, _payment = paid(room_type, partner)
    partner.receiver_result = "CLOSED"
    assert splits_run(today=DAY_AFTER)["failed"] == 1
    split = Split.objects.get()
    assert split.needs_attention and "ACCOUNT_ABNORMAL" in split.attention_note
    assert not LedgerEntry.objects.filter(
        booking=booking, kind__in=[Kind.COMMISSION_SPLIT, Kind.OWNER_SETTLED]
    )


def test_a_split_still_processing_is_asked_about_until_it_finishes(room_type, partner, accounts):
    paid(room_type, partner)
    partner.split_state = "PROCESSING"
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.status == Split.Status.PROCESSING
    partner.finish_splits()
    splits_run(today=DAY_AFTER, now=split.next_attempt_at)
    split.refresh_from_db()
    assert split.status == Split.Status.SUCCEEDED
    assert partner.calls("/v3/profitsharing/orders/S")  # the query by our number


def test_a_missing_collective_account_refuses_the_split_for_staff(room_type, partner, accounts):
    paid(room_type, partner)
    accounts["collective"].delete()
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.status == Split.Status.FAILED and split.needs_attention
    assert "村集体" in split.attention_note and not partner.calls("/v3/profitsharing/orders")


def test_shares_above_the_30_percent_cap_make_the_group_collect_and_owe_the_owner(
    room_type, partner, accounts
):
    village = room_type.homestay.village
    village.revenue_rules.all().delete()
    rule(village, "0.2500", "0.1000")  # 35%
    _booking, payment = paid(room_type, partner)
    assert payment.payee.mode == PaymentPayee.Mode.GROUP and "上限" in payment.payee.reason
    splits_run(today=DAY_AFTER)
    assert not partner.calls("/v3/profitsharing/")
    payout = OwnerPayout.objects.get()
    assert payout.amount == Decimal("260.00") and payout.status == OwnerPayout.Status.OWED


def test_a_cap_lowered_after_the_order_refuses_the_split_rather_than_breaking_it(
    room_type, partner, accounts, settings
):
    paid(room_type, partner)
    settings.PROFIT_SHARING_MAX_RATIO = "0.10"
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.status == Split.Status.FAILED and "上限" in split.attention_note
    assert not partner.calls("/v3/profitsharing/orders")


def test_the_fake_refuses_a_split_above_its_ratio_like_wechat_pay(room_type, partner, accounts, settings):
    paid(room_type, partner)
    partner.max_ratio_percent = 10
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.status == Split.Status.FAILED and "最大分账比例" in split.attention_note


def test_without_a_sub_merchant_the_group_owes_the_owner_a_payout_staff_record_once(
    room_type, partner, accounts
):
    accounts["owner"].delete()
    booking, _payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    split = Split.objects.get()
    assert split.mode == "group" and split.status == Split.Status.SUCCEEDED
    payout = OwnerPayout.objects.get()
    assert payout.amount == Decimal("340.00") and "子商户" in payout.reason
    owner_payout_record_paid(payout=payout, paid_on=DAY_AFTER, reference="TR-1")
    owner_payout_record_paid(payout=payout, paid_on=DAY_AFTER, reference="TR-1")
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.OWNER_PAYOUT).count() == 2  # one posting
    assert ledger_balances(booking=booking)["owner_payable"] == 0
    assert booking_sum(booking) == 0


def test_direct_mode_payments_are_collected_by_the_group_even_if_partner_mode_comes_later(
    room_type, wechat_api, accounts, settings
):
    paid(room_type, wechat_api)
    settings.WECHATPAY_PARTNER_MODE = "true"  # switched on after the payment: it changes nothing for it
    splits_run(today=DAY_AFTER)
    assert Split.objects.get().mode == "group" and OwnerPayout.objects.count() == 1
    assert "服务商模式" in OwnerPayout.objects.get().reason
    assert not wechat_api.calls("/v3/profitsharing/")


def test_a_refund_after_a_split_takes_the_receivers_part_back_first(room_type, partner, accounts):
    booking, payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    refund = Refund.objects.create(
        payment=payment, booking=booking, amount=Decimal("100.00"), reason="duplicate", idempotency_key="rf-1"
    )
    refund_send(refund=refund)
    returns = {r.party: r for r in SplitReturn.objects.all()}
    assert returns["platform"].amount == Decimal("10.00") and returns["collective"].amount == Decimal("5.00")
    assert all(r.status == "succeeded" for r in returns.values())
    [(_m, _p, sent)] = partner.calls("/v3/refund/domestic/refunds")
    assert sent["sub_mchid"] == OWNER_SUB
    assert partner.calls("/v3/profitsharing/return-orders")
    assert booking_sum(booking) == 0
    assert ledger_balances(booking=booking)["cash_platform"] == Decimal("30.00")
    refund_send(refund=Refund.objects.get(pk=refund.pk))  # sent again: nothing returned twice
    assert len(partner.returns) == 2


def test_a_failed_return_holds_the_refund_back_and_flags_the_split(room_type, partner, accounts):
    booking, payment = paid(room_type, partner)
    splits_run(today=DAY_AFTER)
    partner.return_result = "FAILED"
    refund = Refund.objects.create(
        payment=payment, booking=booking, amount=Decimal("100.00"), reason="duplicate", idempotency_key="rf-2"
    )
    refund = refund_send(refund=refund)
    assert refund.status == Refund.Status.FAILED and refund.provider_reference == ""
    assert not partner.calls("/v3/refund/domestic/refunds")
    assert Split.objects.get().needs_attention
    assert booking_sum(booking) == 0


def test_the_command_reports_what_it_did(room_type, partner, accounts, monkeypatch):
    paid(room_type, partner)
    monkeypatch.setattr("bookings.payments.splits.local_today", lambda: DAY_AFTER)
    out = StringIO()
    call_command("splits_run", stdout=out)
    assert "Created 1, sent 1, succeeded 1" in out.getvalue()


def test_a_cancelled_booking_is_split_only_once_its_refund_is_settled(room_type, partner, accounts):
    booking, _payment = paid(room_type, partner)
    refund_for_cancellation(booking=booking_cancel(booking=booking, by=Booking.Party.OWNER))
    assert Refund.objects.get().status == Refund.Status.PENDING
    assert splits_run(today=DAY_AFTER)["created"] == 0
    Refund.objects.update(status=Refund.Status.SUCCEEDED)
    assert splits_run(today=DAY_AFTER)["created"] == 1
    split = Split.objects.get()
    assert split.amount == 0 and split.status == Split.Status.SUCCEEDED  # nothing kept, nothing to split
    assert not partner.calls("/v3/profitsharing/")


def test_an_alipay_payment_is_collected_by_the_group_and_owed_to_the_owner(
    room_type, alipay_api, accounts, client, django_capture_on_commit_callbacks
):
    booking = hold(room_type)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    alipay_api.open_page(payment.redirect_url)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/payments/alipay/notify/", data=alipay_api.notification(alipay_api.pay(payment.idempotency_key))
        )
    splits_run(today=DAY_AFTER)
    split = Split.objects.get(payment=payment)
    assert split.mode == "group" and PaymentPayee.objects.get(payment=payment).mode == "group"
    payout = OwnerPayout.objects.get()
    assert payout.amount == Decimal("340.00") and "未开通" in payout.reason
    assert booking_sum(booking) == 0


def test_a_split_whose_parts_add_up_only_in_fen_not_in_floats_is_recorded(room_type, partner, accounts):
    """¥50.06 shares as 5.01 + 2.50 + 42.55, which SQLite's float comparison once refused
    (``split_parts_add_up``), stopping the whole run."""
    room_type.base_price = Decimal("25.03")
    room_type.save(update_fields=["base_price"])
    booking, _payment = paid(room_type, partner)
    assert booking.total == Decimal("50.06")
    assert splits_run(today=DAY_AFTER) == {"created": 1, "sent": 1, "succeeded": 1, "failed": 0}
    split = Split.objects.get()
    assert (split.commission, split.collective, split.owner) == (
        Decimal("5.01"),
        Decimal("2.50"),
        Decimal("42.55"),
    )
    assert booking_sum(booking) == 0
    with pytest.raises(IntegrityError), transaction.atomic():  # a fen out is still refused
        Split.objects.filter(pk=split.pk).update(owner=Decimal("42.54"))
