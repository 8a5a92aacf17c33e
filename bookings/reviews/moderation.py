"""The content check every review and reply goes through before anyone else sees it.

``REVIEW_CONTENT_CHECK`` names a callable ``check(text: str) -> ContentVerdict``; the default,
``word_list_check``, flags text containing any word of ``REVIEW_BLOCKED_WORDS`` (case-insensitive,
spaces and punctuation between the letters ignored). A provider's text moderation (Aliyun 内容安全
TextModeration, Tencent Cloud 文本内容安全 TMS) plugs in as a function of the same shape: see the README,
"Reviews". A check that raises or times out never publishes: the review waits for staff.
"""

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContentVerdict:
    """``allowed`` False sends a review to the staff's queue (and refuses a reply); ``reason`` is for
    staff."""

    allowed: bool
    reason: str = ""


ContentCheck = Callable[[str], ContentVerdict]
_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)


def _folded(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


def word_list_check(text: str) -> ContentVerdict:
    folded = _folded(text)
    for word in settings.REVIEW_BLOCKED_WORDS:
        if word.strip() and _folded(word) in folded:
            return ContentVerdict(False, f"word list: {word.strip()}")
    return ContentVerdict(True)


@cache
def _check_named(path: str) -> ContentCheck:
    return import_string(path)


def content_check(text: str) -> ContentVerdict:
    """The configured check's verdict; a check that fails holds the text for staff."""
    try:
        verdict = _check_named(settings.REVIEW_CONTENT_CHECK)(text)
    except Exception as error:  # any provider failure: keep the text from the public, let staff decide
        logger.warning("review content check failed: %s", type(error).__name__)
        return ContentVerdict(False, f"check failed: {type(error).__name__}")
    if not isinstance(verdict, ContentVerdict):
        logger.warning("review content check answered %r, not a ContentVerdict", type(verdict).__name__)
        return ContentVerdict(False, "check answered nothing usable")
    return verdict
