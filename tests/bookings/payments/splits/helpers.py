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


def paid(room_type, fake):
    booking = hold(room_type)
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    wechat_pay.transaction_apply(fake.pay(payment.idempotency_key))
    booking.refresh_from_db()
    payment.refresh_from_db()
    return booking, payment


def booking_sum(booking) -> Decimal:
    return LedgerEntry.objects.filter(booking=booking).aggregate(total=Sum("amount"))["total"]
