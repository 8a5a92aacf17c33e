"""Querysets whose writes stamp a time on the rows they change, so that a report can find what changed
since a moment by an index on that time (``bookings.revenue.quiet``): ``update()`` and ``bulk_update()``
set ``stamp_field`` to now whenever they write one of ``stamped_by`` (every field, when it is None).
A model's own ``save()`` stamps through the field (``auto_now``) or by itself."""

from django.db import models
from django.utils import timezone


class StampedQuerySet(models.QuerySet):
    stamp_field: str
    stamped_by: frozenset[str] | None = None

    def _stamps(self, fields) -> bool:
        return self.stamped_by is None or bool(self.stamped_by & set(fields))

    def update(self, **kwargs):
        if self._stamps(kwargs):
            kwargs.setdefault(self.stamp_field, timezone.now())
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        if self._stamps(fields):
            now = timezone.now()
            for obj in objs:
                setattr(obj, self.stamp_field, now)
            fields = list({*fields, self.stamp_field})
        return super().bulk_update(objs, fields, batch_size=batch_size)
