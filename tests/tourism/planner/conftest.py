"""Planner tests run on a frozen clock: Tuesday 1 September 2026, 10:00 Beijing time. The trips start on
Monday 7 September, so a "closed on Mondays" attraction is closed on the first day."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories
from villages.models import OpeningHours

NOW = datetime(2026, 9, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MONDAY = date(2026, 9, 7)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(ZoneInfo("UTC")))


@pytest.fixture(autouse=True)
def _geodesic_travel(settings):
    """The default provider, whatever the environment says."""
    settings.PLANNER_OSRM_URL = ""


def attraction(village, *, latitude="37.521000", longitude="111.131000", hours=None, **fields):
    """An attraction open 09:00-17:00 on the given weekdays (every day unless told)."""
    obj = factories.attraction(
        village=village, latitude=latitude, longitude=longitude, weekly_hours=False, **fields
    )
    for weekday in hours if hours is not None else range(7):
        OpeningHours.objects.create(attraction=obj, weekday=weekday, opens=time(9), closes=time(17))
    return obj


def trip_params(**params) -> dict:
    """Page parameters of a two-day trip from the district centre, by car, at a normal pace."""
    base = {
        "start": "centre",
        "date": MONDAY.isoformat(),
        "days": "2",
        "day_start": "08:00",
        "day_end": "18:00",
        "mode": "car",
        "pace": "normal",
        "guests": "2",
        "rooms": "1",
    }
    return base | params


@pytest.fixture
def catalogue(db):
    """Two villages 6 km apart. 归化村 has a homestay (one room, ¥200) and two attractions, one of them
    closed on Mondays; 严村 has one attraction and no homestay."""
    guihua = factories.village(
        slug="guihua",
        name_zh_hans="归化村",
        name_en="Guihua Village",
        latitude="37.431500",
        longitude="111.093400",
    )
    yancun = factories.village(
        slug="yancun",
        name_zh_hans="严村",
        name_en="Yan Village",
        latitude="37.446300",
        longitude="111.061800",
    )
    museum = attraction(
        guihua,
        slug="museum",
        name_zh_hans="廉政文化馆",
        name_en="Clean Governance Museum",
        latitude="37.432000",
        longitude="111.094000",
    )
    temple = attraction(
        guihua,
        slug="temple",
        name_zh_hans="归化古寺",
        name_en="Guihua Temple",
        latitude="37.430000",
        longitude="111.091000",
        hours=range(1, 7),
    )
    gourds = attraction(
        yancun,
        slug="gourds",
        name_zh_hans="葫芦文化园",
        name_en="Gourd Culture Park",
        latitude="37.447000",
        longitude="111.062500",
    )
    homestay = factories.homestay(
        village=guihua,
        slug="courtyard",
        name_zh_hans="归化小院",
        name_en="Guihua Courtyard",
        latitude="37.431800",
        longitude="111.093100",
    )
    room = factories.room_type(homestay=homestay, room_count=1, base_price="200.00", weekend_price="260.00")
    return {
        "guihua": guihua,
        "yancun": yancun,
        "museum": museum,
        "temple": temple,
        "gourds": gourds,
        "homestay": homestay,
        "room": room,
    }
