"""Load the demo content: idempotent upserts on natural keys, all in one transaction."""

import math
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from villages.demo import accounts, generated, hours, photos
from villages.demo.attractions import ATTRACTIONS
from villages.demo.data import THEMES, VILLAGES
from villages.demo.geo import path_length_km, path_through
from villages.demo.records import children_sync, record_upsert
from villages.demo.routes import ROUTES
from villages.demo.schema import (
    AttractionSeed,
    HomestaySeed,
    RoomSeed,
    RouteSeed,
    T,
    VillageSeed,
    translated,
)
from villages.demo.stays import HOMESTAYS
from villages.fragments import catalogue_changed
from villages.models import Attraction, Homestay, Photo, RoomType, Route, Theme, Village
from villages.photos.services import SUBJECT_FIELDS
from villages.staff_group import staff_group_sync

SPEED_KMH = {"walk": 4, "cycle": 12, "drive": 30}
SHARED_PHOTO_VARIANTS = 8
"""Generated (``--scale``) attractions and homestays share this many pictures instead of a file each."""
DEMO_PHOTO_DIR = "photos/demo"


@dataclass(frozen=True)
class DemoPicture:
    name: str
    """File name under ``DEMO_PHOTO_DIR``: the same picture keeps the same file from one run to the next."""
    draw: Callable[[], bytes]
    alt: T


@dataclass(frozen=True)
class AccountReport:
    username: str
    email: str
    password: str | None
    role: T


@dataclass(frozen=True)
class SeedReport:
    counts: dict[str, int]
    accounts: list[AccountReport]


