"""Alipay's royalty (分账) for trades made in the owner's name through their authorisation of our
application (``app_auth_token``): the real ``python-alipay-sdk`` against the fake gateway, which keeps
owners' trades invisible without their token, binds receivers and settles by our request number."""

from decimal import Decimal

import pytest

from bookings.ledger import Kind, LedgerEntry, ledger_balances
from bookings.payments.models import OwnerPayout, PaymentPayee, Refund, Split
from bookings.payments.services import payment_start, refund_send
from bookings.payments.splits import splits_run
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL
from tests.bookings.payments.splits.helpers import DAY_AFTER, booking_sum

pytestmark = pytest.mark.django_db
TOKEN = "202609BB3f2d9a1c4e5b6a7f8e9d0c1b2a3f4e5d"
OWNER_ALIPAY, PLATFORM_ALIPAY, COLLECTIVE_ALIPAY = "2088000000000301", "2088000000000109", "2088000000000402"


@pytest.fixture
def royalty(alipay_api, accounts, settings):
    settings.ALIPAY_ROYALTY = "true"
    for party, number in (
        ("owner", OWNER_ALIPAY),
        ("platform", PLATFORM_ALIPAY),
        ("collective", COLLECTIVE_ALIPAY),
    ):
        account = accounts[party]
        account.alipay_account = number
        account.alipay_app_auth_token = TOKEN if party == "owner" else ""
        account.save()
    return alipay_api


@pytest.fixture
def pay(client, django_capture_on_commit_callbacks):
    def paid(room_type, fake):
        booking = hold(room_type)
        payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
        page = fake.open_page(payment.redirect_url)
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/payments/alipay/notify/", data=fake.notification(fake.pay(payment.idempotency_key)))
        booking.refresh_from_db()
        payment.refresh_from_db()
        return booking, payment, page

    return paid


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
