"""Catalogue pages: the village list, a village, and its attractions, homestays and routes.

Each view reads through one selector (everything prefetched) and renders. The map of a page is a dict
``{"markers": [...], "lines": [...]}`` passed to the template with ``json_script``; the same markers
are listed as text on the page, so nothing depends on the map loading.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from common.clock import local_today
from villages import fragments, selectors
from villages.models import Attraction, Homestay, News, Route, Village
from villages.photos.thumbnails import image_url
from villages.sections import village_sections

THEME_PARAMETER_MAX_LENGTH = 50


@dataclass(frozen=True)
class AttractionWeek:
    """An attraction with its hours for the coming days; ``days[0]`` is today (Asia/Shanghai)."""

    attraction: Attraction
    days: list[selectors.DayHours]

    @property
    def today(self) -> selectors.DayHours:
        return self.days[0]


def map_marker(obj, *, kind: str, label: str, url: str = "") -> dict:
    return {
        "kind": kind,
        "label": str(label),
        "name": str(obj.name),
        "lat": float(obj.latitude),
        "lng": float(obj.longitude),
        "url": url,
    }


def village_marker(village: Village) -> dict:
    return map_marker(village, kind="village", label=_("村庄"), url=village.get_absolute_url())


def _path_points(path) -> list[list[float]]:
    """``[[lat, lng], ...]`` from the JSON typed in the admin; what is not a pair of numbers is skipped."""
    points = []
    for point in path if isinstance(path, list) else []:
        try:
            latitude, longitude = (float(value) for value in point)
        except (TypeError, ValueError):
            continue
        points.append([latitude, longitude])
    return points


def route_points(route: Route) -> list[list[float]]:
    """The line of a route: its drawn ``path`` when set, else its stops joined in order."""
    return _path_points(route.path) or [list(stop.coordinates) for stop in route.stops.all()]


def route_line(route: Route, *, village_slug: str) -> dict:
    url = reverse("villages:route_detail", kwargs={"village_slug": village_slug, "slug": route.slug})
    return {
        "name": str(route.name),
        "label": route.get_mode_display(),
        "url": url,
        "points": route_points(route),
    }


def _attraction_url(village_slug: str, attraction: Attraction) -> str:
    return reverse(
        "villages:attraction_detail", kwargs={"village_slug": village_slug, "slug": attraction.slug}
    )


def _homestay_url(village_slug: str, homestay: Homestay) -> str:
    return reverse("villages:homestay_detail", kwargs={"village_slug": village_slug, "slug": homestay.slug})


def _week(attraction: Attraction, today: date) -> AttractionWeek:
    return AttractionWeek(attraction, selectors.attraction_upcoming_hours(attraction, start=today))


def village_list(request):
    themes = list(selectors.themes_list())
    requested = request.GET.get("theme", "").strip()[:THEME_PARAMETER_MAX_LENGTH]
    theme = next((candidate for candidate in themes if candidate.slug == requested), None)
    villages = selectors.villages_published(theme=theme.slug if theme else None)
    return render(
        request,
        "villages/village_list.html",
        {
            "villages": villages,
            "themes": themes,
            "theme": theme,
            "unknown_theme": requested if requested and theme is None else "",
        },
    )


def _village_page(slug: str, today: date) -> dict:
    """The parts of a village page that are the same for everyone: its title, description and content."""
    village = selectors.village_detail(slug=slug, start=today)
    attractions = [_week(attraction, today) for attraction in village.published_attractions]
    map_data = {
        "markers": [
            village_marker(village),
            *(
                map_marker(a, kind="attraction", label=a.get_kind_display(), url=_attraction_url(slug, a))
                for a in village.published_attractions
            ),
            *(
                map_marker(h, kind="homestay", label=_("民宿"), url=_homestay_url(slug, h))
                for h in village.published_homestays
            ),
        ],
        "lines": [route_line(route, village_slug=slug) for route in village.published_routes],
    }
    content = render_to_string(
        "villages/village_detail.html#content",
        {
            "village": village,
            "attractions": attractions,
            "latest_news": selectors.news_latest(village=village),
            "sections": village_sections(slug, today),
            "map_data": map_data,
            "MAP_TILE_URL": settings.MAP_TILE_URL,
            "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        },
    )
    cover = next(iter(village.photos.all()), None)
    return {
        "title": str(village.name),
        "description": str(village.summary),
        "content": content,
        # The share card's picture (a path; the page makes it a full URL): the village's cover.
        "image": image_url(cover.image, "share") if cover is not None else "",
    }


def village_detail(request, slug: str):
    """The page's content is a cached fragment (``villages.fragments``): rendered once per village,
    language and day until the catalogue changes; only the site's frame around it is per request."""
    today = local_today()
    try:
        page = fragments.fragment_cached("village", slug, today, build=lambda: _village_page(slug, today))
    except Village.DoesNotExist:
        raise Http404(_("找不到这个村庄，它可能还没有发布。")) from None
    return render(request, "villages/village_detail.html", {"page": page})


