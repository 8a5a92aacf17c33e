"""Catalogue reads for the planner: what can be picked, and the picked places with their hours."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from villages.models import Attraction, OpeningException, Route, RouteStop, Village
from villages.selectors import VillageCounts, attractions_published, routes_published, villages_published

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PlannerVillage(VillageCounts):
    planner_attractions: list[Attraction]
    planner_routes: list[Route]


def planner_catalogue() -> "QuerySet[WithAnnotations[Village, PlannerVillage]]":
    """Published villages, each with its published attractions and routes (with their stops), for the
    planner's form. A fixed number of queries whatever the size of the catalogue."""
    stops = RouteStop.objects.select_related("attraction").order_by("position")
    return villages_published().prefetch_related(
        Prefetch(
            "attractions",
            queryset=Attraction.objects.filter(is_published=True).order_by("order", "id"),
            to_attr="planner_attractions",
        ),
        Prefetch(
            "routes",
            queryset=Route.objects.filter(is_published=True).prefetch_related(
                Prefetch("stops", queryset=stops)
            ),
            to_attr="planner_routes",
        ),
    )


@dataclass(frozen=True)
class Picked:
    """The published places found for the ids and slugs asked for; whatever is missing was not found."""

    attractions: dict[int, Attraction]
    villages: dict[str, Village]
    routes: dict[int, Route]

    def route_attractions(self, route_id: int) -> list[int]:
        return [
            stop.attraction_id
            for stop in self.routes[route_id].stops.all()
            if stop.attraction_id and stop.attraction_id in self.attractions
        ]


def places_picked(
    *, attraction_ids: set[int], village_slugs: set[str], route_ids: set[int], first_day: date, days: int
) -> Picked:
    """The published attractions (with their opening hours and the exceptions of the trip's days),
    villages and routes asked for. A route brings its published attractions along."""
    routes = {
        route.pk: route
        for route in routes_published()
        .filter(pk__in=route_ids)
        .prefetch_related(Prefetch("stops", queryset=RouteStop.objects.order_by("position")))
    }
    wanted = set(attraction_ids)
    for route in routes.values():
        wanted.update(stop.attraction_id for stop in route.stops.all() if stop.attraction_id)
    exceptions = OpeningException.objects.filter(
        date__gte=first_day, date__lt=first_day + timedelta(days=days)
    )
    attractions = {
        attraction.pk: attraction
        for attraction in attractions_published()
        .filter(pk__in=wanted)
        .prefetch_related("opening_hours", Prefetch("opening_exceptions", queryset=exceptions))
    }
    villages = {
        village.slug: village for village in Village.objects.filter(is_published=True, slug__in=village_slugs)
    }
    return Picked(attractions, villages, routes)


def villages_with_homestays() -> list[Village]:
    """Published villages that have a published homestay: where a night can be suggested."""
    return list(villages_published().filter(homestay_count__gt=0))
