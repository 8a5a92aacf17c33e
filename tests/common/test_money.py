from decimal import Decimal

import pytest

from common.money import from_minor_units, quantize, share, to_minor_units


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), (3, "3.00"), ("0.005", "0.01")],
)
def test_amounts_round_half_up_to_fen(amount, rounded):
    assert quantize(Decimal(amount) if isinstance(amount, str) else amount) == Decimal(rounded)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize(0.1)


def test_half_of_an_odd_amount_rounds_up():
    assert share(Decimal("333.33"), Decimal("0.5")) == Decimal("166.67")


def test_minor_units_round_trip():
    assert to_minor_units(Decimal("388.50")) == 38850
    assert from_minor_units(38850) == Decimal("388.50")


def test_minor_units_must_be_whole_numbers():
    with pytest.raises(TypeError):
        from_minor_units(388.5)
    with pytest.raises(TypeError):
        from_minor_units(True)
