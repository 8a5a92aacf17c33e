"""The trip solver: which stops to visit, in which order, on which day. Pure Python, no Django.

Input (``Problem``): a matrix of travel minutes between the start point and the stops, each stop's visit
duration and opening window on each day of the trip, the daily start and end (the time budget), which
stops are must-see, and whether the trip ends back at the start. Output (``Solution``): the visits in
order with their day and times, and the stops left out with the reason.

What is best, in this order: the most must-see stops, then the most stops, then the least travel. Up to
``EXACT_LIMIT`` stops the answer is provably optimal (``exact``); beyond, a strong heuristic decides.
"""

from dataclasses import dataclass
from enum import StrEnum

from tourism.planner.exact import solve_exact
from tourism.planner.heuristic import plan_musts, solve_heuristic
from tourism.planner.model import CLOSED, Finish, Model, Problem, Stop, Visit

__all__ = ["EXACT_LIMIT", "Dropped", "Finish", "Problem", "Reason", "Solution", "Stop", "Visit", "solve"]

EXACT_LIMIT = 9


class Reason(StrEnum):
    CLOSED = "closed"
    """Closed on every day of the trip."""
    HOURS = "hours"
    """Open, but never long enough for the visit within the day's start and end."""
    LONGER_THAN_DAY = "longer_than_day"
    """The visit fits its opening hours only when it starts right at the day's start: the shortest trip
    there, however short, leaves too little of the day (a 240-minute visit in a 240-minute day)."""
    TOO_FAR = "too_far"
    """No plan reaches it in time on a day it is open: not from the start, nor from any other stop."""
    NO_TIME = "no_time"
    """It would fit alone, but not with the stops that scored more."""


@dataclass(frozen=True)
class Dropped:
    stop: int
    reason: Reason


@dataclass(frozen=True)
class Solution:
    visits: tuple[Visit, ...]
    dropped: tuple[Dropped, ...]
    travel: int
    """Minutes of every leg, the way back to the start included."""
    finish: Finish
    exact: bool

    def days(self, count: int) -> list[list[Visit]]:
        days: list[list[Visit]] = [[] for _ in range(count)]
        for visit in self.visits:
            days[visit.day].append(visit)
        return days


def _reason(model: Model, node: int, ends: list[int]) -> Reason | None:
    """Why a stop cannot be part of any plan, or None when some plan can visit it (``ends``: the
    earliest end of a visit of each node, ``Model.earliest_ends``)."""
    stop = model.problem.stops[node - 1]
    if all(window is None for window in stop.windows):
        return Reason.CLOSED
    if all(latest == CLOSED for latest in model.latest[node]):
        return Reason.HOURS
    if ends[node] < 0:
        return _unreachable(model, node)
    if ends[node] > model.last_departure[node]:
        return Reason.TOO_FAR
    return None


def _unreachable(model: Model, node: int) -> Reason:
    """No plan gets to the stop in time: blame the visit's length when the shortest way there is no
    longer than the visit itself (3 minutes' drive to a visit that fills the day), else the distance."""
    shortest = min(model.minutes[other][node] for other in range(model.n + 1) if other != node)
    slack = max(
        latest - earliest
        for earliest, latest in zip(model.earliest[node], model.latest[node], strict=True)
        if latest != CLOSED
    )
    if slack < shortest <= model.visit[node]:
        return Reason.LONGER_THAN_DAY
    return Reason.TOO_FAR


def solve(problem: Problem, *, exact_limit: int = EXACT_LIMIT, seed: int = 0) -> Solution:
    model = Model(problem)
    ends = model.earliest_ends()
    reasons = {node: _reason(model, node, ends) for node in range(1, model.n + 1)}
    candidates = [node for node, reason in reasons.items() if reason is None]
    exact = len(candidates) <= exact_limit
    if exact:
        sub = _subproblem(problem, candidates)
        order = [candidates[node - 1] for node in solve_exact(Model(sub))]
    else:
        skeleton, spent = _must_skeleton(problem, model, candidates, exact_limit)
        order = solve_heuristic(model, candidates, seed=seed, skeleton=skeleton, spent=spent)
    visits = model.timetable(order)
    if visits is None:
        raise AssertionError("the search returned a plan that does not fit")
    last = visits[-1] if visits else None
    here = order[-1] if order else 0
    finish = model.finish(here, last.day if last else 0, last.end if last else model.day_start[0])
    if finish is None:
        raise AssertionError("the search returned a plan that cannot get back in time")
    chosen = set(order)
    dropped = tuple(
        Dropped(node - 1, reasons[node] or Reason.NO_TIME)
        for node in range(1, model.n + 1)
        if node not in chosen
    )
    return Solution(tuple(visits), dropped, model.travel(order), finish, exact)


def _must_skeleton(
    problem: Problem, model: Model, candidates: list[int], exact_limit: int
) -> tuple[list[int], int]:
    """The must-see stops planned alone (the same for every seed), and the search steps it took. When
    the search leaves one out and there are at most ``exact_limit`` of them, the exact search decides:
    then the plan has the most must-see stops any plan can have."""
    musts = [node for node in candidates if model.must[node]]
    skeleton, spent = plan_musts(model, musts)
    if len(skeleton) < len(musts) <= exact_limit:
        best = [musts[node - 1] for node in solve_exact(Model(_subproblem(problem, musts)))]
        if len(best) > len(skeleton):
            skeleton = best
    return skeleton, spent


def _subproblem(problem: Problem, nodes: list[int]) -> Problem:
    """The problem restricted to some stops (nodes), so the exact search spends nothing on the others."""
    keep = [0, *nodes]
    return Problem(
        minutes=[[problem.minutes[i][j] for j in keep] for i in keep],
        stops=[problem.stops[node - 1] for node in nodes],
        days=problem.days,
        return_to_start=problem.return_to_start,
    )
