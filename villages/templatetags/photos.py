"""``{% picture photo "card" %}``: a photo as a ``<picture>`` of resized WebP and JPEG copies with
``srcset``, ``sizes``, its width and height (no layout shift) and lazy loading; ``eager=True`` for the
page's first, largest picture (the Largest Contentful Paint), which must not wait."""

from django import template

from villages.models import Photo
from villages.photos.thumbnails import photo_picture

register = template.Library()


@register.inclusion_tag("partials/picture.html")
def picture(photo: Photo | None, shape: str, css_class: str = "", eager: bool = False, alt: str = "") -> dict:
    return {
        "picture": photo_picture(photo, shape) if photo is not None else None,
        "alt": (photo.alt if photo is not None else "") or alt,
        "css_class": css_class,
        "eager": eager,
    }


@register.filter
def cover(photos) -> Photo | None:
    """The first photo of a prefetched gallery (``homestay.photos.all|cover``)."""
    for photo in photos:
        return photo
    return None


@register.filter
def share_image(photo: Photo | None) -> str:
    """The URL of the photo's 300 px square JPEG for share cards (Open Graph, WeChat); empty without one."""
    shown = photo_picture(photo, "share") if photo is not None else None
    return shown.jpeg[-1].url if shown is not None else ""
