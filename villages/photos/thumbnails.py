"""The resized copies a page shows instead of the uploaded file: for each shape (a card, the gallery's
big picture, a small tile) a few widths, each in WebP and in JPEG for browsers without WebP, made by
sorl-thumbnail on first use and remembered in its key-value store (no image work or storage request on
later pages). Pages choose among the widths with ``srcset`` and ``sizes``, so a card on a 360 px phone
fetches a 480 px WebP of a few dozen kilobytes, never the 1,600 px upload."""

import logging
from dataclasses import dataclass

from sorl.thumbnail import get_thumbnail

from villages.models import Photo

logger = logging.getLogger(__name__)

WEBP_QUALITY = 72
JPEG_QUALITY = 78


@dataclass(frozen=True)
class Shape:
    ratio: tuple[int, int]
    widths: tuple[int, ...]
    sizes: str
    """The width the picture takes on screen, for the browser to pick from ``srcset`` before layout."""


SHAPES = {
    # A card spans the phone's width less the page padding, and a third of a wide screen's grid.
    "card": Shape((3, 2), (320, 480, 640), "(min-width: 1000px) 300px, (min-width: 640px) 45vw, 92vw"),
    # The gallery's pictures span the content column (at most 56rem).
    "hero": Shape((3, 2), (480, 800, 1200), "(min-width: 960px) 900px, 96vw"),
    "tile": Shape((1, 1), (120, 240), "120px"),
    # The square a share card shows (WeChat asks for at least 300 x 300; JPEG, which every app reads).
    "share": Shape((1, 1), (300,), "300px"),
}


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    photo: Photo
    webp: list[Rendition]
    jpeg: list[Rendition]
    sizes: str

    @staticmethod
    def srcset(renditions: list[Rendition]) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in renditions)

    @property
    def webp_srcset(self) -> str:
        return self.srcset(self.webp)

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset(self.jpeg)

    @property
    def fallback(self) -> Rendition:
        """The ``src`` of browsers without ``srcset``: the middle JPEG."""
        return self.jpeg[len(self.jpeg) // 2]


def _renditions(photo: Photo, shape: Shape, image_format: str, quality: int) -> list[Rendition]:
    renditions: dict[int, Rendition] = {}
    for width in shape.widths:
        height = round(width * shape.ratio[1] / shape.ratio[0])
        thumbnail = get_thumbnail(
            photo.image, f"{width}x{height}", crop="center", format=image_format, quality=quality
        )
        # Without upscaling a small upload gives the same copy for the larger widths: list it once.
        renditions.setdefault(thumbnail.width, Rendition(thumbnail.url, thumbnail.width, thumbnail.height))
    return sorted(renditions.values(), key=lambda rendition: rendition.width)


def photo_picture(photo: Photo, shape_name: str) -> Picture | None:
    """The photo's renditions for a shape of ``SHAPES``; ``None`` (and a log line) when its file is
    missing or unreadable, so a page shows the card without a picture instead of failing."""
    shape = SHAPES[shape_name]
    try:
        webp = _renditions(photo, shape, "WEBP", WEBP_QUALITY)
        jpeg = _renditions(photo, shape, "JPEG", JPEG_QUALITY)
    except Exception:
        logger.exception("no thumbnail for photo %s (%s)", photo.pk, photo.image.name)
        return None
    if not webp or not jpeg:
        return None
    return Picture(photo=photo, webp=webp, jpeg=jpeg, sizes=shape.sizes)


def photo_thumbnails_warm(photo: Photo) -> None:
    """Make every rendition now (after an upload), so the first visitor does not wait for them."""
    for shape_name in SHAPES:
        photo_picture(photo, shape_name)
