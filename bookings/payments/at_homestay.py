"""Paying at the homestay (到店付): nothing happens online. The guest pays the owner on arrival and the
owner marks the booking paid at check-in (``payment_mark_paid_at_homestay``); a refund is cash the
owner hands back: it stays pending (the owner is asked to hand it back, the guest is told the host will)
until the owner records that they did (``refund_cash_handed_back``); only then does the ledger post it and
the guest hear that it is done."""

from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from bookings.payments.base import ANY_CLIENT, PaymentClient, PaymentProvider, PaymentStart, RefundResult
from bookings.payments.models import Payment, Refund


class AtHomestay(PaymentProvider):
    identifier = "at_homestay"
    name = _("到店付款 Pay at the homestay")
    booking_payment = Booking.Payment.AT_HOMESTAY

    def payment_expires_at(self, *, hold_expires_at, now):
        return None

    def start_payment(
        self, *, payment: Payment, success_url: str, cancel_url: str, client: PaymentClient = ANY_CLIENT
    ) -> PaymentStart:
        return PaymentStart()

    def cancel_payment(self, *, payment: Payment) -> None:
        """Nothing is open online: the pending payment simply expires."""

    def refund(self, *, refund: Refund) -> RefundResult:
        return RefundResult(provider_reference=f"cash-{refund.idempotency_key}", status=Refund.Status.PENDING)
