"""Renderers are found by the event's prefix; the booking app registers its own at start-up."""

import pytest

from bookings import notices
from notifications import registry


def test_a_renderer_is_found_by_the_events_prefix(monkeypatch):
    def render(notification):
        return None

    monkeypatch.setitem(registry._renderers, "shop.", render)

    assert registry.renderer_for("shop.order_shipped") is render


def test_an_event_without_a_renderer_is_a_lookup_error():
    with pytest.raises(LookupError, match=r"nobody\.knows"):
        registry.renderer_for("nobody.knows")


def test_the_booking_app_renders_booking_events():
    assert registry.renderer_for("booking.confirmed") is notices.render
