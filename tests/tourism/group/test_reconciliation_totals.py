"""The dashboard and the providers' bills agree: a day on which guests arrive and pay (by WeChat Pay
and by Alipay, through the real SDKs and the fakes, and by card through Stripe's real client and its
fake HTTP), one of them cancels and is refunded; the day's totals computed here from the downloaded
bills alone equal what /group/ shows for that day."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.payments import alipay, wechat_pay
from bookings.payments.models import Payment, Refund
from bookings.payments.reconciliation import alipay as alipay_bills
from bookings.payments.reconciliation import stripe as stripe_bills
from bookings.payments.reconciliation import wechat as wechat_bills
from bookings.payments.reconciliation.services import reconciliation_run
from bookings.payments.services import payment_start, payment_succeeded, refund_for_cancellation
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import (  # noqa: F401
    CANCEL_URL,
    SUCCESS_URL,
    alipay_api,
    alipay_keys,
    alipay_server,
    wechat_api,
    wechat_keys,
    wechat_server,
)

pytestmark = pytest.mark.django_db
DAY = date(2026, 9, 1)  # the frozen clock's day


@pytest.fixture
def every(wechat_api, alipay_api, stripe_api, settings):  # noqa: F811
    settings.PAYMENT_PROVIDERS = [
        "bookings.payments.at_homestay.AtHomestay",
        "bookings.payments.wechat_pay.WeChatPay",
        "bookings.payments.alipay.Alipay",
        "bookings.payments.stripe_checkout.StripeCheckout",
    ]
    return wechat_api, alipay_api, stripe_api


def _arrive_today(room, nights: int, provider: str) -> Payment:
    booking = hold(room, check_in=DAY, check_out=DAY + timedelta(days=nights))
    payment = payment_start(
        booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL, provider=provider
    )
    return Payment.objects.get(pk=payment.pk)


def test_the_days_totals_from_the_bills_equal_the_dashboards(
    staff_client, every, clock, django_capture_on_commit_callbacks
):
    wechat_fake, alipay_fake, stripe_fake = every
    room = factories.room_type(room_count=4, capacity=2, base_price=Decimal("180.00"))
    now = clock.now.isoformat()
    by_wechat = [_arrive_today(room, nights, "wechat_pay") for nights in (1, 2)]
    for payment in by_wechat:
        transaction = wechat_fake.pay(payment.idempotency_key)
        wechat_fake.orders[payment.idempotency_key]["success_time"] = now
        wechat_pay.transaction_apply(transaction)
    by_alipay = _arrive_today(room, 3, "alipay")
    alipay_fake.open_page(by_alipay.redirect_url)
    trade = alipay_fake.pay(by_alipay.idempotency_key)
    trade["paid"] = clock.now.strftime("%Y-%m-%d %H:%M:%S")
    alipay.trade_apply({**trade, "total_amount": trade["paid_amount"]})
    by_card = _arrive_today(room, 1, "stripe_checkout")  # a foreign guest: Stripe's webhook, then its day
    payment_succeeded(payment=by_card, provider_payment_reference="pi_card_1")
    stripe_fake.balance_transaction(
        "charge",
        {
            "id": "ch_card_1",
            "object": "charge",
            "amount": 18000,
            "currency": "cny",
            "payment_intent": "pi_card_1",
        },
        int(clock.now.timestamp()),
    )
    # The platform cancels the second WeChat Pay stay: refunded in full the same day.
    cancelled = Payment.objects.get(pk=by_wechat[1].pk)
    booking_cancel(booking=cancelled.for_booking, by=Booking.Party.PLATFORM)
    with django_capture_on_commit_callbacks(execute=True):
        [refund] = refund_for_cancellation(booking=cancelled.for_booking)
    wechat_refund = wechat_fake.refunds[refund.idempotency_key]
    wechat_refund |= {"status": "SUCCESS", "success_time": now}
    wechat_pay.refund_apply({**wechat_refund, "refund_status": "SUCCESS"})
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.SUCCEEDED

    # The day's totals, from the bills alone (downloaded and read as reconciliation reads them).
    bills = [
        wechat_bills.trade_bill(DAY),
        alipay_bills.statement(DAY),
        stripe_bills.balance_transactions(DAY),
    ]
    paid = sum(bill.total("payment") for bill in bills)
    refunded = sum(bill.total("refund") for bill in bills)
    assert (paid, refunded) == (Decimal("1260.00"), Decimal("360.00"))  # 180 + 360 + 540 + 180; 360 back

    report = staff_client.get(f"/group/?start={DAY}&end={DAY}").context["report"]
    assert report.total.gross == paid
    assert report.total.refunds == refunded
    assert report.total.net_revenue == paid - refunded
    for provider in ("wechat_pay", "alipay", "stripe_checkout"):
        run = reconciliation_run(provider=provider, day=DAY)
        assert run.state == "matched" and (run.bill_paid, run.bill_refunded) == (
            run.ours_paid,
            run.ours_refunded,
        )
