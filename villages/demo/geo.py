"""Distances and drawn paths for the demo routes (WGS-84, good enough at village scale)."""

import itertools
import math
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_KM = 6371.0
BEND = 0.12
"""How far a leg's midpoint is pushed sideways, as a share of the leg, so a path looks like a road."""

Point = tuple[float, float]


def haversine_km(a: Point, b: Point) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def path_through(stops: list[Point]) -> list[list[float]]:
    """A gently bending line through the stops: each leg gets one midpoint pushed to alternate sides."""
    path = [stops[0]]
    for leg, (start, end) in enumerate(itertools.pairwise(stops)):
        side = BEND if leg % 2 == 0 else -BEND
        middle = (
            (start[0] + end[0]) / 2 - (end[1] - start[1]) * side,
            (start[1] + end[1]) / 2 + (end[0] - start[0]) * side,
        )
        path += [middle, end]
    return [[round(lat, 6), round(lng, 6)] for lat, lng in path]


def path_length_km(path: list[list[float]]) -> Decimal:
    total = sum(haversine_km((a[0], a[1]), (b[0], b[1])) for a, b in itertools.pairwise(path))
    return max(Decimal("0.1"), Decimal(str(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def spiral_offset(n: int, *, step_degrees: float = 0.0025) -> tuple[Decimal, Decimal]:
    """The n-th point of a sunflower spiral around a centre (n >= 1), as a (latitude, longitude) offset."""
    angle = math.radians(n * 137.508)
    radius = step_degrees * math.sqrt(n)
    quantum = Decimal("0.000001")
    return (
        Decimal(str(radius * math.sin(angle))).quantize(quantum),
        Decimal(str(radius * math.cos(angle) * 1.26)).quantize(quantum),
    )
