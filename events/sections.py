"""The village page's "近期活动" section (``villages.sections``): cached with the page's content, which
``events.signals`` invalidates when an event or slot changes."""

from datetime import date

from django.template.loader import render_to_string

from events.selectors import events_upcoming

VILLAGE_CARDS = 4


def village_events_section(slug: str, today: date) -> str:
    return render_to_string(
        "events/parts.html#village_section", {"events": events_upcoming(village=slug, limit=VILLAGE_CARDS)}
    )


def register() -> None:
    from villages.sections import village_section_register

    village_section_register("events", village_events_section)
