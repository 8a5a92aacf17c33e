"""Sections that apps above the catalogue add to a village's page (the events app: the village's
upcoming events), without the catalogue importing them: each registers a builder in its
``AppConfig.ready``. A builder gets the village's slug and today's date and answers HTML rendered
without the request (it is cached with the page's content), or an empty string for nothing to show."""

from collections.abc import Callable
from datetime import date

from django.utils.safestring import SafeString, mark_safe

Builder = Callable[[str, date], str]

_builders: dict[str, Builder] = {}


def village_section_register(name: str, build: Builder) -> None:
    _builders[name] = build


def village_sections(slug: str, today: date) -> SafeString:
    return mark_safe("".join(build(slug, today) for build in _builders.values()))  # noqa: S308  (rendered templates)
