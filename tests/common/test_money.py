import ast
from decimal import Decimal
from pathlib import Path

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
        quantize(0.1)  # type: ignore[arg-type]  # the wrong type on purpose


def test_half_of_an_odd_amount_rounds_up():
    assert share(Decimal("333.33"), Decimal("0.5")) == Decimal("166.67")


def test_minor_units_round_trip():
    assert to_minor_units(Decimal("388.50")) == 38850
    assert from_minor_units(38850) == Decimal("388.50")


def test_minor_units_must_be_whole_numbers():
    with pytest.raises(TypeError):
        from_minor_units(388.5)  # type: ignore[arg-type]  # the wrong type on purpose
    with pytest.raises(TypeError):
        from_minor_units(True)


MONEY_CONSTANTS = {"'CNY'", "Decimal('0.01')"}


def test_only_common_money_defines_the_currency_and_the_fen():
    """Every app rounds and names money through ``common.money``: no module keeps its own ``"CNY"`` or
    ``Decimal("0.01")`` constant next to its own rounding."""
    root = Path(__file__).resolve().parents[2]
    definitions = set()
    for app in [
        "common",
        "villages",
        "notifications",
        "bookings",
        "shop",
        "events",
        "shareholders",
        "tourism",
    ]:
        for path in (root / app).rglob("*.py"):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.Assign) and ast.unparse(node.value) in MONEY_CONSTANTS:
                    definitions.add(f"{path.relative_to(root)}: {ast.unparse(node)}")
    assert definitions == {"common/money.py: CURRENCY = 'CNY'", "common/money.py: CENT = Decimal('0.01')"}
