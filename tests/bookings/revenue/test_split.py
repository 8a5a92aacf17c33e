"""The split of an amount between platform, collective and owner never loses or creates a fen."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bookings.revenue.split import split

CENT = Decimal("0.01")
amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2)
rates = st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n).scaleb(-4))


@st.composite
def rate_pairs(draw):
    commission = draw(rates)
    collective = draw(rates.filter(lambda rate: rate <= 1 - commission))
    return commission, collective


@given(amount=amounts, pair=rate_pairs())
@example(amount=Decimal("0.01"), pair=(Decimal("0.5"), Decimal("0.5")))
@example(amount=Decimal("-0.01"), pair=(Decimal("0.5"), Decimal("0.5")))
@example(amount=Decimal("0.05"), pair=(Decimal("0.1"), Decimal("0.9")))
def test_the_three_parts_add_up_to_the_amount_exactly(amount, pair):
    parts = split(amount, *pair)
    assert sum(parts) == amount
    assert all(part == part.quantize(CENT) for part in parts)


@given(amount=amounts, pair=rate_pairs())
@example(amount=Decimal("0.01"), pair=(Decimal("0.5"), Decimal("0.5")))
def test_no_part_has_the_wrong_sign(amount, pair):
    parts = split(amount, *pair)
    assert all(part >= 0 for part in parts) if amount >= 0 else all(part <= 0 for part in parts)


@given(amount=amounts, pair=rate_pairs())
def test_the_commission_is_the_rate_rounded_half_up_and_the_collective_at_most_a_fen_off(amount, pair):
    commission, collective, _owner = split(amount, *pair)
    exact_commission, exact_collective = abs(amount) * pair[0], abs(amount) * pair[1]
    assert abs(commission) == exact_commission.quantize(CENT, rounding=ROUND_HALF_UP)
    assert abs(abs(collective) - exact_collective) <= CENT


@given(amount=amounts, pair=rate_pairs())
def test_a_negative_amount_splits_as_the_mirror_of_the_positive_one(amount, pair):
    assert split(-amount, *pair) == tuple(-part for part in split(amount, *pair))


def test_a_worked_example_rounds_each_share_half_up():
    assert split(Decimal("333.33"), Decimal("0.1"), Decimal("0.05")) == (
        Decimal("33.33"),
        Decimal("16.67"),
        Decimal("283.33"),
    )


def test_when_both_shares_round_up_past_the_amount_the_collective_gives_up_the_fen():
    assert split(Decimal("0.01"), Decimal("0.5"), Decimal("0.5")) == (
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_zero_rates_leave_everything_to_the_owner():
    assert split(Decimal("400"), Decimal(0), Decimal(0)) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("400.00"),
    )


@pytest.mark.parametrize(
    "commission, collective",
    [(Decimal("-0.01"), Decimal("0")), (Decimal("0"), Decimal("1.0001")), (Decimal("0.6"), Decimal("0.5"))],
)
def test_rates_outside_zero_to_one_are_a_programming_error(commission, collective):
    with pytest.raises(ValueError):
        split(Decimal("100"), commission, collective)


def test_float_rates_are_refused():
    with pytest.raises(TypeError):
        split(Decimal("100"), 0.1, Decimal("0.05"))  # type: ignore[arg-type]  # the wrong type on purpose
