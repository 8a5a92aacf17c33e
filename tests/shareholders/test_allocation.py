"""The split by share-days (shareholders.allocation): exact to the fen, whatever the input."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shareholders.allocation import Span, allocate, allocate_with_parts, days_held, share_days

D = Decimal
totals = st.integers(min_value=0, max_value=10**9).map(lambda fen: Decimal(fen).scaleb(-2))
weights = st.dictionaries(
    st.integers(min_value=1, max_value=10**6), st.integers(0, 10**7), min_size=1, max_size=30
)


def _exact(total: Decimal, weight: int, whole: int) -> Fraction:
    return Fraction(total) * weight / whole


@settings(deadline=None)  # a shared, busy machine: no per-example time limit
@given(totals, weights)
def test_parts_add_up_to_the_total_exactly(total, shares):
    if sum(shares.values()) == 0:
        return
    assert sum(allocate(total, shares).values()) == total


@settings(deadline=None)  # a shared, busy machine: no per-example time limit
@given(totals, weights)
def test_each_part_is_within_a_fen_of_its_exact_share(total, shares):
    whole = sum(shares.values())
    if whole == 0:
        return
    for key, amount in allocate(total, shares).items():
        assert amount >= 0
        assert amount == amount.quantize(D("1.00"))
        assert abs(Fraction(amount) - _exact(total, shares[key], whole)) < Fraction(1, 100)


@settings(deadline=None)  # a shared, busy machine: no per-example time limit
@given(totals, weights)
def test_nobody_without_share_days_gets_anything(total, shares):
    if sum(shares.values()) == 0:
        return
    parts = allocate(total, shares)
    assert all(parts[key] == 0 for key, weight in shares.items() if weight == 0)


@settings(deadline=None)  # a shared, busy machine: no per-example time limit
@given(totals, weights)
def test_more_share_days_never_get_less(total, shares):
    if sum(shares.values()) == 0:
        return
    parts = allocate(total, shares)
    for a in shares:
        for b in shares:
            if shares[a] > shares[b]:
                assert parts[a] >= parts[b]


@settings(deadline=None)  # a shared, busy machine: no per-example time limit
@given(totals, weights)
def test_the_same_input_always_gives_the_same_split_in_any_order(total, shares):
    if sum(shares.values()) == 0:
        return
    reversed_order = dict(reversed(list(shares.items())))
    assert allocate(total, shares) == allocate(total, reversed_order) == allocate(total, dict(shares))


@settings(deadline=None)
@given(totals, st.integers(min_value=0, max_value=100), weights)
def test_the_collectives_money_and_the_groups_each_add_up_and_fit_in_every_part(total, percent, shares):
    if sum(shares.values()) == 0:
        return
    collective = (total * percent / 100).quantize(D("1.00"))
    parts = allocate_with_parts(total, collective, shares)
    assert {key: amount for key, (amount, _part) in parts.items()} == allocate(total, shares)
    assert sum(part for _amount, part in parts.values()) == collective
    assert all(D(0) <= part <= amount for amount, part in parts.values())


def test_the_collectives_amount_cannot_exceed_the_total():
    with pytest.raises(ValueError):
        allocate_with_parts(D("1.00"), D("1.01"), {1: 1})


def test_a_tie_goes_to_the_smallest_id():
    assert allocate(D("0.01"), {7: 1, 3: 1, 5: 1}) == {7: D("0.00"), 3: D("0.01"), 5: D("0.00")}
    assert allocate(D("0.02"), {7: 1, 3: 1, 5: 1}) == {7: D("0.00"), 3: D("0.01"), 5: D("0.01")}


def test_a_third_each_leaves_one_fen_to_the_largest_remainder():
    assert allocate(D("100.00"), {1: 1, 2: 1, 3: 1}) == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}
    assert allocate(D("10.00"), {1: 2, 2: 1}) == {1: D("6.67"), 2: D("3.33")}


def test_money_among_nobody_is_refused_and_nothing_among_nobody_is_nothing():
    with pytest.raises(ValueError):
        allocate(D("1.00"), {1: 0, 2: 0})
    assert allocate(D("0.00"), {1: 0}) == {1: D("0.00")}


@pytest.mark.parametrize("bad", [{1: -1, 2: 3}])
def test_negative_share_days_are_refused(bad):
    with pytest.raises(ValueError):
        allocate(D("1.00"), bad)


def test_a_negative_total_is_refused():
    with pytest.raises(ValueError):
        allocate(D("-1.00"), {1: 1})


def test_a_float_total_is_refused():
    with pytest.raises(TypeError):
        allocate(1.5, {1: 1})  # type: ignore[arg-type]  # the wrong type on purpose


# --- share-days with entries and exits mid-period --------------------------------------------------

SEPTEMBER = {"start": date(2026, 9, 1), "end": date(2026, 9, 30)}


@pytest.mark.parametrize(
    ("span", "days"),
    [
        (Span(1, date(2026, 1, 1), None), 30),  # held all month
        (Span(1, date(2026, 9, 11), None), 20),  # joined on the 11th: 11th-30th
        (Span(1, date(2026, 1, 1), date(2026, 9, 11)), 10),  # left on the 11th: 1st-10th held
        (Span(1, date(2026, 9, 5), date(2026, 9, 6)), 1),  # one day
        (Span(1, date(2026, 10, 1), None), 0),  # joined after
        (Span(1, date(2026, 1, 1), date(2026, 9, 1)), 0),  # left on the first day: never held in it
        (Span(1, date(2026, 9, 30), None), 1),  # joined on the last day
    ],
)
def test_days_held_count_the_entry_day_and_not_the_exit_day(span, days):
    assert days_held(span, **SEPTEMBER) == days


def test_share_days_weigh_shares_by_days_across_holdings():
    spans = [Span(4, date(2026, 1, 1), date(2026, 9, 11)), Span(6, date(2026, 9, 11), None)]
    assert share_days(spans, **SEPTEMBER) == 4 * 10 + 6 * 20


def test_a_household_that_joined_mid_period_gets_its_days_worth():
    whole_month = share_days([Span(10, date(2026, 1, 1), None)], **SEPTEMBER)
    half = share_days([Span(10, date(2026, 9, 16), None)], **SEPTEMBER)
    left = share_days([Span(10, date(2026, 1, 1), date(2026, 9, 16))], **SEPTEMBER)
    assert allocate(D("900.00"), {1: whole_month, 2: half, 3: left}) == {
        1: D("450.00"),
        2: D("225.00"),
        3: D("225.00"),
    }
