"""``trip_plan``: a trip request in, a plan per day out (stops, times, legs, nights, what did not fit).

The catalogue gives the places and their hours on the trip's dates, the travel provider the minutes
and kilometres between them, the pure solver the order and days; this module turns its answer back
into dates and times in Beijing time and adds the homestays for the nights.

The solver's answer is cached (Django's cache) under its canonical query: the problem it is given, with
the stops in a fixed order (by kind and id), and the solver's source digest. The problem holds all the
answer depends on: the travel minutes (start point, stops' coordinates, mode), each stop's visit and
its windows on the trip's dates (the catalogue's hours and exceptions), the must-sees, the days' start
and end. The same trip asked in another order is the same problem; an edit of an attraction's hours or
place changes it, so the plan is computed again without a catalogue version. The homestays are not
cached: they follow the bookings.
"""

import hashlib
import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache as django_cache

from tourism.planner import native
from tourism.planner.events import EventPlace
from tourism.planner.model import Model
from tourism.planner.nights import Night, stays_for
from tourism.planner.solver import Dropped, Finish, Problem, Reason, Solution, Stop, Visit, solve
from tourism.planner.spread import spread
from tourism.planner.travel import Matrix, Mode, TravelProvider, travel_provider
from tourism.planner.trip import (
    PACE_VISIT_FACTOR,
    DayPlan,
    DroppedStop,
    Leg,
    Pace,
    PlannedStop,
    TripPlan,
    TripRequest,
    TripStop,
)
from villages.models import Attraction
from villages.selectors import DayHours, attraction_hours_on

TRIP_TIMEZONE = ZoneInfo("Asia/Shanghai")
TENTH = Decimal("0.1")


