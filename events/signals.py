"""The village pages cache their content (``villages.fragments``), the upcoming events among it: any
change to an event or its slots starts a new catalogue generation, so no page shows a stale event."""

from django.db.models.signals import post_delete, post_save

from villages.fragments import catalogue_changed


def _changed(sender, **kwargs) -> None:
    catalogue_changed()


def connect() -> None:
    from events.models import Event, TicketSlot

    for model in (Event, TicketSlot):
        post_save.connect(_changed, sender=model, dispatch_uid=f"events-fragments-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"events-fragments-delete-{model.__name__}")
