"""The rich text staff write in village news, cleaned to a short allow-list with nh3 before it is stored.

Kept: paragraphs and line breaks, strong and em, lists, h3 and h4 headings, block quotes, links (http,
https and mailto only, each given ``rel="noopener nofollow"``) and pictures whose ``src`` is one of our
own uploads (under ``MEDIA_URL`` or the media bucket's own domain) with their ``alt``. Everything else
goes: scripts and styles with their content, event handlers, ``style`` and ``class`` attributes,
``javascript:`` and ``data:`` addresses, pictures from elsewhere (they would let another site count
our readers).
"""

import nh3
from django.conf import settings

TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "a", "blockquote", "img"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
URL_SCHEMES = {"http", "https", "mailto"}
DROPPED_WITH_CONTENT = {"script", "style"}
LINK_REL = "noopener nofollow"


def _own_media_prefixes() -> tuple[str, ...]:
    prefixes = [settings.MEDIA_URL]
    if settings.MEDIA_S3_CUSTOM_DOMAIN:
        prefixes.append(f"https://{settings.MEDIA_S3_CUSTOM_DOMAIN}/")
    # "//evil.example/..." starts with "/" but is another site: only a single leading slash is ours.
    return tuple(prefix for prefix in prefixes if not prefix.startswith("//"))


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        own = value.startswith(_own_media_prefixes()) and not value.startswith("//")
        return value if own and ".." not in value else None
    return value


def rich_text_clean(html: str) -> str:
    """``html`` with only the allow-list left (see the module's docstring)."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=_attribute_filter,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
    ).strip()
