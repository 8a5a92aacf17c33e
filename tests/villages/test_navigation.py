"""导航: each map app gets the coordinates it expects (GCJ-02 for Amap and Tencent, BD-09 for Baidu),
converted from our WGS-84, and every public place page offers the button."""

from urllib.parse import parse_qs, urlsplit

import prcoords
import pytest

from tests import factories
from villages.navigation import navigation_for

# Reference pairs published with eviltransform's tests (WGS-84 -> GCJ-02) and Hutool's (GCJ-02 -> BD-09).
WGS_GCJ = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
]


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_amap_and_tencent_get_gcj02(wgs, gcj):
    nav = navigation_for(name="彩家庄", latitude=wgs[0], longitude=wgs[1])
    assert nav.gcj == pytest.approx(gcj, abs=1.5e-6)
    links = {link.app: link.url for link in nav.links}
    amap = parse_qs(urlsplit(links["amap"]).query)
    lon, lat, name = amap["to"][0].split(",")
    assert name == "彩家庄"
    assert (float(lat), float(lon)) == pytest.approx(gcj, abs=1.5e-6)
    assert amap["coordinate"] == ["gaode"]
    tencent = parse_qs(urlsplit(links["tencent"]).query)["marker"][0]
    coord = tencent.split(";")[0].removeprefix("coord:").split(",")
    assert [float(c) for c in coord] == [pytest.approx(gcj[0], abs=1.5e-6), pytest.approx(gcj[1], abs=1.5e-6)]


def test_baidu_gets_bd09():
    gcj_lat, gcj_lon = 39.915, 116.404
    wgs = prcoords.gcj_wgs_bored(prcoords.Coords(gcj_lat, gcj_lon))
    nav = navigation_for(name="归化村", latitude=wgs.lat, longitude=wgs.lon)
    baidu = parse_qs(urlsplit({link.app: link.url for link in nav.links}["baidu"]).query)
    lat, lon = (float(v) for v in baidu["location"][0].split(","))
    assert (lat, lon) == pytest.approx((39.92133699351021, 116.41036949371029), abs=2e-6)
    assert baidu["coord_type"] == ["bd09ll"]


def test_the_offset_in_lishi_is_hundreds_of_metres_so_wgs84_would_mislead():
    wgs = prcoords.Coords(37.5176, 111.1443)
    nav = navigation_for(name="离石", latitude=wgs.lat, longitude=wgs.lon)
    assert 200 < wgs.distance(prcoords.Coords(*nav.gcj)) < 1000


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["village", "attraction", "homestay"])
def test_each_place_page_offers_navigation_in_three_apps(client, kind):
    place = getattr(factories, kind)()
    page = client.get(place.get_absolute_url()).content.decode()
    assert "导航" in page
    for app in ("uri.amap.com/navigation", "api.map.baidu.com/marker", "apis.map.qq.com/uri/v1/marker"):
        assert app in page
    gcj = navigation_for(name=place.name, latitude=place.latitude, longitude=place.longitude).gcj
    assert f'data-latitude="{gcj[0]:f}"' in page
