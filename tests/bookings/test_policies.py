from datetime import date
from decimal import Decimal

import pytest

from bookings.policies import free_cancellation_until, guest_refund
from villages.models import Homestay

Policy = Homestay.CancellationPolicy
PAID = Decimal("600.00")
FIRST_NIGHT = Decimal("250.00")


def refund(policy, days_before, paid=PAID):
    return guest_refund(policy=policy, paid=paid, first_night=FIRST_NIGHT, days_before=days_before)


@pytest.mark.parametrize(
    ("policy", "days_before", "expected"),
    [
        (Policy.FLEXIBLE, 30, "600.00"),
        (Policy.FLEXIBLE, 1, "600.00"),
        (Policy.FLEXIBLE, 0, "350.00"),
        (Policy.MODERATE, 5, "600.00"),
        (Policy.MODERATE, 4, "300.00"),
        (Policy.MODERATE, 0, "300.00"),
        (Policy.STRICT, 30, "300.00"),
        (Policy.STRICT, 14, "300.00"),
        (Policy.STRICT, 13, "0.00"),
    ],
)
def test_refund_follows_the_policy_by_days_before_arrival(policy, days_before, expected):
    assert refund(policy, days_before) == Decimal(expected)


def test_flexible_late_refund_never_goes_below_zero():
    assert refund(Policy.FLEXIBLE, 0, paid=Decimal("200.00")) == Decimal("0.00")


def test_half_refund_of_an_odd_amount_rounds_half_up():
    assert refund(Policy.MODERATE, 2, paid=Decimal("333.33")) == Decimal("166.67")


def test_nothing_paid_nothing_refunded():
    assert refund(Policy.MODERATE, 30, paid=Decimal("0")) == Decimal("0.00")


def test_refund_is_a_decimal_with_two_places():
    result = refund(Policy.STRICT, 20, paid=Decimal("99.9"))
    assert isinstance(result, Decimal)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("policy", "last_day"),
    [(Policy.FLEXIBLE, date(2026, 10, 9)), (Policy.MODERATE, date(2026, 10, 5)), (Policy.STRICT, None)],
)
def test_last_day_for_a_full_refund(policy, last_day):
    assert free_cancellation_until(policy=policy, check_in=date(2026, 10, 10)) == last_day
