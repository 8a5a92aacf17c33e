"""Rendered fragments of catalogue pages, kept in Django's cache until the catalogue changes.

A fragment's key names the catalogue's *generation*: a random token kept in the cache and replaced by
``catalogue_changed()``, which runs on every save, delete and theme change of a catalogue model
(``villages.signals``), after a database restore, and wherever content is written without ``save()``
(``QuerySet.update``, ``bulk_create``: the demo loader). Fragments of an older generation are never
looked up again and expire after ``FRAGMENT_SECONDS``. A token rather than a counter: a generation
evicted from the cache starts again as a new token and never matches fragments rendered before.

The key also names what else the HTML depends on: the language, a digest of the code, templates and
translation catalogues that render it (a deploy never serves HTML of the release before), the map
settings, and whatever the caller passes (the page's slug and the day in Beijing time, for "open
today").

A fragment is rendered without the request: it cannot hold a CSRF token, a signed-in person's name or a
message. Per-person parts of a page stay in the page template around it.
"""

import functools
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template import Engine
from django.utils.translation import get_language

GENERATION_KEY = "villages:catalogue-generation"
# Bounds how long a fragment outlives a change nothing signalled (a raw SQL edit) and, with the in-process
# cache and several worker processes, a change made in another process (production shares Redis).
FRAGMENT_SECONDS = 10 * 60
# What renders the fragments besides the templates: a change to any of them is a new digest.
SOURCES = ("villages/views.py", "villages/selectors.py", "villages/templatetags/catalogue.py")
TEMPLATES = (
    "villages/village_detail.html",
    "villages/cards.html",
    "villages/news_list.html",
    "partials/map.html",
    "partials/breadcrumbs.html",
    "partials/demo_badge.html",
)


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def catalogue_generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = _new_token()
        if not cache.add(GENERATION_KEY, token, timeout=None):  # another process started one first
            token = cache.get(GENERATION_KEY, token)
    return token


def _generation_replace() -> None:
    cache.set(GENERATION_KEY, _new_token(), timeout=None)


def catalogue_changed() -> None:
    """Every cached fragment is out of date. Called by the signals; call it yourself after writing
    catalogue content without ``save()`` or ``delete()``.

    Replaced now (this process sees its own change at once) and again when the transaction commits: a
    page rendered meanwhile by another request read the content from before the commit.
    """
    _generation_replace()
    transaction.on_commit(_generation_replace)


@functools.cache
def _code_digest(base_dir: Path) -> str:
    digest = hashlib.blake2b(digest_size=8)
    paths = [Path(Engine.get_default().get_template(name).origin.name) for name in TEMPLATES]
    paths += [base_dir / source for source in SOURCES]
    for locale_dir in settings.LOCALE_PATHS:
        paths += sorted(Path(locale_dir).glob("*/LC_MESSAGES/django.mo"))
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _settings_digest(*values: str) -> str:
    return hashlib.blake2b("\0".join(values).encode(), digest_size=4).hexdigest()


def fragment_key(name: str, *parts: object) -> str:
    return ":".join(
        [
            "villages",
            name,
            _code_digest(settings.BASE_DIR),
            _settings_digest(settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION),
            catalogue_generation(),
            get_language() or "",
            *(str(part) for part in parts),
        ]
    )


def fragment_cached[T](name: str, *parts: object, build: Callable[[], T]) -> T:
    """The cached fragment ``name`` for ``parts``, built by ``build()`` when missing. An exception from
    ``build()`` (an unknown page: ``DoesNotExist``) is raised and nothing is cached."""
    key = fragment_key(name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value
