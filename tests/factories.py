"""Small object builders for tests. Each returns a saved object; pass fields to override defaults."""

import itertools
from datetime import time
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from villages.models import (
    Attraction,
    Homestay,
    OpeningHours,
    Photo,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def user(**fields):
    n = _n()
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"user{n}@example.com")
    password = fields.pop("password", "correct-horse-battery")
    return get_user_model().objects.create_user(password=password, **fields)


def theme(**fields) -> Theme:
    n = _n()
    fields.setdefault("slug", f"theme-{n}")
    fields.setdefault("name_zh_hans", f"主题{n}")
    fields.setdefault("name_en", f"Theme {n}")
    return Theme.objects.create(**fields)


def village(**fields) -> Village:
    n = _n()
    themes = fields.pop("themes", [])
    fields.setdefault("slug", f"village-{n}")
    fields.setdefault("name_zh_hans", f"测试村{n}")
    fields.setdefault("name_en", f"Test Village {n}")
    fields.setdefault("township_zh_hans", "信义镇")
    fields.setdefault("township_en", "Xinyi Town")
    fields.setdefault("summary_zh_hans", "一个测试村庄")
    fields.setdefault("summary_en", "A test village")
    fields.setdefault("latitude", Decimal("37.520000"))
    fields.setdefault("longitude", Decimal("111.130000"))
    fields.setdefault("is_published", True)
    obj = Village.objects.create(**fields)
    obj.themes.set(themes)
    return obj


def attraction(**fields) -> Attraction:
    n = _n()
    weekly_hours = fields.pop("weekly_hours", True)
    fields.setdefault("village", fields.get("village") or village())
    fields.setdefault("slug", f"attraction-{n}")
    fields.setdefault("name_zh_hans", f"景点{n}")
    fields.setdefault("name_en", f"Attraction {n}")
    fields.setdefault("kind", Attraction.Kind.TEMPLE)
    fields.setdefault("summary_zh_hans", "测试景点")
    fields.setdefault("summary_en", "A test attraction")
    fields.setdefault("latitude", Decimal("37.521000"))
    fields.setdefault("longitude", Decimal("111.131000"))
    obj = Attraction.objects.create(**fields)
    if weekly_hours:
        OpeningHours.objects.bulk_create(
            OpeningHours(attraction=obj, weekday=day, opens=time(9), closes=time(17)) for day in range(1, 7)
        )
    return obj


def homestay(**fields) -> Homestay:
    n = _n()
    fields.setdefault("village", fields.get("village") or village())
    fields.setdefault("slug", f"homestay-{n}")
    fields.setdefault("name_zh_hans", f"民宿{n}")
    fields.setdefault("name_en", f"Homestay {n}")
    fields.setdefault("summary_zh_hans", "测试民宿")
    fields.setdefault("summary_en", "A test homestay")
    fields.setdefault("latitude", Decimal("37.522000"))
    fields.setdefault("longitude", Decimal("111.132000"))
    return Homestay.objects.create(**fields)


def room_type(**fields) -> RoomType:
    n = _n()
    fields.setdefault("homestay", fields.get("homestay") or homestay())
    fields.setdefault("name_zh_hans", f"大床房{n}")
    fields.setdefault("name_en", f"Double room {n}")
    fields.setdefault("capacity", 2)
    fields.setdefault("room_count", 2)
    fields.setdefault("base_price", Decimal("200.00"))
    return RoomType.objects.create(**fields)


def route(**fields) -> Route:
    n = _n()
    stops = fields.pop("stops", None)
    fields.setdefault("village", fields.get("village") or village())
    fields.setdefault("slug", f"route-{n}")
    fields.setdefault("name_zh_hans", f"线路{n}")
    fields.setdefault("name_en", f"Route {n}")
    fields.setdefault("summary_zh_hans", "测试线路")
    fields.setdefault("summary_en", "A test route")
    fields.setdefault("mode", Route.Mode.WALK)
    fields.setdefault("distance_km", Decimal("3.5"))
    fields.setdefault("duration_minutes", 90)
    fields.setdefault("difficulty", Route.Difficulty.EASY)
    obj = Route.objects.create(**fields)
    if stops is None:
        stops = [attraction(village=obj.village), attraction(village=obj.village)]
    RouteStop.objects.bulk_create(
        RouteStop(route=obj, position=i, attraction=stop) for i, stop in enumerate(stops, start=1)
    )
    return obj


COLOURS: dict[str, int | tuple[int, ...]] = {"RGB": (161, 63, 39), "RGBA": (161, 63, 39, 128), "1": 1}


def image_bytes(size=(1600, 1000), image_format="JPEG", mode="RGB", **save) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, COLOURS[mode]).save(buffer, image_format, **save)
    return buffer.getvalue()


def image_upload(name="photo.jpg", size=(2400, 1200), image_format="JPEG", mode="RGB", **save):
    """A picture as a phone uploads it."""
    content = image_bytes(size, image_format, mode, **save)
    return SimpleUploadedFile(name, content, content_type=f"image/{image_format.lower()}")


def photo(*, size=(1600, 1000), **fields) -> Photo:
    """A gallery photo with a real JPEG file; give one of village, attraction, homestay or room_type."""
    n = _n()
    fields.setdefault("alt_zh_hans", f"照片{n}")
    fields.setdefault("alt_en", f"Photo {n}")
    if "position" not in fields:
        subject = next(name for name in ("village", "attraction", "homestay", "room_type") if name in fields)
        fields["position"] = Photo.objects.filter(**{subject: fields[subject]}).count()
    photo = Photo(**fields)
    photo.image.save(f"photo-{n}.jpg", ContentFile(image_bytes(size)), save=False)
    photo.save()
    return photo
