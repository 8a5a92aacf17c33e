"""The worker's side of the galleries: a new photo's resized copies are made in the background, so
the owner's upload answers at once and the first visitor finds them ready."""

from django.tasks import task

from villages.models import Photo
from villages.photos.thumbnails import photo_thumbnails_warm


@task()
def photo_thumbnails_make(photo_id: int) -> str:
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return "deleted"
    photo_thumbnails_warm(photo)
    return "made"
