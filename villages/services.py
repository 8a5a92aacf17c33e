"""Writes of the catalogue that are more than the admin's plain save: village news."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from villages.models import News
from villages.richtext import rich_text_clean

BODY_FIELDS = tuple(f"body_{code.replace('-', '_')}" for code, _name in settings.LANGUAGES)


@transaction.atomic
def news_save(*, news: News, author: User | None = None) -> News:
    """Save ``news`` (new or changed) with its body in every language sanitised (``villages.richtext``);
    the first author stays. Saving sends the catalogue signal, so the village page's cached fragments
    (``villages.fragments``) are rebuilt with the news."""
    for field in BODY_FIELDS:
        setattr(news, field, rich_text_clean(getattr(news, field) or ""))
    if news.author_id is None and author is not None:
        news.author = author
    news.full_clean()
    news.save()
    return news
