"""Where a trip may start: preset places of arrival, or a point of the traveller's choosing in Lüliang.

The preset coordinates are approximate (demo data, WGS-84): check them before relying on them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

POINT = "point"
"""The ``start`` code of a point picked on the map or typed in."""


@dataclass(frozen=True)
class Place:
    code: str
    name: str | Promise
    latitude: Decimal
    longitude: Decimal

    @property
    def coordinates(self) -> tuple[float, float]:
        return (float(self.latitude), float(self.longitude))


START_PRESETS = {
    place.code: place
    for place in (
        Place("station", _("吕梁站"), Decimal("37.470000"), Decimal("111.222000")),
        Place("airport", _("吕梁大武机场"), Decimal("37.683100"), Decimal("111.142800")),
        Place("centre", _("离石城区"), Decimal("37.517600"), Decimal("111.134200")),
    )
}

LULIANG_SOUTH, LULIANG_NORTH = Decimal("36.60"), Decimal("38.90")
LULIANG_WEST, LULIANG_EAST = Decimal("110.30"), Decimal("112.40")
"""A box around Lüliang City: a start point outside it is refused."""


def in_luliang(latitude: Decimal, longitude: Decimal) -> bool:
    return LULIANG_SOUTH <= latitude <= LULIANG_NORTH and LULIANG_WEST <= longitude <= LULIANG_EAST


def chosen_point(latitude: Decimal, longitude: Decimal) -> Place:
    return Place(POINT, _("地图上选择的地点"), latitude, longitude)
