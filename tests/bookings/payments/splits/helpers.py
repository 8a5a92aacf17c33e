"""Builders of the profit-sharing tests: the receivers' numbers and a booking paid through WeChat Pay."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from bookings.ledger import LedgerEntry
from bookings.payments import wechat_pay
from bookings.payments.services import payment_start
from tests.bookings.helpers import DEPARTURE, hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL

OWNER_SUB = "1900000301"
GROUP_SUB = "1900000200"
PLATFORM_MCH = "1900000109"
COLLECTIVE_MCH = "1900000402"
DAY_AFTER = DEPARTURE + timedelta(days=1)
# Alipay royalty: the owner's authorisation of our application and the receivers' Alipay user ids
TOKEN = "202609BB3f2d9a1c4e5b6a7f8e9d0c1b2a3f4e5d"
OWNER_ALIPAY, PLATFORM_ALIPAY, COLLECTIVE_ALIPAY = "2088000000000301", "2088000000000109", "2088000000000402"


def paid(room_type, fake):
    booking = hold(room_type)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    wechat_pay.transaction_apply(fake.pay(payment.idempotency_key))
    booking.refresh_from_db()
    payment.refresh_from_db()
    return booking, payment


def booking_sum(booking) -> Decimal:
    return LedgerEntry.objects.filter(booking=booking).aggregate(total=Sum("amount"))["total"]
