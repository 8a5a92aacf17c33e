"""The trip planner page (a GET form: the address is the plan, to share or bookmark) and its .ics."""

from dataclasses import dataclass, field

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from events.models import TicketSlot
from tourism.planner.events import event_slots_to_pick
from tourism.planner.forms import TripForm
from tourism.planner.ics import plan_calendar
from tourism.planner.places import START_PRESETS
from tourism.planner.selectors import planner_catalogue
from tourism.planner.services import trip_plan
from tourism.planner.trip import TripPlan
from villages.models import Attraction, Photo, Route, Village


@dataclass
class Pick:
    place: Attraction | Village | Route
    picked: bool = False
    must: bool = False
    names: list[str] = field(default_factory=list)
    """For a route: its published attractions in order."""


@dataclass
class VillagePicks:
    village: Pick
    attractions: list[Pick] = field(default_factory=list)
    routes: list[Pick] = field(default_factory=list)

    @property
    def ticked(self) -> int:
        """How many of the group's places (the village itself, its attractions, its routes) are ticked:
        a group with any is shown open."""
        return sum(pick.picked or pick.must for pick in [self.village, *self.attractions, *self.routes])


def _picks(form: TripForm) -> list[VillagePicks]:
    """The catalogue with what the request ticked, to draw the checkboxes."""
    data = form.data
    chosen = {
        name: set(data.getlist(name)) if isinstance(data, MultiValueDict) else set() for name in form.fields
    }
    rows = []
    for village in planner_catalogue():
        row = VillagePicks(
            Pick(village, village.slug in chosen["village"], village.slug in chosen["must_village"])
        )
        for attraction in village.planner_attractions:
            pk = str(attraction.pk)
            row.attractions.append(
                Pick(attraction, pk in chosen["attraction"], pk in chosen["must_attraction"])
            )
        for route in village.planner_routes:
            names = [
                str(stop.attraction.name)
                for stop in route.stops.all()
                if stop.attraction is not None and stop.attraction.is_published
            ]
            row.routes.append(Pick(route, str(route.pk) in chosen["route"], names=names))
        rows.append(row)
    return rows


@dataclass
class EventPick:
    slot: TicketSlot
    picked: bool


def _event_picks(form: TripForm) -> list[EventPick]:
    chosen = set(form.data.getlist("event_slot")) if isinstance(form.data, MultiValueDict) else set()
    return [EventPick(slot, str(slot.pk) in chosen) for slot in event_slots_to_pick()]


def _point(place) -> dict:
    return {"name": str(place.name), "lat": float(place.latitude), "lng": float(place.longitude)}


def map_data(plan: TripPlan) -> dict:
    """``{"start": point, "days": [{label, points, stops: [point + url, order]}], "nights": [point]}``."""
    start = plan.request.start
    days, here = [], [float(start.latitude), float(start.longitude)]
    for day in plan.days:
        points = [here]
        stops = []
        for order, planned in enumerate(day.stops, start=1):
            here = list(planned.stop.coordinates)
            points.append(here)
            stops.append(
                {**_point(planned.stop.place), "url": planned.stop.place.get_absolute_url(), "order": order}
            )
        if day.back:
            points.append([float(start.latitude), float(start.longitude)])
        label = _("第%(number)s天") % {"number": day.number}
        days.append({"label": label, "points": points if stops or day.back else [], "stops": stops})
    nights = [
        {**_point(stay.village), "url": stay.village.get_absolute_url()}
        for stay in plan.stays
        if stay.village is not None
    ]
    return {"start": _point(start), "days": days, "nights": nights}


def share_photo(plan: TripPlan) -> Photo | None:
    """The plan's share card picture: the cover of its first stop that has one (an event's village's)."""
    for day in plan.days:
        for planned in day.stops:
            place = planned.stop.place
            subject = place if isinstance(place, Attraction | Village) else planned.stop.village
            cover = subject.photos.first()
            if cover is not None:
                return cover
    return None


def pick_map_data(rows: list[VillagePicks]) -> dict:
    """The places shown on the map where a start point can be picked."""
    return {
        "presets": [{**_point(place), "code": code} for code, place in START_PRESETS.items()],
        "villages": [_point(row.village.place) for row in rows],
    }


def plan(request):
    form = TripForm(request.GET or None)
    trip = None
    if form.is_bound and form.is_valid():
        trip = trip_plan(trip=form.cleaned_data["trip"])
    rows = _picks(form)
    context = {
        "form": form,
        "rows": rows,
        "event_picks": _event_picks(form),
        "plan": trip,
        "pick_map": pick_map_data(rows),
    }
    if trip is not None:
        query = trip.request.query()
        context |= {
            "share_url": request.build_absolute_uri(f"{reverse('planner:plan')}?{query}"),
            "ics_url": f"{reverse('planner:plan_ics')}?{query}",
            "plan_map": map_data(trip),
            "share_photo": share_photo(trip),
            # The share card's description: each day with a visit and its stops.
            "share_days": [day for day in trip.days if day.stops],
        }
    return render(request, "planner/plan.html", context)


def plan_ics(request):
    form = TripForm(request.GET or None)
    if not form.is_valid():
        messages = [f"{name}: {error}" for name, errors in form.errors.items() for error in errors]
        return HttpResponseBadRequest("\n".join(messages), content_type="text/plain; charset=utf-8")
    trip = trip_plan(trip=form.cleaned_data["trip"])
    query = trip.request.query()
    body = plan_calendar(
        trip,
        plan_url=request.build_absolute_uri(f"{reverse('planner:plan')}?{query}"),
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = f"lishi-trip-{trip.request.first_day:%Y-%m-%d}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
