"""The resized copies a page shows instead of the uploaded file: for each shape (a card, the gallery's
big picture, a small tile) a few widths, each in WebP and in JPEG for browsers without WebP, made by
sorl-thumbnail on first use and remembered in its key-value store (no image work or storage request on
later pages). Pages choose among the widths with ``srcset`` and ``sizes``, so a card on a 360 px phone
fetches a 480 px WebP of a few dozen kilobytes, never the 1,600 px upload.

Any image field can be shown this way (``image_picture``): a gallery's ``Photo``, a review's photo, a news
cover, an event's or a product's picture."""

import logging
from dataclasses import dataclass

from django.db.models.fields.files import FieldFile
from sorl.thumbnail import get_thumbnail

from villages.models import Photo

logger = logging.getLogger(__name__)

WEBP_QUALITY = 72
JPEG_QUALITY = 78


@dataclass(frozen=True)
class Shape:
    ratio: tuple[int, int] | None
    """Width to height, cropped from the centre; ``None`` keeps the upload's own proportions (the
    copy fits in a square of the width)."""
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
    # A guest's review photo: a 96 px square, and the whole picture uncropped when tapped.
    "thumb": Shape((1, 1), (96, 192), "96px"),
    "view": Shape(None, (1200,), "100vw"),
}
GALLERY_SHAPES = ("card", "hero", "tile", "share")
"""The shapes a gallery's photos are shown in, made at once after an upload."""


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    image: FieldFile
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

    @property
    def largest(self) -> Rendition:
        """The widest JPEG: the one to link to or share."""
        return self.jpeg[-1]


def _renditions(image: FieldFile, shape: Shape, image_format: str, quality: int) -> list[Rendition]:
    renditions: dict[int, Rendition] = {}
    for width in shape.widths:
        options: dict = {"format": image_format, "quality": quality}
        if shape.ratio is None:
            geometry = f"{width}x{width}"
        else:
            geometry = f"{width}x{round(width * shape.ratio[1] / shape.ratio[0])}"
            options["crop"] = "center"
        thumbnail = get_thumbnail(image, geometry, **options)
        # Without upscaling a small upload gives the same copy for the larger widths: list it once.
        renditions.setdefault(thumbnail.width, Rendition(thumbnail.url, thumbnail.width, thumbnail.height))
    return sorted(renditions.values(), key=lambda rendition: rendition.width)


def image_picture(image: FieldFile | None, shape_name: str) -> Picture | None:
    """An image field's renditions for a shape of ``SHAPES``; ``None`` without a file, and ``None`` (and
    a log line) when its file is missing or unreadable, so a page shows the card without a picture
    instead of failing."""
    if not image:
        return None
    shape = SHAPES[shape_name]
    try:
        webp = _renditions(image, shape, "WEBP", WEBP_QUALITY)
        jpeg = _renditions(image, shape, "JPEG", JPEG_QUALITY)
    except Exception:
        logger.exception("no thumbnail for %s", image.name)
        return None
    if not webp or not jpeg:
        return None
    return Picture(image=image, webp=webp, jpeg=jpeg, sizes=shape.sizes)


def image_url(image: FieldFile | None, shape_name: str) -> str:
    """The URL of the widest JPEG of a shape (a link to the whole picture, a share card's image); empty
    without a picture."""
    shown = image_picture(image, shape_name)
    return shown.largest.url if shown is not None else ""


def photo_picture(photo: Photo, shape_name: str) -> Picture | None:
    """A gallery photo's renditions (``image_picture`` of its file)."""
    return image_picture(photo.image, shape_name)


def photo_thumbnails_warm(photo: Photo) -> None:
    """Make every rendition a gallery shows now (after an upload), so the first visitor does not wait."""
    for shape_name in GALLERY_SHAPES:
        photo_picture(photo, shape_name)
