"""Village news (村庄动态) in the API: only published news of published villages whose publication time
has come, newest first, as the news pages show it. The body is HTML cleaned again on the way out by the
same allow-list it was stored through (``villages.richtext``), so a row written around the service is
still safe to show."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from villages import selectors
from villages.api.endpoints import BAD_PARAMETERS, NOT_FOUND, PAGINATION_RULE, CataloguePagination, ObjectId
from villages.api.fields import Text, bilingual, page_url
from villages.models import News, Village
from villages.richtext import rich_text_clean

router = Router(tags=["news 村庄动态"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
VillageSlug = Annotated[
    str, Path(..., pattern=SLUG_PATTERN, max_length=50, description="村庄标识 village slug; not a slug: 422")
]


class NewsFilters(Schema):
    village: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="村庄标识 village slug"
    )


class NewsOut(Schema):
    id: int
    village: str = Field(description="村庄标识 village slug")
    village_name: Text
    title: Text
    summary: Text
    published_at: dt.datetime
    cover: str | None = Field(description="封面照片 cover photo URL; null: none")
    url: str

    @staticmethod
    def resolve_village(obj):
        return obj.village.slug

    @staticmethod
    def resolve_village_name(obj):
        return bilingual(obj.village, "name")

    @staticmethod
    def resolve_title(obj):
        return bilingual(obj, "title")

    @staticmethod
    def resolve_summary(obj):
        return bilingual(obj, "summary")

    @staticmethod
    def resolve_cover(obj):
        return obj.cover.url if obj.cover else None

    @staticmethod
    def resolve_url(obj):
        return page_url(obj)


class NewsDetail(NewsOut):
    body: Text = Field(description="正文 HTML, sanitised: p br strong em ul ol li h3 h4 a blockquote img")

    @staticmethod
    def resolve_body(obj):
        zh = rich_text_clean(obj.body_zh_hans or "")
        return {"zh": zh, "en": rich_text_clean(obj.body_en or "") or zh}


def _published():
    return (
        News.objects.filter(
            status=News.Status.PUBLISHED,
            village__is_published=True,
            published_at__lte=timezone.now(),
        )
        .select_related("village")
        .order_by("-published_at", "-id")
    )


def _not_found() -> HttpError:
    return HttpError(404, "找不到这条动态 / News not found")


@router.get(
    "/news",
    response={200: list[NewsOut], **BAD_PARAMETERS},
    summary="村庄动态 Published village news",
    description=PAGINATION_RULE + "Newest first; `village` narrows to one village (an unknown slug: empty).",
)
@paginate(CataloguePagination)
def news_list(request, filters: Query[NewsFilters]):
    news = _published()
    if filters.village:
        news = news.filter(village__slug=filters.village)
    return news


@router.get(
    "/news/{id}",
    response={200: NewsDetail, **NOT_FOUND, **BAD_PARAMETERS},
    summary="动态详情 One piece of news",
    description="With its sanitised HTML body. A draft, a future or unknown id: 404.",
)
def news_detail(request, id: ObjectId):
    news = _published().filter(pk=id).first()
    if news is None:
        raise _not_found()
    return news


@router.get(
    "/villages/{slug}/news",
    response={200: list[NewsDetail], **NOT_FOUND, **BAD_PARAMETERS},
    summary="一个村庄的动态 One village's news",
    description=PAGINATION_RULE + "With the sanitised HTML bodies. Unknown or unpublished village: 404.",
)
@paginate(CataloguePagination)
def village_news(request, slug: VillageSlug):
    try:
        village = selectors.news_village(slug=slug)
    except Village.DoesNotExist:
        raise HttpError(404, "找不到这个村庄 / Village not found") from None
    return _published().filter(village=village)
