"""Language helpers for the site templates: the ``lang`` attribute and the language switch."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override, to_locale

register = template.Library()


@register.filter
def language_tag(code: str) -> str:
    """Django's ``zh-hans`` -> the BCP 47 tag ``zh-Hans`` that ``<html lang>`` expects."""
    return to_locale(code).replace("_", "-")


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in every language, as plain links.

    A page that has no counterpart (a path that does not resolve) links to the home page instead.
    """
    request = context.get("request")
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = ""
        if request is not None:
            path = request.get_full_path()
            url = translate_url(path, code)
            if url == path and code != current:
                url = ""
        if not url:
            with override(code):
                url = reverse("home")
        links.append(
            {"code": code, "tag": language_tag(code), "name": name, "url": url, "current": code == current}
        )
    return links
