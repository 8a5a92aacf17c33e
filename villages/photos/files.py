"""A deleted photo's file and its thumbnails leave the storage once the deletion is committed, however
the row went (the owner console, the admin, a homestay deleted with its gallery); never for a deletion
rolled back, and never while another photo still shows the same file (generated demo content shares
its pictures)."""

from django.db import transaction
from django.db.models.signals import post_delete
from sorl.thumbnail import delete as thumbnail_delete

from villages.models import Photo


def _photo_deleted(sender, instance: Photo, **kwargs) -> None:
    image = instance.image
    if not image.name:
        return

    def delete() -> None:
        if not Photo.objects.filter(image=image.name).exists():
            thumbnail_delete(image)

    transaction.on_commit(delete)


def connect() -> None:
    post_delete.connect(_photo_deleted, sender=Photo, dispatch_uid="photo-files-deleted")
