"""Rows written once and never changed or deleted (the ledger's entries, booked nights): the model and
its querysets refuse, raising the model's ``write_once_error``. Reports rely on it: a sum of such rows
up to a given one stays true (``bookings.revenue.tally``). On PostgreSQL a trigger refuses too."""

from django.db import models


class WriteOnceQuerySet(models.QuerySet):
    def _refuse(self, what: str):
        model = self.model
        raise model.write_once_error(f"{model.write_once_name} are never {what}")  # type: ignore[attr-defined]

    def update(self, **kwargs):
        self._refuse("updated")

    def delete(self):
        self._refuse("deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        self._refuse("updated")


class WriteOnceModel(models.Model):
    """Set ``write_once_error`` (an exception class) and ``write_once_name`` (plural, for messages)."""

    write_once_error: type[Exception] = Exception
    write_once_name = "rows"

    objects = WriteOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise self.write_once_error(f"{self.write_once_name} are never updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.write_once_error(f"{self.write_once_name} are never deleted")