def visit_minutes(base: int, pace: str) -> int:
    """The visit at this pace, in steps of 5 minutes, at least 5."""
    minutes = Decimal(base) * PACE_VISIT_FACTOR[Pace(pace)] / 5
    return max(5, int(minutes.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 5)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _moment(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TRIP_TIMEZONE)


def _hours(stop: TripStop, dates: list[date]) -> list[DayHours | None]:
    place = stop.place
    if isinstance(place, EventPlace):
        return [place.hours_on(day) for day in dates]
    return [attraction_hours_on(place, day) if isinstance(place, Attraction) else None for day in dates]


def _window(hours: DayHours | None, day_window: tuple[int, int]) -> tuple[int, int] | None:
    if hours is None:
        return day_window
    if hours.opens is None or hours.closes is None:  # closed that day
        return None
    return (_minutes(hours.opens), _minutes(hours.closes))


def _leg(matrix: Matrix, origin: int, destination: int) -> Leg:
    km = Decimal(str(matrix.km[origin][destination])).quantize(TENTH, rounding=ROUND_HALF_UP)
    return Leg(km, matrix.minutes[origin][destination])


PLAN_CACHE_SECONDS = 7 * 24 * 3600
"""How long a solver's answer stays cached (``PLANNER_CACHE_SECONDS``); 0 turns the cache off."""


@cache
def _solver_digest() -> str:
    """Of the solver's sources: a new solver does not answer from the plans of an older one."""
    return hashlib.sha256((native.digest() + (native.HERE / "solver.py").read_text()).encode()).hexdigest()


def plan_key(problem: Problem) -> str:
    """The cache key of a problem: a digest of everything the solver's answer depends on."""
    body = json.dumps(
        [
            _solver_digest(),
            problem.minutes,
            [(stop.visit, stop.windows, stop.must) for stop in problem.stops],
            problem.days,
            problem.return_to_start,
        ],
        separators=(",", ":"),
    )
    return f"planner:plan:{hashlib.sha256(body.encode()).hexdigest()}"


def solve_cached(problem: Problem) -> Solution:
    """``solve``, or its answer for the same problem from the cache."""
    seconds = getattr(settings, "PLANNER_CACHE_SECONDS", PLAN_CACHE_SECONDS)
    key = plan_key(problem)
    kept = django_cache.get(key) if seconds else None
    if kept is not None:
        visits, dropped, travel, finish, exact = kept
        return Solution(
            tuple(Visit(*visit) for visit in visits),
            tuple(Dropped(stop, Reason(reason)) for stop, reason in dropped),
            travel,
            Finish(*finish),
            exact,
        )
    solution = solve(problem)
    if seconds:
        kept = (
            [(v.stop, v.day, v.arrival, v.start, v.end) for v in solution.visits],
            [(d.stop, str(d.reason)) for d in solution.dropped],
            solution.travel,
            (solution.finish.day, solution.finish.departure, solution.finish.arrival),
            solution.exact,
        )
        django_cache.set(key, kept, seconds)
    return solution


def _identity(stop: TripStop) -> tuple[str, str]:
    """The canonical order of the stops: attractions by id, then event slots by id, then villages by
    slug."""
    if stop.is_village:
        return ("village", str(stop.place.slug))
    if stop.is_event:
        return ("event", f"{stop.place.pk:020d}")
    return ("attraction", f"{stop.place.pk:020d}")


def _days(
    trip: TripRequest, stops: list[TripStop], solution: Solution, matrix: Matrix, hours, dates
) -> list[DayPlan]:
    start_minutes = _minutes(trip.day_start)
    days = [
        DayPlan(
            number=index + 1,
            date=day,
            starts_from=str(trip.start.name),
            starts_at=_moment(day, start_minutes),
            stops=[],
        )
        for index, day in enumerate(dates)
    ]
    here, name = 0, str(trip.start.name)
    for visit in solution.visits:
        node, stop = visit.stop + 1, stops[visit.stop]
        day = days[visit.day]
        day.stops.append(
            PlannedStop(
                stop=stop,
                leg=_leg(matrix, here, node),
                arrival=_moment(day.date, visit.arrival),
                start=_moment(day.date, visit.start),
                departure=_moment(day.date, visit.end),
                hours=hours[visit.stop][visit.day],
            )
        )
        here, name = node, str(stop.place.name)
        for later in days[visit.day + 1 :]:
            later.starts_from = name
    if trip.return_to_start:
        finish = days[solution.finish.day]
        finish.back = _leg(matrix, here, 0)
        finish.back_arrival = _moment(finish.date, solution.finish.arrival)
    return days


def _nights(trip: TripRequest, days: list[DayPlan]) -> list[Night]:
    """Where each night but the last day's is spent: at the last stop so far, or the start point."""
    nights = []
    near, point = str(trip.start.name), trip.start.coordinates
    last_day = days[-1].number
    if trip.return_to_start:
        last_day = next((day.number for day in days if day.back is not None), last_day)
    for day in days[: last_day - 1]:
        if day.stops:
            near, point = str(day.stops[-1].stop.place.name), day.stops[-1].stop.coordinates
        nights.append(Night(day.date, near, point))
    return nights


def trip_plan(*, trip: TripRequest, provider: TravelProvider | None = None) -> TripPlan:
    """The best plan for the trip: the most must-see stops, then the most stops, then the least travel,
    within the opening hours of the actual dates and the daily start and end."""
    provider = provider or travel_provider()
    dates = [trip.first_day + timedelta(days=offset) for offset in range(trip.days)]
    stops = sorted(trip.stops, key=_identity)
    matrix = provider.matrix([trip.start.coordinates, *(stop.coordinates for stop in stops)], Mode(trip.mode))
    day_window = (_minutes(trip.day_start), _minutes(trip.day_end))
    hours = [_hours(stop, dates) for stop in stops]
    problem = Problem(
        minutes=matrix.minutes,
        stops=[
            Stop(stop.visit_minutes, tuple(_window(h, day_window) for h in stop_hours), stop.must)
            for stop, stop_hours in zip(stops, hours, strict=True)
        ],
        days=[day_window] * trip.days,
        return_to_start=trip.return_to_start,
    )
    solution = solve_cached(problem)
    if trip.pace != Pace.PACKED:
        visits, finish = spread(Model(problem), solution.visits, solution.finish)
        solution = replace(solution, visits=tuple(visits), finish=finish)
    days = _days(trip, stops, solution, matrix, hours, dates)
    stays = stays_for(_nights(trip, days), guests=trip.guests, rooms=trip.rooms)
    for stay in stays:
        for day in days:
            if stay.check_in <= day.date < stay.check_out:
                day.stay = stay
    return TripPlan(
        request=trip,
        days=days,
        dropped=[DroppedStop(stops[dropped.stop], dropped.reason) for dropped in solution.dropped],
        stays=stays,
        travel_source=matrix.source,
        travel_estimated=matrix.estimated,
        exact=solution.exact,
    )