def attraction_detail(request, village_slug: str, slug: str):
    today = local_today()
    try:
        attraction = selectors.attraction_detail(village_slug=village_slug, slug=slug, start=today)
    except Attraction.DoesNotExist:
        raise Http404(_("找不到这个景点，它可能还没有发布。")) from None
    map_data = {
        "markers": [
            map_marker(attraction, kind="attraction", label=attraction.get_kind_display()),
            village_marker(attraction.village),
        ],
        "lines": [],
    }
    return render(
        request,
        "villages/attraction_detail.html",
        {
            "attraction": attraction,
            "village": attraction.village,
            "week": _week(attraction, today),
            "routes": selectors.routes_through(attraction),
            "map_data": map_data,
        },
    )


STAY_KEYS = ("check_in", "check_out", "guests", "rooms")


def homestay_detail(request, village_slug: str, slug: str):
    try:
        homestay = selectors.homestay_detail(village_slug=village_slug, slug=slug)
    except Homestay.DoesNotExist:
        raise Http404(_("找不到这家民宿，它可能还没有发布。")) from None
    map_data = {
        "markers": [map_marker(homestay, kind="homestay", label=_("民宿")), village_marker(homestay.village)],
        "lines": [],
    }
    # Dates and party size a visitor arrives with (from the trip planner or a search) go on to booking.
    stay = {key: request.GET[key] for key in STAY_KEYS if request.GET.get(key)}
    return render(
        request,
        "villages/homestay_detail.html",
        {
            "homestay": homestay,
            "village": homestay.village,
            "map_data": map_data,
            "stay_query": urlencode(stay),
        },
    )


def route_detail(request, village_slug: str, slug: str):
    try:
        route = selectors.route_detail(village_slug=village_slug, slug=slug)
    except Route.DoesNotExist:
        raise Http404(_("找不到这条线路，它可能还没有发布。")) from None
    stops = []
    markers = []
    for stop in route.stops.all():
        url = ""
        attraction = stop.attraction
        if attraction is not None and attraction.is_published and attraction.village_id == route.village_id:
            url = _attraction_url(village_slug, attraction)
        latitude, longitude = stop.coordinates
        stops.append({"stop": stop, "url": url})
        markers.append(
            {
                "kind": "stop",
                "label": _("第 %(position)d 站") % {"position": len(stops)},
                "name": str(stop.display_name),
                "lat": latitude,
                "lng": longitude,
                "url": url,
            }
        )
    map_data = {"markers": markers, "lines": [route_line(route, village_slug=village_slug)]}
    return render(
        request,
        "villages/route_detail.html",
        {
            "route": route,
            "village": route.village,
            "stops": stops,
            "map_data": map_data,
            "share_photo": selectors.route_cover(route),
        },
    )


NEWS_PER_PAGE = 20


def _news_village(slug: str) -> Village:
    try:
        return selectors.news_village(slug=slug)
    except Village.DoesNotExist:
        raise Http404(_("找不到这个村庄，它可能还没有发布。")) from None


def news_list(request, slug: str):
    village = _news_village(slug)
    news = selectors.news_published(village=village)
    page = Paginator(news, NEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "villages/news_list.html", {"village": village, "page": page})


def news_detail(request, slug: str, pk: int):
    village = _news_village(slug)
    try:
        news = selectors.news_detail(village=village, pk=pk)
    except News.DoesNotExist:
        raise Http404(_("找不到这条动态，它可能还没有发布。")) from None
    return render(request, "villages/news_detail.html", {"village": village, "news": news})
