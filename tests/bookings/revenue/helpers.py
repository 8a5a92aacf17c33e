"""Moving money through the real services, and reading it back from the ledger."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum

from bookings.ledger import LedgerEntry
from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.payments.services import (
    payment_mark_paid_at_homestay,
    payment_start,
    payment_succeeded,
    refund_for_cancellation,
    refund_status_set,
)
from bookings.revenue.models import RevenueShareRule
from bookings.services import booking_cancel
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL

REVENUE = ("platform_commission", "village_collective", "owner_payable")


def rule(village, commission: str, collective: str, effective_from=date(2020, 1, 1)) -> RevenueShareRule:
    return RevenueShareRule.objects.create(
        village=village,
        effective_from=effective_from,
        commission_rate=Decimal(commission),
        collective_rate=Decimal(collective),
    )


def pay_online(booking: Booking) -> Booking:
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk), provider_payment_reference="pi_test_1")
    return Booking.objects.get(pk=booking.pk)


def paid_online(room_type, **fields) -> Booking:
    return pay_online(hold(room_type, **fields))


def mark_paid_at_homestay(booking: Booking) -> Booking:
    payment_mark_paid_at_homestay(booking=booking)
    return Booking.objects.get(pk=booking.pk)


def paid_at_homestay(room_type, **fields) -> Booking:
    return mark_paid_at_homestay(hold(room_type, payment=Booking.Payment.AT_HOMESTAY, **fields))


def cancel(booking: Booking, by=Booking.Party.GUEST, refunds_succeed: bool = True) -> Booking:
    """Cancel, send the refund due, and let the provider report it done."""
    booking = booking_cancel(booking=booking, by=by)
    for refund in refund_for_cancellation(booking=booking):
        if refunds_succeed and refund.status != Refund.Status.SUCCEEDED:
            refund_status_set(refund=refund, status=Refund.Status.SUCCEEDED)
    return Booking.objects.get(pk=booking.pk)


def balances(booking: Booking) -> dict[str, Decimal]:
    rows = LedgerEntry.objects.filter(booking=booking).values("account").annotate(total=Sum("amount"))
    return {row["account"]: row["total"] for row in rows if row["total"]}


def earned(booking: Booking) -> dict[str, Decimal]:
    """What each party earned from the booking (credits on the revenue accounts, as positive money)."""
    return {account: -amount for account, amount in balances(booking).items() if account in REVENUE}
