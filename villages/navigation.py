"""导航: open a place in the map apps Chinese phones have, with the coordinates each app expects.

Our coordinates are WGS-84 (GPS). China's map apps use obfuscated systems: Amap (高德) and Tencent Maps
(腾讯地图) take GCJ-02, Baidu Maps (百度地图) takes BD-09; a WGS-84 point given to them lands a few
hundred metres off. ``prcoords`` converts (the published algorithm). Inside WeChat, ``wx.openLocation``
takes GCJ-02 too (static/js/wechat.js uses the ``gcj`` values)."""

from dataclasses import dataclass
from urllib.parse import urlencode

import prcoords
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MapLink:
    app: str
    label: str | Promise
    url: str


@dataclass(frozen=True)
class Navigation:
    name: str
    address: str
    gcj: tuple[float, float]
    bd: tuple[float, float]
    links: tuple[MapLink, ...]


def _round(point) -> tuple[float, float]:
    return (round(point[0], 6), round(point[1], 6))


def navigation_for(*, name: str, latitude: float, longitude: float, address: str = "") -> Navigation:
    """Links that open the place in Amap, Baidu Maps and Tencent Maps (their web URI APIs, which hand
    over to the app when it is installed), each with its own coordinate system."""
    wgs = prcoords.Coords(float(latitude), float(longitude))
    gcj = _round(prcoords.wgs_gcj(wgs, check_china=False))
    bd = _round(prcoords.gcj_bd(prcoords.Coords(*gcj)))
    source = getattr(settings, "MAP_APP_SOURCE", "lishi-rural-tourism")
    amap = "https://uri.amap.com/navigation?" + urlencode(
        {
            "to": f"{gcj[1]},{gcj[0]},{name}",
            "mode": "car",
            "coordinate": "gaode",
            "callnative": 1,
            "src": source,
        }
    )
    baidu = "https://api.map.baidu.com/marker?" + urlencode(
        {
            "location": f"{bd[0]},{bd[1]}",
            "title": name,
            "content": address or name,
            "coord_type": "bd09ll",
            "output": "html",
            "src": f"webapp.{source}",
        }
    )
    tencent = "https://apis.map.qq.com/uri/v1/marker?" + urlencode(
        {
            "marker": f"coord:{gcj[0]},{gcj[1]};title:{name};addr:{address or name}",
            "referer": getattr(settings, "TENCENT_MAP_KEY", "") or source,
        }
    )
    return Navigation(
        name=name,
        address=address,
        gcj=gcj,
        bd=bd,
        links=(
            MapLink("amap", _("高德地图"), amap),
            MapLink("baidu", _("百度地图"), baidu),
            MapLink("tencent", _("腾讯地图"), tencent),
        ),
    )


def place_navigation(place) -> Navigation:
    """The navigation of a village, attraction or homestay (anything with a name and WGS-84
    coordinates; places in a village are addressed by their village), in the page's language."""
    village = getattr(place, "village", None) or place
    address = gettext("山西省吕梁市离石区%(township)s%(village)s") % {
        "township": village.township,
        "village": village.name,
    }
    latitude, longitude = place.coordinates
    return navigation_for(name=place.name, latitude=latitude, longitude=longitude, address=address)
