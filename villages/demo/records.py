"""Idempotent writes on natural keys, shared by the demo loader.

Rows are written with a full ``save()`` (or ``bulk_update`` including the base column) so that
modeltranslation's base column (``name``) stays equal to the default-language column (``name_zh_hans``).
"""

from collections.abc import Iterable
from typing import Any

from django.db import models

DEFAULT_LANGUAGE_SUFFIX = "_zh_hans"


def record_upsert[M: models.Model](model: type[M], *, lookup: dict[str, Any], values: dict[str, Any]) -> M:
    obj = model._default_manager.filter(**lookup).first() or model(**lookup)
    for field, value in values.items():
        setattr(obj, field, value)
    obj.save()
    return obj


def children_sync(
    queryset: models.QuerySet, *, parent: dict[str, Any], key: str, rows: Iterable[dict]
) -> None:
    """Make the children in ``queryset`` exactly ``rows``: update by ``key``, add missing, delete others."""
    model = queryset.model
    existing = {getattr(obj, key): obj for obj in queryset}
    created, updated, fields = [], [], set()
    for row in rows:
        obj = existing.pop(row[key], None)
        if obj is None:
            created.append(model(**parent, **row))
            continue
        changed = [field for field, value in row.items() if getattr(obj, field) != value]
        for field in changed:
            setattr(obj, field, row[field])
            fields.add(field)
            if field.endswith(DEFAULT_LANGUAGE_SUFFIX):
                fields.add(field.removesuffix(DEFAULT_LANGUAGE_SUFFIX))
        if changed:
            updated.append(obj)
    if existing:
        queryset.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
    if updated:
        model.objects.bulk_update(updated, sorted(fields))
    if created:
        model.objects.bulk_create(created)
