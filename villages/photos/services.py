"""Every write to a gallery. A gallery belongs to one subject (a village, an attraction, a homestay or a
room type); its order is ``position`` 0, 1, 2 ... and position 0 is the cover. Each write locks the
subject's row, so two phones reordering the same gallery at once take turns instead of mixing orders.
Checking that the caller may edit the subject is the caller's job (the owner console only loads the
owner's own photos)."""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from villages.fragments import catalogue_changed
from villages.models import Attraction, Homestay, Photo, RoomType, Village
from villages.photos.images import photo_for_web
from villages.photos.tasks import photo_thumbnails_make

MAX_PHOTOS = 30
"""The most photos one gallery holds: enough for every room, few enough for a page on mobile data."""

Subject = Village | Attraction | Homestay | RoomType
SUBJECT_FIELDS: dict[type, str] = {
    Village: "village",
    Attraction: "attraction",
    Homestay: "homestay",
    RoomType: "room_type",
}


def _field(subject: Subject) -> str:
    return SUBJECT_FIELDS[type(subject)]


def _lock(subject: Subject) -> None:
    list(type(subject).objects.select_for_update(no_key=True).filter(pk=subject.pk).values_list("pk"))


def gallery(subject: Subject) -> list[Photo]:
    return list(Photo.objects.filter(**{_field(subject): subject}).order_by("position", "id"))


def _renumber(photos: list[Photo]) -> None:
    changed = []
    for position, photo in enumerate(photos):
        if photo.position != position:
            photo.position = position
            changed.append(photo)
    Photo.objects.bulk_update(changed, ["position"])
    if changed:
        catalogue_changed()  # bulk_update sends no signal (villages/signals.py)


def _describe(photo: Photo, *, alt_zh_hans: str, alt_en: str) -> None:
    """The alt text in both languages (modeltranslation's columns of ``Photo.alt``)."""
    photo.alt_zh_hans = alt_zh_hans.strip()  # type: ignore[attr-defined]
    photo.alt_en = alt_en.strip()  # type: ignore[attr-defined]


@transaction.atomic
def photo_add(
    *,
    subject: Subject,
    upload: File,
    alt_zh_hans: str = "",
    alt_en: str = "",
    is_demo: bool = False,
) -> Photo:
    """Add a photo at the end of the subject's gallery (the first one becomes the cover).

    The upload is checked and made web-ready (``photo_for_web``: type, size, pixels, orientation,
    metadata stripped).
    Raises ``ValidationError`` (code ``photo_*``) and changes nothing for a bad upload or a full gallery.
    """
    content = photo_for_web(upload)
    _lock(subject)
    field = _field(subject)
    existing = Photo.objects.filter(**{field: subject})
    if existing.count() >= MAX_PHOTOS:
        raise ValidationError(
            _("每个相册最多%(n)s张照片,请先删除一些 A gallery holds at most %(n)s photos: delete some first")
            % {"n": MAX_PHOTOS},
            code="photo_limit",
        )
    last = existing.aggregate(last=Max("position"))["last"]
    photo = Photo(position=0 if last is None else last + 1, is_demo=is_demo)
    setattr(photo, field, subject)
    _describe(photo, alt_zh_hans=alt_zh_hans, alt_en=alt_en)
    slug = getattr(subject, "slug", "") or f"{field}-{subject.pk}"
    photo.image.save(f"{slug}-{secrets.token_hex(4)}.jpg", content, save=False)
    try:
        photo.full_clean()
        photo.save()
    except BaseException:
        photo.image.storage.delete(photo.image.name or "")
        raise
    transaction.on_commit(lambda: photo_thumbnails_make.enqueue(photo.pk))
    return photo


@transaction.atomic
def photo_move(*, photo: Photo, offset: int) -> Photo:
    """Move the photo ``offset`` places later (negative: earlier), within the gallery's ends."""
    _lock(photo.subject)
    photos = gallery(photo.subject)
    index = next(i for i, item in enumerate(photos) if item.pk == photo.pk)
    target = max(0, min(len(photos) - 1, index + offset))
    photos.insert(target, photos.pop(index))
    _renumber(photos)
    return photos[target]


def photo_make_cover(*, photo: Photo) -> Photo:
    """The cover is the gallery's first photo: the chosen one moves to the front, the rest keep order."""
    return photo_move(photo=photo, offset=-MAX_PHOTOS)


@transaction.atomic
def photo_describe(*, photo: Photo, alt_zh_hans: str, alt_en: str) -> Photo:
    photo = Photo.objects.select_for_update().get(pk=photo.pk)
    _describe(photo, alt_zh_hans=alt_zh_hans, alt_en=alt_en)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def photo_delete(*, photo: Photo) -> None:
    """Delete the photo; the next one becomes the cover when it was the cover. Deleting a photo that
    is already gone (a second tap, another phone) is not an error."""
    subject = photo.subject
    _lock(subject)
    gone = Photo.objects.filter(pk=photo.pk).first()
    if gone is None:
        return
    gone.delete()  # its file and thumbnails go after the commit (villages.photos.files)
    _renumber(gallery(subject))
