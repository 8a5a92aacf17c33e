"""Cancellation policies: how much of what the guest paid comes back when the guest cancels.

"Days before arrival" counts calendar days in Beijing time from the day of cancelling to the check-in
date: cancelling any time on 9 May for a 10 May arrival is 1 day before.

* flexible (宽松): 1 day or more before arrival, full refund; later (on the arrival day), the first
  night (for all rooms booked) is charged and the rest refunded.
* moderate (适中): 5 days or more before arrival, full refund; later, half refunded.
* strict (严格): 14 days or more before arrival, half refunded; later, nothing.

Cancellation by the owner or the platform refunds in full, whatever the policy, and so does cancelling a
booking not yet confirmed (a paid request the owner has not answered). Nothing is refunded of what was
not paid (a pay-at-homestay booking, or an unpaid hold). Amounts are rounded half up to fen.
"""

from datetime import date, timedelta
from decimal import Decimal

from bookings.models import Booking
from common.money import ZERO, quantize, share
from villages.models import Homestay

Policy = Homestay.CancellationPolicy

FULL_REFUND_DAYS = {Policy.FLEXIBLE: 1, Policy.MODERATE: 5}
HALF = Decimal("0.5")
MODERATE_LATE_SHARE = HALF
STRICT_EARLY_DAYS = 14
STRICT_EARLY_SHARE = HALF


def guest_refund(*, policy: str, paid: Decimal, first_night: Decimal, days_before: int) -> Decimal:
    """Refund due when the guest cancels ``days_before`` days before arrival, of ``paid``."""
    paid = quantize(paid)
    if policy == Policy.STRICT:
        return share(paid, STRICT_EARLY_SHARE) if days_before >= STRICT_EARLY_DAYS else ZERO
    if days_before >= FULL_REFUND_DAYS[Policy(policy)]:
        return paid
    if policy == Policy.FLEXIBLE:
        return max(ZERO, quantize(paid - first_night))
    return share(paid, MODERATE_LATE_SHARE)


def free_cancellation_until(*, policy: str, check_in: date) -> date | None:
    """The last day a guest can cancel for a full refund; ``None`` when there is no such day (strict)."""
    days = FULL_REFUND_DAYS.get(Policy(policy))
    return None if days is None else check_in - timedelta(days=days)


def _first_night(booking: Booking) -> Decimal:
    """The first night's price for all rooms booked; reads ``booked_nights`` (prefetched or not)."""
    nights = sorted(booking.booked_nights.all(), key=lambda booked: booked.night)
    return nights[0].price * booking.rooms if nights else ZERO


def cancellation_refund(*, booking: Booking, by: str, today: date) -> Decimal:
    """What cancelling ``booking`` on ``today`` (Beijing time) by ``by`` (a ``Booking.Party``) refunds:
    the policy applies to a guest cancelling a paid, confirmed booking; anything else gets back what was
    paid. ``booking_cancel`` sets it as ``refund_due``; the cancel page shows it beforehand."""
    paid = booking.total if booking.is_paid else ZERO
    if by != Booking.Party.GUEST or booking.status != Booking.Status.CONFIRMED or not paid:
        return paid
    return guest_refund(
        policy=booking.homestay.cancellation_policy,
        paid=paid,
        first_night=_first_night(booking),
        days_before=(booking.check_in - today).days,
    )