@transaction.atomic
def demo_seed(*, scale: int = 1, password: str, reset_passwords: bool = False) -> SeedReport:
    """Create or refresh the demo content; ``scale`` N adds (N - 1) x generated content per village."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    with translation.override(settings.LANGUAGE_CODE):
        account_reports, owners = _accounts_sync(password=password, reset_passwords=reset_passwords)
        themes = {
            seed.slug: record_upsert(
                Theme, lookup={"slug": seed.slug}, values={"order": order, **translated(name=seed.name)}
            )
            for order, seed in enumerate(THEMES)
        }
        villages = {seed.slug: _village_sync(seed, order, themes) for order, seed in enumerate(VILLAGES)}
        attraction_seeds, homestay_seeds, route_seeds = _seeds(scale)
        attractions = {
            (seed.village, seed.slug): _attraction_sync(seed, order, villages)
            for order, seed in attraction_seeds
        }
        for order, seed in homestay_seeds:
            _homestay_sync(seed, order, villages, owners)
        for order, seed in route_seeds:
            _route_sync(seed, order, villages, attractions)
    catalogue_changed()  # children_sync writes hours, rooms and stops with bulk_update: no signals of theirs
    counts = {
        "villages": Village.objects.count(),
        "attractions": Attraction.objects.count(),
        "homestays": Homestay.objects.count(),
        "room_types": RoomType.objects.count(),
        "routes": Route.objects.count(),
        "photos": Photo.objects.count(),
    }
    return SeedReport(counts=counts, accounts=account_reports)


def _accounts_sync(*, password: str, reset_passwords: bool) -> tuple[list[AccountReport], dict]:
    """The demo accounts, and the owner of the demo homestays of each village slug."""
    group = staff_group_sync()
    reports, owners = [], {}
    for seed in accounts.ACCOUNTS:
        user, password_set = accounts.account_sync(
            seed, password=password, reset_password=reset_passwords, group=group
        )
        owners.update(dict.fromkeys(seed.homestays_in, user))
        reports.append(
            AccountReport(seed.username, seed.email, password if password_set else None, seed.role)
        )
    return reports, owners


def _seeds(scale: int) -> tuple[list, list, list]:
    """The article-based seeds and the generated ones, each with its order inside its village."""
    extra = scale - 1
    attraction_seeds, homestay_seeds, route_seeds = list(ATTRACTIONS), list(HOMESTAYS), list(ROUTES)
    attractions_per_village = Counter(seed.village for seed in ATTRACTIONS)
    homestays_per_village = Counter(seed.village for seed in HOMESTAYS)
    routes_per_village = Counter(seed.village for seed in ROUTES)
    for village in VILLAGES:
        first = next(seed.slug for seed in ATTRACTIONS if seed.village == village.slug)
        attraction_seeds += generated.attractions_extra(
            village, extra * attractions_per_village[village.slug]
        )
        homestay_seeds += generated.homestays_extra(village, extra * homestays_per_village[village.slug])
        route_seeds += generated.routes_extra(village, extra * routes_per_village[village.slug], first)
    return _ordered(attraction_seeds), _ordered(homestay_seeds), _ordered(route_seeds)


def _ordered(seeds: list) -> list[tuple[int, object]]:
    position: Counter[str] = Counter()
    ordered = []
    for seed in seeds:
        ordered.append((position[seed.village], seed))
        position[seed.village] += 1
    return ordered


def _village_sync(seed: VillageSeed, order: int, themes: dict[str, Theme]) -> Village:
    village = record_upsert(
        Village,
        lookup={"slug": seed.slug},
        values={
            "latitude": seed.latitude,
            "longitude": seed.longitude,
            "is_demo": True,
            "is_published": True,
            "order": order,
            **translated(name=seed.name, township=seed.township, summary=seed.summary, story=seed.story),
        },
    )
    village.themes.set([themes[slug] for slug in seed.themes])
    variant = _variant(seed.slug)
    _gallery_ensure(
        village,
        [
            DemoPicture(
                f"village-{seed.slug}-{n}.jpg",
                partial(photos.village_photo_jpeg, variant + n, seed.name.en),
                photos.village_alt(seed.name),
            )
            for n in range(3)
        ],
    )
    children_sync(
        village.honours.all(),
        parent={"village": village},
        key="order",
        rows=[
            {"order": index, "year": None, **translated(title=title)}
            for index, title in enumerate(seed.honours)
        ],
    )
    return village


def _attraction_sync(seed: AttractionSeed, order: int, villages: dict[str, Village]) -> Attraction:
    attraction = record_upsert(
        Attraction,
        lookup={"village": villages[seed.village], "slug": seed.slug},
        values={
            "kind": seed.kind,
            "heritage_level": seed.heritage_level,
            "latitude": seed.latitude,
            "longitude": seed.longitude,
            "visit_minutes": seed.visit_minutes,
            "ticket_price": seed.ticket_price,
            "is_demo": True,
            "is_published": True,
            "order": order,
            **translated(name=seed.name, summary=seed.summary, description=seed.description),
        },
    )
    children_sync(
        attraction.opening_hours.all(),
        parent={"attraction": attraction},
        key="weekday",
        rows=[
            {"weekday": day, "opens": opens, "closes": closes}
            for day, (opens, closes) in hours.PROFILES[seed.hours].items()
        ],
    )
    children_sync(
        attraction.opening_exceptions.all(),
        parent={"attraction": attraction},
        key="date",
        rows=[
            {"date": item.date, "opens": item.opens, "closes": item.closes, **translated(note=item.note)}
            for item in hours.EXCEPTIONS[seed.hours]
        ],
    )
    if seed.slug.startswith("demo-"):
        variant = _variant(seed.slug) % SHARED_PHOTO_VARIANTS
        name, caption = f"attraction-generated-{seed.kind}-{variant}.jpg", ""
    else:
        variant, caption = _variant(f"{seed.village}/{seed.slug}"), seed.name.en
        name = f"attraction-{seed.village}-{seed.slug}.jpg"
    draw = partial(photos.attraction_photo_jpeg, seed.kind, variant, caption)
    _gallery_ensure(attraction, [DemoPicture(name, draw, photos.attraction_alt(seed.name))])
    return attraction


def _homestay_sync(seed: HomestaySeed, order: int, villages: dict[str, Village], owners: dict) -> Homestay:
    homestay = record_upsert(
        Homestay,
        lookup={"village": villages[seed.village], "slug": seed.slug},
        values={
            "owner": owners.get(seed.village),
            "latitude": seed.latitude,
            "longitude": seed.longitude,
            "amenities": list(seed.amenities),
            "check_in_time": seed.check_in_time,
            "check_out_time": seed.check_out_time,
            "instant_book": seed.instant_book,
            "cancellation_policy": seed.cancellation_policy,
            "is_demo": True,
            "is_published": True,
            "order": order,
            **translated(
                name=seed.name,
                summary=seed.summary,
                description=seed.description,
                house_rules=seed.house_rules,
            ),
        },
    )
    children_sync(
        homestay.room_types.all(),
        parent={"homestay": homestay},
        key="order",
        rows=[_room_row(index, room) for index, room in enumerate(seed.rooms)],
    )
    _homestay_photos_ensure(homestay, seed)
    return homestay


def _room_row(order: int, room: RoomSeed) -> dict:
    return {
        "order": order,
        "capacity": room.capacity,
        "room_count": room.room_count,
        "base_price": room.base_price,
        "weekend_price": room.weekend_price,
        "holiday_price": room.holiday_price,
        "min_nights": room.min_nights,
        "max_nights": room.max_nights,
        "booking_window_days": room.booking_window_days,
        "same_day_cutoff": room.same_day_cutoff,
        "is_active": True,
        "is_demo": True,
        **translated(name=room.name, description=room.description, beds=room.beds),
    }


def _variant(key: str) -> int:
    return zlib.crc32(key.encode())


def _gallery_ensure(subject: Village | Attraction | Homestay | RoomType, pictures: list[DemoPicture]) -> None:
    """Give the subject its demo pictures unless it has photos already (an owner's or staff's own are
    kept, and so is their order); a demo picture whose file went missing is drawn again."""
    storage = Photo._meta.get_field("image").storage
    existing = list(subject.photos.all())
    if any(not photo.is_demo for photo in existing):
        return
    for photo in existing:
        name = photo.image.name or ""
        if not storage.exists(name):
            picture = next((p for p in pictures if name.endswith(f"/{p.name}")), None)
            if picture is not None:
                storage.save(name, ContentFile(picture.draw()))
    if existing:
        return
    field = SUBJECT_FIELDS[type(subject)]
    rows = []
    for position, picture in enumerate(pictures):
        name = f"{DEMO_PHOTO_DIR}/{picture.name}"
        if not storage.exists(name):
            name = storage.save(name, ContentFile(picture.draw()))
        photo = Photo(image=name, position=position, is_demo=True, **translated(alt=picture.alt))
        setattr(photo, field, subject)
        rows.append(photo)
    Photo.objects.bulk_create(rows)


def _homestay_photos_ensure(homestay: Homestay, seed: HomestaySeed) -> None:
    """The courtyard and a room for a homestay of the demo; a shared courtyard for a generated one. Each
    room type gets a picture of its room."""
    if seed.slug.startswith("demo-homestay-"):
        variant = _variant(f"{homestay.village.slug}/{homestay.slug}") % SHARED_PHOTO_VARIANTS
        courtyard = DemoPicture(
            f"homestay-generated-{variant}.jpg",
            partial(photos.homestay_photo_jpeg, variant),
            photos.photo_alt(seed.name),
        )
        _gallery_ensure(homestay, [courtyard])
        return
    key = f"{homestay.village.slug}-{homestay.slug}"
    variant = _variant(f"{homestay.village.slug}/{homestay.slug}")
    _gallery_ensure(
        homestay,
        [
            DemoPicture(
                f"homestay-{key}.jpg",
                partial(photos.homestay_photo_jpeg, variant, seed.name.en),
                photos.photo_alt(seed.name),
            ),
            DemoPicture(
                f"homestay-{key}-yard.jpg",
                partial(photos.homestay_photo_jpeg, variant + 1, seed.name.en),
                photos.photo_alt(seed.name),
            ),
        ],
    )
    for room_type, room in zip(homestay.room_types.order_by("order"), seed.rooms, strict=False):
        _gallery_ensure(
            room_type,
            [
                DemoPicture(
                    f"room-{key}-{room_type.order}.jpg",
                    partial(photos.room_photo_jpeg, variant + room_type.order, room.name.en),
                    photos.room_alt(room.name),
                )
            ],
        )


def _route_sync(seed: RouteSeed, order: int, villages: dict[str, Village], attractions: dict) -> Route:
    stop_rows, points, visited = [], [], {}
    for position, stop in enumerate(seed.stops, start=1):
        attraction = attractions[stop.attraction] if stop.attraction else None
        if attraction:
            points.append(attraction.coordinates)
            visited[attraction.pk] = attraction.visit_minutes
        else:
            assert stop.latitude is not None and stop.longitude is not None
            points.append((float(stop.latitude), float(stop.longitude)))
        stop_rows.append(
            {
                "position": position,
                "attraction_id": attraction.pk if attraction else None,
                "latitude": None if attraction else stop.latitude,
                "longitude": None if attraction else stop.longitude,
                **translated(name=stop.name or T("", ""), note=stop.note),
            }
        )
    path = path_through(points)
    distance = path_length_km(path)
    travel = float(distance) / SPEED_KMH[seed.mode] * 60
    route = record_upsert(
        Route,
        lookup={"village": villages[seed.village], "slug": seed.slug},
        values={
            "mode": seed.mode,
            "difficulty": seed.difficulty,
            "distance_km": distance,
            "duration_minutes": 5 * math.ceil((travel + sum(visited.values())) / 5),
            "path": path,
            "is_demo": True,
            "is_published": True,
            "order": order,
            **translated(name=seed.name, summary=seed.summary, description=seed.description),
        },
    )
    children_sync(route.stops.all(), parent={"route": route}, key="position", rows=stop_rows)
    return route
