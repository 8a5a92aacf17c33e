"""Splitting a dividend among shareholders by share-days, exact to the fen (largest-remainder method).

Pure functions on ``Decimal`` and ``int``: no database, no float. A holding of ``shares`` held on ``days``
days of the period earns ``shares × days`` share-days; each shareholder's exact part of ``total`` is
``total × their share-days / all share-days``. Each gets the whole fen below their exact part, and the fen
left over go one each to the largest remainders, ties to the smallest key (the shareholder's id), so the
parts sum to ``total`` exactly, each is within one fen of its exact part, nobody with no share-days gets
anything, more share-days never get less, and the same input always gives the same split.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from common.money import CENT, quantize


@dataclass(frozen=True)
class Span:
    """Days a holding was held: from ``entered_on`` up to, not including, ``exited_on`` (None: still
    held), like a stay's nights."""

    shares: int
    entered_on: date
    exited_on: date | None


def days_held(span: Span, *, start: date, end: date) -> int:
    """Days of ``[start, end]`` (both included) on which the holding was held."""
    first = max(span.entered_on, start)
    last = end if span.exited_on is None else min(span.exited_on - timedelta(days=1), end)
    return max((last - first).days + 1, 0)


def share_days(spans: Iterable[Span], *, start: date, end: date) -> int:
    return sum(span.shares * days_held(span, start=start, end=end) for span in spans)


def allocate(total: Decimal, weights: Mapping[int, int]) -> dict[int, Decimal]:
    """``total`` (Decimal, two places, not negative) split over ``weights`` (key -> share-days, whole
    numbers not negative) by the largest-remainder method. Raises ``ValueError`` for money to split
    among nobody (all weights zero) or a negative amount or weight."""
    fen_total = int(quantize(total) / CENT)
    if fen_total < 0 or any(weight < 0 for weight in weights.values()):
        raise ValueError("amounts and share-days are never negative")
    whole = sum(weights.values())
    if whole == 0:
        if fen_total:
            raise ValueError("nobody holds shares in the period")
        return {key: quantize(0) for key in weights}
    fen = {key: fen_total * weight // whole for key, weight in weights.items()}
    left = fen_total - sum(fen.values())
    by_remainder = sorted(weights, key=lambda key: (-(fen_total * weights[key] % whole), key))
    for key in by_remainder[:left]:
        fen[key] += 1
    return {key: quantize(fen[key] * CENT) for key in weights}


def allocate_with_parts(
    total: Decimal, collective: Decimal, weights: Mapping[int, int]
) -> dict[int, tuple[Decimal, Decimal]]:
    """``allocate(total, weights)``, each part then divided into what the collective pays (``collective``
    of the total, split over the parts by the same method, weighted by each part in fen) and the rest:
    key -> (amount, collective's part). Both sums are exact and no collective part exceeds its amount."""
    if quantize(collective) > quantize(total):
        raise ValueError("the collective's amount is part of the total")
    amounts = allocate(total, weights)
    if quantize(total) == 0:
        return {key: (amount, amount) for key, amount in amounts.items()}
    parts = allocate(collective, {key: int(amount / CENT) for key, amount in amounts.items()})
    return {key: (amounts[key], parts[key]) for key in weights}
