"""The revenue split in the ledger. Called by the payment services, inside their transaction and with
the booking locked; each posting has an idempotency key, so calling twice records once.

* ``revenue_record_payment``: a payment applied to its booking is earned at once: ``commission``,
  ``collective_share`` and ``owner_payable`` postings split it by the booking's rule.
* ``revenue_record_cancellation``: a cancelled (or expired) booking keeps ``paid − refund_due``. The
  split is posted again with the signs reversed and what is kept is posted as ``cancellation_fee``,
  split by the same rule. A cancellation that keeps everything changes nothing.
"""

from decimal import Decimal

from django.db.models import Sum

from bookings.ledger import EARNED, Account, Kind, LedgerEntry, ledger_post
from bookings.models import Booking
from bookings.payments.models import Payment
from bookings.revenue.rules import rates_for
from bookings.revenue.split import split
from common.money import ZERO, quantize

# Each revenue account with the posting kind that earns it.
REVENUE_ACCOUNTS: dict[str, Kind] = {
    Account.PLATFORM_COMMISSION: Kind.COMMISSION,
    Account.VILLAGE_COLLECTIVE: Kind.COLLECTIVE_SHARE,
    Account.OWNER_PAYABLE: Kind.OWNER_PAYABLE,
}
ENDED = (Booking.Status.CANCELLED, Booking.Status.EXPIRED)


def _shares(booking: Booking, amount: Decimal) -> dict[str, Decimal]:
    rates = rates_for(booking)
    parts = split(amount, rates.commission, rates.collective)
    return dict(zip(REVENUE_ACCOUNTS, parts, strict=True))


def revenue_record_payment(*, payment: Payment) -> list[LedgerEntry]:
    """Split a payment applied to its booking (a payment refunded as unmatched earns nothing)."""
    if not payment.applied or payment.status != Payment.Status.SUCCEEDED:
        return []
    booking = payment.for_booking
    entries = []
    for account, amount in _shares(booking, payment.amount).items():
        if amount:
            entries += ledger_post(
                booking=booking,
                kind=REVENUE_ACCOUNTS[account],
                key=f"payment-{payment.pk}-{REVENUE_ACCOUNTS[account]}",
                lines=[(Account.GUEST, amount), (account, -amount)],
                provider=payment.provider,
            )
    return entries


def _cancellation_key(booking: Booking) -> str:
    return f"cancellation-{booking.pk}"


def revenue_record_cancellation(*, booking: Booking) -> list[LedgerEntry]:
    """Reduce a cancelled or expired booking's revenue to what it keeps (``paid − refund_due``)."""
    if booking.status not in ENDED or booking.refund_due is None:
        return []
    key = _cancellation_key(booking)
    done = list(LedgerEntry.objects.filter(booking=booking, idempotency_key__startswith=f"{key}-"))
    if done:
        return done
    balances = dict(
        LedgerEntry.objects.filter(EARNED, booking=booking)
        .values("account")
        .annotate(balance=Sum("amount"))
        .order_by()
        .values_list("account", "balance")
    )
    earned = -quantize(sum(balances.values(), ZERO))
    kept = max(earned - booking.refund_due, ZERO)
    if kept == earned:
        return []
    entries = []
    for account, balance in balances.items():
        balance = quantize(balance)
        if balance:
            entries += ledger_post(
                booking=booking,
                kind=REVENUE_ACCOUNTS[account],
                key=f"{key}-reversal-{REVENUE_ACCOUNTS[account]}",
                lines=[(Account.GUEST, balance), (account, -balance)],
            )
    fee_lines = [(account, -amount) for account, amount in _shares(booking, kept).items() if amount]
    if fee_lines:
        entries += ledger_post(
            booking=booking,
            kind=Kind.CANCELLATION_FEE,
            key=f"{key}-fee",
            lines=[(Account.GUEST, kept), *fee_lines],
        )
    return entries
