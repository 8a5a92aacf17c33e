"""Where to sleep: the village nearest to the end of each day, with its homestays free for the nights.

Consecutive nights near the same village become one stay, so that it can be booked in one go. When the
nearest village has nothing free for the whole stay, the nearest village that has is suggested.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError

from bookings.selectors import HomestayOffer, homestays_available
from tourism.planner.selectors import villages_with_homestays
from tourism.planner.travel import Point, geodesic_km
from tourism.planner.trip import Stay
from villages.models import Village

HOMESTAYS_PER_STAY = 3
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Night:
    """Where the traveller is when a day ends."""

    date: date
    near: str
    point: Point


def _km(a: Point, b: Point) -> Decimal:
    return Decimal(str(geodesic_km(a, b))).quantize(TENTH, rounding=ROUND_HALF_UP)


def _available(*, check_in: date, check_out: date, guests: int, rooms: int, village: str | None = None):
    try:
        return homestays_available(
            check_in=check_in, check_out=check_out, guests=guests, rooms=rooms, village=village, sort="price"
        )
    except ValidationError:
        return []


def _elsewhere(offers: list[HomestayOffer], point: Point) -> tuple[Village, list[HomestayOffer]] | None:
    by_village: dict[int, list[HomestayOffer]] = defaultdict(list)
    for offer in offers:
        by_village[offer.homestay.village_id].append(offer)
    if not by_village:
        return None
    nearest = min(
        by_village,
        key=lambda pk: geodesic_km(point, by_village[pk][0].homestay.village.coordinates),
    )
    return by_village[nearest][0].homestay.village, by_village[nearest]


def stays_for(nights: list[Night], *, guests: int, rooms: int) -> list[Stay]:
    villages = villages_with_homestays()
    groups: list[tuple[Village | None, list[Night]]] = []
    for night in nights:
        village = min(villages, key=lambda v: geodesic_km(night.point, v.coordinates), default=None)
        if groups and groups[-1][0] == village:
            groups[-1][1].append(night)
        else:
            groups.append((village, [night]))
    stays = []
    for village, group in groups:
        first, last = group[0], group[-1]
        stay = Stay(
            check_in=first.date,
            check_out=last.date + timedelta(days=1),
            near=first.near,
            village=village,
            distance_km=_km(first.point, village.coordinates) if village else None,
        )
        span: dict[str, Any] = {
            "check_in": stay.check_in,
            "check_out": stay.check_out,
            "guests": guests,
            "rooms": rooms,
        }
        stay.booking_query = urlencode({key: str(value) for key, value in span.items()})
        if village is not None:
            stay.homestays = _available(village=village.slug, **span)[:HOMESTAYS_PER_STAY]
            if not stay.homestays:
                found = _elsewhere(_available(**span), first.point)
                if found:
                    stay.nearest_full, stay.village = village, found[0]
                    stay.homestays = found[1][:HOMESTAYS_PER_STAY]
                    stay.distance_km = _km(first.point, stay.village.coordinates)
        stays.append(stay)
    return stays
