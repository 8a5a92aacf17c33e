"""Reconciliation tests: payments made through the real SDKs against the local fakes, the fakes' bills
built from what they recorded, on the frozen Beijing clock of the booking tests."""

from datetime import date, timedelta

import pytest

from bookings.models import Booking
from bookings.payments import alipay, wechat_pay
from bookings.payments.models import Payment, Refund
from bookings.payments.services import payment_start, refund_for_cancellation
from bookings.services import booking_cancel
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL

TODAY = date(2026, 9, 1)  # the frozen clock's day (10:00 Beijing time)
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def stay(room_type, nth: int):
    """A booking held on its own nights (the room type has one room), ``nth`` weeks ahead."""
    check_in = date(2026, 9, 8) + timedelta(weeks=nth)
    return hold(room_type, check_in=check_in, check_out=check_in + timedelta(days=1))


def opened(room_type, nth: int) -> Payment:
    booking = stay(room_type, nth)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    return Payment.objects.get(pk=payment.pk)


@pytest.fixture
def wechat_paid(room_type, wechat_api, clock):
    """``wechat_paid(nth)``: a booking paid by WeChat Pay now (the fake's clock set to ours)."""

    def pay(nth: int = 0) -> Payment:
        payment = opened(room_type, nth)
        transaction = wechat_api.pay(payment.idempotency_key)
        wechat_api.orders[payment.idempotency_key]["success_time"] = clock.now.isoformat()
        wechat_pay.transaction_apply(transaction)
        return Payment.objects.get(pk=payment.pk)

    return pay


@pytest.fixture
def wechat_refunded(wechat_api, clock, django_capture_on_commit_callbacks):
    """``wechat_refunded(payment)``: cancel its booking; WeChat Pay refunds it now and tells us."""

    def refund(payment: Payment) -> Refund:
        wechat_api.refund_status = "PROCESSING"
        booking_cancel(booking=payment.for_booking, by=Booking.Party.PLATFORM)
        with django_capture_on_commit_callbacks(execute=True):
            [refund] = refund_for_cancellation(booking=payment.for_booking)
        wechat_refund = wechat_api.refunds[refund.idempotency_key]
        wechat_refund["status"] = "SUCCESS"
        wechat_refund["success_time"] = clock.now.isoformat()
        wechat_pay.refund_apply({**wechat_refund, "refund_status": "SUCCESS"})
        return Refund.objects.get(pk=refund.pk)

    return refund


@pytest.fixture
def alipay_paid(room_type, alipay_api, clock):
    def pay(nth: int = 0) -> Payment:
        payment = opened(room_type, nth)
        alipay_api.open_page(payment.redirect_url)
        trade = alipay_api.pay(payment.idempotency_key)
        trade["paid"] = clock.now.strftime("%Y-%m-%d %H:%M:%S")
        alipay.trade_apply({**trade, "total_amount": trade["paid_amount"]})
        return Payment.objects.get(pk=payment.pk)

    return pay
