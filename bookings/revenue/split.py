"""How one amount is shared between the platform, the village collective and the homestay owner."""

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from common.money import CENT, ZERO, quantize

ONE = Decimal(1)


class Split(NamedTuple):
    commission: Decimal
    collective: Decimal
    owner: Decimal


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split(amount: Decimal, commission_rate: Decimal, collective_rate: Decimal) -> Split:
    """Share ``amount`` (CNY, rounded to fen first): commission and collective share are each rounded
    half up, the owner takes the remainder, so the three always add up to the amount exactly, never a
    fen more or less. Should both shares round up past the amount (rates adding up to almost 1), the
    collective share gives up that fen: no part is ever negative (or, for a negative amount, positive)."""
    if any(isinstance(rate, float) for rate in (commission_rate, collective_rate)):
        raise TypeError("rates must be Decimal, never float")
    commission_rate, collective_rate = Decimal(commission_rate), Decimal(collective_rate)
    if commission_rate < 0 or collective_rate < 0 or commission_rate + collective_rate > ONE:
        raise ValueError("rates must be non-negative and add up to at most 1")
    amount = quantize(amount)
    whole = abs(amount)
    commission = _rounded(whole * commission_rate)
    collective = min(_rounded(whole * collective_rate), whole - commission)
    parts = Split(commission, collective, whole - commission - collective)
    return Split(*(ZERO - part for part in parts)) if amount < ZERO else parts
