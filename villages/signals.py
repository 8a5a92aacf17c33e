"""Every save or delete of what the catalogue pages show makes their cached fragments out of date.

Writes that send no signal (``QuerySet.update``, ``bulk_create``, ``bulk_update``, raw SQL) call
``villages.fragments.catalogue_changed()`` themselves.
"""

from dbbackup.signals import post_restore
from django.db.models.signals import m2m_changed, post_delete, post_save

from villages.fragments import catalogue_changed
from villages.models import (
    Attraction,
    Homestay,
    Honour,
    News,
    OpeningException,
    OpeningHours,
    Photo,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)

CATALOGUE_MODELS = (
    Theme,
    Village,
    Honour,
    Attraction,
    OpeningHours,
    OpeningException,
    Homestay,
    RoomType,
    Route,
    RouteStop,
    Photo,
    News,
)


def _catalogue_written(sender, **kwargs) -> None:
    catalogue_changed()


def _themes_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        catalogue_changed()


def connect() -> None:
    for model in CATALOGUE_MODELS:
        name = model.__name__
        post_save.connect(_catalogue_written, sender=model, dispatch_uid=f"fragments-saved-{name}")
        post_delete.connect(_catalogue_written, sender=model, dispatch_uid=f"fragments-deleted-{name}")
    m2m_changed.connect(_themes_changed, sender=Village.themes.through, dispatch_uid="fragments-themes")
    post_restore.connect(_catalogue_written, dispatch_uid="fragments-restored")
