"""The shapes of the demo data: small frozen records, every text in Chinese and English."""

from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from typing import NamedTuple


class T(NamedTuple):
    """A bilingual text: Chinese first, English second."""

    zh: str
    en: str


def translated(**texts: T) -> dict[str, str]:
    """Modeltranslation columns: ``name=T("村", "Village")`` -> ``{"name_zh_hans": "村", "name_en": ...}``."""
    fields: dict[str, str] = {}
    for field, text in texts.items():
        fields[f"{field}_zh_hans"] = text.zh
        fields[f"{field}_en"] = text.en
    return fields


@dataclass(frozen=True)
class ThemeSeed:
    slug: str
    name: T


@dataclass(frozen=True)
class VillageSeed:
    slug: str
    name: T
    township: T
    summary: T
    story: T
    latitude: Decimal
    longitude: Decimal
    themes: tuple[str, ...]
    honours: tuple[T, ...] = ()


@dataclass(frozen=True)
class AttractionSeed:
    village: str
    slug: str
    name: T
    kind: str
    summary: T
    description: T
    latitude: Decimal
    longitude: Decimal
    hours: str
    visit_minutes: int = 60
    ticket_price: Decimal = Decimal("0.00")
    heritage_level: str = ""


@dataclass(frozen=True)
class RoomSeed:
    name: T
    description: T
    beds: T
    capacity: int
    room_count: int
    base_price: Decimal
    weekend_price: Decimal | None
    holiday_price: Decimal | None
    min_nights: int = 1
    max_nights: int = 14
    booking_window_days: int = 180
    same_day_cutoff: time = time(18)


@dataclass(frozen=True)
class HomestaySeed:
    village: str
    slug: str
    name: T
    summary: T
    description: T
    house_rules: T
    latitude: Decimal
    longitude: Decimal
    amenities: tuple[str, ...]
    rooms: tuple[RoomSeed, ...]
    cancellation_policy: str = "moderate"
    instant_book: bool = True
    check_in_time: time = time(14)
    check_out_time: time = time(12)


@dataclass(frozen=True)
class StopSeed:
    """An attraction ``(village slug, attraction slug)`` or a named point with its own coordinates."""

    note: T
    attraction: tuple[str, str] | None = None
    name: T | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class RouteSeed:
    village: str
    slug: str
    name: T
    summary: T
    description: T
    mode: str
    difficulty: str
    stops: tuple[StopSeed, ...]
