"""The endpoints: validate the parameters, call one selector, let the schemas shape the answer."""

from typing import Annotated, Any

from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from villages import selectors
from villages.api.fields import ErrorOut, ValidationErrorOut
from villages.api.schemas import (
    AttractionDetail,
    AttractionOut,
    HomestayDetail,
    HomestayOut,
    RouteDetail,
    RouteOut,
    ThemeOut,
    VillageDetail,
    VillageOut,
)
from villages.models import Attraction, Homestay, Route, Village

router = Router(tags=["catalogue 目录"])

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_OFFSET = 100_000
MAX_ID = 2**63 - 1  # the largest id SQLite and PostgreSQL can store; larger numbers are invalid ids
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"

SlugFilter = Annotated[str | None, Field(None, pattern=SLUG_PATTERN, max_length=50)]
SlugPath = Annotated[
    str, Path(..., pattern=SLUG_PATTERN, max_length=50, description="标识 slug; not a slug: 422")
]
ObjectId = Annotated[int, Path(..., ge=1, le=MAX_ID, description="编号 id; not a positive integer: 422")]
BAD_PARAMETERS = {422: ValidationErrorOut}
NOT_FOUND = {404: ErrorOut}

PAGINATION_RULE = (
    f"Paginated: `limit` 1-{MAX_LIMIT} (default {DEFAULT_LIMIT}), `offset` 0-{MAX_OFFSET}; "
    "a value that is not an integer or is out of range is 422. "
)
SLUG_FILTER_RULE = (
    "A slug filter (`village`, `theme`) that matches nothing, unknown or unpublished slugs included, "
    "gives an empty list; a value that is not a slug is 422. "
)
CODE_FILTER_RULE = (
    "A code filter (`kind`, `mode`) accepts only the codes listed in the schema, anything else is 422. "
)


def _not_found(zh: str, en: str) -> HttpError:
    # The API answers in both languages whatever the Accept-Language header says.
    return HttpError(404, f"{zh} / {en}")


class PageParams(LimitOffsetPagination.Input):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数 items per page")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过条数 items to skip")


class CataloguePagination(LimitOffsetPagination):
    Input = PageParams

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class VillageFilters(Schema):
    theme: SlugFilter = Field(None, description="主题标识 theme slug, see /api/themes")


class AttractionFilters(Schema):
    village: SlugFilter = Field(None, description="村庄标识 village slug")
    kind: Attraction.Kind | None = Field(None, description="类型 attraction kind")


class HomestayFilters(Schema):
    village: SlugFilter = Field(None, description="村庄标识 village slug")


class RouteFilters(Schema):
    village: SlugFilter = Field(None, description="村庄标识 village slug")
    mode: Route.Mode | None = Field(None, description="方式 travel mode")


@router.get(
    "/themes",
    response={200: list[ThemeOut], **BAD_PARAMETERS},
    summary="主题 Themes",
    description=PAGINATION_RULE,
)
@paginate(CataloguePagination)
def theme_list(request):
    return selectors.themes_list()


@router.get(
    "/villages",
    response={200: list[VillageOut], **BAD_PARAMETERS},
    summary="村庄 Published villages",
    description=PAGINATION_RULE + SLUG_FILTER_RULE,
)
@paginate(CataloguePagination)
def village_list(request, filters: Query[VillageFilters]):
    return selectors.villages_published(theme=filters.theme)


@router.get(
    "/villages/{slug}",
    response={200: VillageDetail, **NOT_FOUND, **BAD_PARAMETERS},
    summary="村庄详情 One village",
    description="With honours, themes and its published attractions, homestays and routes. "
    "Unknown or unpublished slug: 404; a value that is not a slug: 422.",
)
def village_detail(request, slug: SlugPath):
    try:
        return selectors.village_detail(slug=slug)
    except Village.DoesNotExist:
        raise _not_found("找不到这个村庄", "Village not found") from None


@router.get(
    "/attractions",
    response={200: list[AttractionOut], **BAD_PARAMETERS},
    summary="景点 Published attractions",
    description=PAGINATION_RULE + SLUG_FILTER_RULE + CODE_FILTER_RULE,
)
@paginate(CataloguePagination)
def attraction_list(request, filters: Query[AttractionFilters]):
    attractions = selectors.attractions_published()
    if filters.village:
        attractions = attractions.filter(village__slug=filters.village)
    if filters.kind:
        attractions = attractions.filter(kind=filters.kind)
    return attractions


@router.get(
    "/attractions/{id}",
    response={200: AttractionDetail, **NOT_FOUND, **BAD_PARAMETERS},
    summary="景点详情 One attraction",
    description="With the opening hours of today (Beijing time) and the 6 following days. "
    "Unknown or unpublished id: 404.",
)
def attraction_detail(request, id: ObjectId):
    try:
        return selectors.attraction_detail_by_id(pk=id)
    except Attraction.DoesNotExist:
        raise _not_found("找不到这个景点", "Attraction not found") from None


@router.get(
    "/homestays",
    response={200: list[HomestayOut], **BAD_PARAMETERS},
    summary="民宿 Published homestays",
    description=PAGINATION_RULE + SLUG_FILTER_RULE,
)
@paginate(CataloguePagination)
def homestay_list(request, filters: Query[HomestayFilters]):
    homestays = selectors.homestays_published()
    if filters.village:
        homestays = homestays.filter(village__slug=filters.village)
    return homestays


@router.get(
    "/homestays/{id}",
    response={200: HomestayDetail, **NOT_FOUND, **BAD_PARAMETERS},
    summary="民宿详情 One homestay",
    description="With its bookable room types and their prices. Unknown or unpublished id: 404.",
)
def homestay_detail(request, id: ObjectId):
    try:
        return selectors.homestay_detail_by_id(pk=id)
    except Homestay.DoesNotExist:
        raise _not_found("找不到这家民宿", "Homestay not found") from None


@router.get(
    "/routes",
    response={200: list[RouteOut], **BAD_PARAMETERS},
    summary="精品线路 Published routes",
    description=PAGINATION_RULE + SLUG_FILTER_RULE + CODE_FILTER_RULE,
)
@paginate(CataloguePagination)
def route_list(request, filters: Query[RouteFilters]):
    routes = selectors.routes_published()
    if filters.village:
        routes = routes.filter(village__slug=filters.village)
    if filters.mode:
        routes = routes.filter(mode=filters.mode)
    return routes


@router.get(
    "/routes/{id}",
    response={200: RouteDetail, **NOT_FOUND, **BAD_PARAMETERS},
    summary="线路详情 One route",
    description="With its stops in order and the line to draw. Unknown or unpublished id: 404.",
)
def route_detail(request, id: ObjectId):
    try:
        return selectors.route_detail_by_id(pk=id)
    except Route.DoesNotExist:
        raise _not_found("找不到这条线路", "Route not found") from None
