"""Money is a ``Decimal`` in CNY with two places, rounded half up. Minor units (fen) exist only at the
payment provider boundary, through ``to_minor_units`` and ``from_minor_units``."""

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = "CNY"
CENT = Decimal("0.01")
MINOR_UNITS_PER_YUAN = 100
ZERO = Decimal("0.00")


def quantize(amount: Decimal | int | str) -> Decimal:
    """Round to fen, half up. Floats are refused: they cannot hold most prices exactly."""
    if isinstance(amount, float):
        raise TypeError("money must be Decimal, int or str, never float")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def share(amount: Decimal, fraction: Decimal) -> Decimal:
    """``fraction`` of ``amount`` (e.g. ``Decimal("0.5")`` for half), rounded to fen."""
    return quantize(quantize(amount) * Decimal(fraction))


def to_minor_units(amount: Decimal) -> int:
    return int(quantize(amount) * MINOR_UNITS_PER_YUAN)


def from_minor_units(units: int) -> Decimal:
    if not isinstance(units, int) or isinstance(units, bool):
        raise TypeError("minor units must be an int")
    return quantize(Decimal(units) / MINOR_UNITS_PER_YUAN)
