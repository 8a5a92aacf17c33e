"""Who writes what a notification says. An app registers a renderer for the events it owns (by prefix,
``booking.`` for ``bookings.notices``) in its ``AppConfig.ready``; the worker asks it for the message when
it sends, so the message shows the state of things at that moment. A renderer answers ``None`` when the
message is no longer needed (a reminder for a stay that was cancelled meanwhile)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notifications.channels import Message
    from notifications.models import Notification

Renderer = Callable[["Notification"], "Message | None"]

_renderers: dict[str, Renderer] = {}


def renderer_register(prefix: str, renderer: Renderer) -> None:
    _renderers[prefix] = renderer


def renderer_for(event: str) -> Renderer:
    for prefix, renderer in _renderers.items():
        if event.startswith(prefix):
            return renderer
    raise LookupError(f"no renderer for notification event {event!r}")
