"""Reads shared by the pages and the API. Each returns a queryset or object with everything a page
needs prefetched, so a page costs a constant number of queries whatever the amount of content."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from common.clock import local_today
from villages.models import (
    Attraction,
    Homestay,
    News,
    OpeningException,
    Photo,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

UPCOMING_DAYS = 7


@dataclass(frozen=True)
class DayHours:
    date: date
    opens: time | None
    closes: time | None
    note: str = ""

    @property
    def is_open(self) -> bool:
        return self.opens is not None


def _published_room_types() -> QuerySet[RoomType]:
    return RoomType.objects.filter(is_active=True).order_by("order", "id").prefetch_related("photos")


class HomestayPrices(TypedDict):
    price_from: Decimal | None
    max_capacity: int | None


def homestays_published() -> "QuerySet[WithAnnotations[Homestay, HomestayPrices]]":
    active = Q(room_types__is_active=True)
    return (
        Homestay.objects.filter(is_published=True, village__is_published=True)
        .select_related("village")
        .prefetch_related("photos")
        .annotate(
            price_from=Min("room_types__base_price", filter=active),
            max_capacity=Max("room_types__capacity", filter=active),
        )
    )


def attractions_published() -> QuerySet[Attraction]:
    return (
        Attraction.objects.filter(is_published=True, village__is_published=True)
        .select_related("village")
        .prefetch_related("photos")
    )


def routes_published() -> QuerySet[Route]:
    return Route.objects.filter(is_published=True, village__is_published=True).select_related("village")


class VillageCounts(TypedDict):
    attraction_count: int
    homestay_count: int


def villages_published(*, theme: str | None = None) -> "QuerySet[WithAnnotations[Village, VillageCounts]]":
    villages = (
        Village.objects.filter(is_published=True)
        .prefetch_related("themes", "photos")
        .annotate(
            attraction_count=Count("attractions", filter=Q(attractions__is_published=True), distinct=True),
            homestay_count=Count("homestays", filter=Q(homestays__is_published=True), distinct=True),
        )
    )
    if theme:
        villages = villages.filter(themes__slug=theme)
    return villages


def _attractions_with_hours(start: date, days: int) -> QuerySet[Attraction]:
    return attractions_published().prefetch_related(
        "opening_hours",
        Prefetch(
            "opening_exceptions",
            queryset=OpeningException.objects.filter(date__gte=start, date__lt=start + timedelta(days=days)),
        ),
    )


def _route_stops() -> Prefetch:
    return Prefetch("stops", queryset=RouteStop.objects.select_related("attraction").order_by("position"))


class HomestayPrefetched(HomestayPrices):
    active_room_types: list[RoomType]


class VillagePrefetched(TypedDict):
    published_attractions: list[Attraction]
    published_homestays: list["WithAnnotations[Homestay, HomestayPrefetched]"]
    published_routes: list[Route]


def village_detail(
    *, slug: str, start: date | None = None, days: int = UPCOMING_DAYS
) -> "WithAnnotations[Village, VillagePrefetched]":
    """One published village with its honours, attractions (and their hours), homestays and routes.

    Raises ``Village.DoesNotExist`` for an unknown or unpublished slug.
    """
    start = start or local_today()
    return (
        Village.objects.filter(is_published=True)
        .prefetch_related(
            "themes",
            "honours",
            "photos",
            Prefetch(
                "attractions", queryset=_attractions_with_hours(start, days), to_attr="published_attractions"
            ),
            Prefetch(
                "homestays",
                queryset=homestays_published().prefetch_related(
                    Prefetch("room_types", queryset=_published_room_types(), to_attr="active_room_types")
                ),
                to_attr="published_homestays",
            ),
            Prefetch(
                "routes",
                queryset=routes_published().prefetch_related(_route_stops()),
                to_attr="published_routes",
            ),
        )
        .get(slug=slug)
    )


def attraction_detail(*, village_slug: str, slug: str, start: date | None = None, days: int = UPCOMING_DAYS):
    start = start or local_today()
    return (
        _attractions_with_hours(start, days)
        .prefetch_related(Prefetch("route_stops", queryset=RouteStop.objects.select_related("route")))
        .get(village__slug=village_slug, slug=slug)
    )


def homestay_detail(*, village_slug: str, slug: str) -> "WithAnnotations[Homestay, HomestayPrefetched]":
    return (
        homestays_published()
        .prefetch_related(
            Prefetch("room_types", queryset=_published_room_types(), to_attr="active_room_types")
        )
        .get(village__slug=village_slug, slug=slug)
    )


def route_detail(*, village_slug: str, slug: str) -> Route:
    return routes_published().prefetch_related(_route_stops()).get(village__slug=village_slug, slug=slug)


def route_cover(route: Route) -> Photo | None:
    """The picture that stands for a route (its share card): its village's cover, else the cover of its
    first stop at a published attraction that has one."""
    cover = route.village.photos.first()
    if cover is not None:
        return cover
    for stop in route.stops.all():
        if stop.attraction is not None and stop.attraction.is_published:
            cover = stop.attraction.photos.first()
            if cover is not None:
                return cover
    return None


def attraction_hours_on(attraction: Attraction, day: date) -> DayHours:
    """Hours on one date: an exception for that date wins over the weekly hours.

    Uses the prefetched ``opening_hours`` and ``opening_exceptions`` when present (no extra queries).
    """
    for exception in attraction.opening_exceptions.all():
        if exception.date == day:
            return DayHours(day, exception.opens, exception.closes, exception.note)
    for hours in attraction.opening_hours.all():
        if hours.weekday == day.weekday():
            return DayHours(day, hours.opens, hours.closes)
    return DayHours(day, None, None)


def attraction_upcoming_hours(
    attraction: Attraction, *, start: date | None = None, days: int = UPCOMING_DAYS
) -> list[DayHours]:
    start = start or local_today()
    return [attraction_hours_on(attraction, start + timedelta(days=offset)) for offset in range(days)]


def themes_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def attraction_detail_by_id(*, pk: int, start: date | None = None, days: int = UPCOMING_DAYS) -> Attraction:
    """One published attraction with its weekly hours and the exceptions of the coming days.

    Raises ``Attraction.DoesNotExist`` for an unknown or unpublished id.
    """
    return _attractions_with_hours(start or local_today(), days).get(pk=pk)


def homestay_detail_by_id(*, pk: int) -> "WithAnnotations[Homestay, HomestayPrefetched]":
    """One published homestay with its bookable room types. Raises ``Homestay.DoesNotExist``."""
    return (
        homestays_published()
        .prefetch_related(
            Prefetch("room_types", queryset=_published_room_types(), to_attr="active_room_types")
        )
        .get(pk=pk)
    )


def route_detail_by_id(*, pk: int) -> Route:
    """One published route with its ordered stops; a stop's attraction comes with its village so that
    its page address and published state are known without more queries. Raises ``Route.DoesNotExist``."""
    stops = RouteStop.objects.select_related("attraction__village").order_by("position")
    return routes_published().prefetch_related(Prefetch("stops", queryset=stops)).get(pk=pk)


def routes_through(attraction: Attraction) -> QuerySet[Route]:
    """Published routes (of published villages) with a stop at this attraction, each with its village."""
    return routes_published().filter(stops__attraction=attraction).distinct()


# --- village news ----------------------------------------------------------------------------------

LATEST_NEWS = 3


def news_published(*, village: Village) -> QuerySet[News]:
    """The village's news the public may read: published, and its publication time has come. Newest
    first."""
    return News.objects.filter(
        village=village, status=News.Status.PUBLISHED, published_at__lte=timezone.now()
    ).order_by("-published_at", "-id")


def news_latest(*, village: Village, count: int = LATEST_NEWS) -> list[News]:
    return list(news_published(village=village)[:count])


def news_village(*, slug: str) -> Village:
    """A published village, for its news pages; ``Village.DoesNotExist`` otherwise."""
    return Village.objects.get(is_published=True, slug=slug)


def news_detail(*, village: Village, pk: int) -> News:
    """One piece of the village's published news; ``News.DoesNotExist`` for a draft, a future one or
    another village's."""
    return news_published(village=village).get(pk=pk)
