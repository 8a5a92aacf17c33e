"""``{% picture photo "card" %}``: a photo as a ``<picture>`` of resized WebP and JPEG copies with
``srcset``, ``sizes``, its width and height (no layout shift) and lazy loading; ``eager=True`` for the
page's first, largest picture (the Largest Contentful Paint), which must not wait.

``photo`` is a gallery's ``Photo`` (its alt text is used) or any image field's file (a review's photo,
a news cover, an event's or a product's picture: pass ``alt``). Pages never show the uploaded file
itself; ``picture_url`` gives a rendition's address for a link or a share card."""

from django import template
from django.db.models.fields.files import FieldFile

from villages.models import Photo
from villages.photos.thumbnails import image_picture, image_url

register = template.Library()


def _image(photo: Photo | FieldFile | None) -> FieldFile | None:
    return photo.image if isinstance(photo, Photo) else photo


@register.inclusion_tag("partials/picture.html")
def picture(
    photo: Photo | FieldFile | None, shape: str, css_class: str = "", eager: bool = False, alt: str = ""
) -> dict:
    return {
        "picture": image_picture(_image(photo), shape),
        "alt": (photo.alt if isinstance(photo, Photo) else "") or alt,
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
def picture_url(photo: Photo | FieldFile | None, shape: str) -> str:
    """The URL of the widest JPEG of a shape (``review_photo.image|picture_url:"view"``); empty without
    a picture."""
    return image_url(_image(photo), shape)


@register.filter
def share_image(photo: Photo | FieldFile | None) -> str:
    """The URL of the photo's 300 px square JPEG for share cards (Open Graph, WeChat); empty without one."""
    return picture_url(photo, "share")
