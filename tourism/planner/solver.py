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
from tourism.planner.heuristic import solve_heuristic
from tourism.planner.model import CLOSED, Finish, Model, Problem, Stop, Visit

__all__ = ["EXACT_LIMIT", "Dropped", "Finish", "Problem", "Reason", "Solution", "Stop", "Visit", "solve"]

EXACT_LIMIT = 9


class Reason(StrEnum):
    CLOSED = "closed"
    """Closed on every day of the trip."""
    HOURS = "hours"
    """Open, but never long enough for the visit within the day's start and end."""
    TOO_FAR = "too_far"
    """Even alone, it cannot be reached and visited within a day of the trip."""
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


def _reason(model: Model, node: int) -> Reason | None:
    """Why a stop cannot be part of any plan, or None when it fits on its own."""
    stop = model.problem.stops[node - 1]
    if all(window is None for window in stop.windows):
        return Reason.CLOSED
    if all(latest == CLOSED for latest in model.latest[node]):
        return Reason.HOURS
    if model.timetable([node]) is None:
        return Reason.TOO_FAR
    return None


def solve(problem: Problem, *, exact_limit: int = EXACT_LIMIT, seed: int = 0) -> Solution:
    model = Model(problem)
    reasons = {node: _reason(model, node) for node in range(1, model.n + 1)}
    candidates = [node for node, reason in reasons.items() if reason is None]
    exact = len(candidates) <= exact_limit
    if exact:
        sub = _subproblem(problem, candidates)
        order = [candidates[node - 1] for node in solve_exact(Model(sub))]
    else:
        order = solve_heuristic(model, candidates, seed=seed)
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


def _subproblem(problem: Problem, nodes: list[int]) -> Problem:
    """The problem restricted to some stops (nodes), so the exact search spends nothing on the others."""
    keep = [0, *nodes]
    return Problem(
        minutes=[[problem.minutes[i][j] for j in keep] for i in keep],
        stops=[problem.stops[node - 1] for node in nodes],
        days=problem.days,
        return_to_start=problem.return_to_start,
    )
