"""Which revenue-share rule a booking follows: the village's rule in effect on the Beijing date the
booking was made. A village without a rule takes no commission and no collective share."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from bookings.models import Booking
from bookings.revenue.models import RevenueShareRule

NO_SHARE = Decimal("0.0000")


@dataclass(frozen=True)
class Rates:
    commission: Decimal
    collective: Decimal


def rule_in_effect(*, village_id: int, on: date) -> RevenueShareRule | None:
    return (
        RevenueShareRule.objects.filter(village_id=village_id, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def booked_on(booking: Booking) -> date:
    """The Beijing date the booking was made."""
    return timezone.localtime(booking.created_at, timezone.get_default_timezone()).date()


def rates_for(booking: Booking) -> Rates:
    rule = rule_in_effect(village_id=booking.homestay.village_id, on=booked_on(booking))
    if rule is None:
        return Rates(commission=NO_SHARE, collective=NO_SHARE)
    return Rates(commission=rule.commission_rate, collective=rule.collective_rate)
