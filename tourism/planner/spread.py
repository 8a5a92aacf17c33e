"""Spreading a plan over the days asked for. Pure Python, no Django.

The solver chooses the stops and their order (the most must-sees, the most stops, the least travel) and
times each visit at its earliest moment, so a trip whose stops fit in one day puts them all on day 1 and
leaves the other days empty. At a balanced or relaxed pace the same stops, in the same order (so the
same travel), are cut into one run per day with the days' loads (legs and visits) as even as possible;
each cut is tried on the real timetable (opening hours of each date, the days' start and end, the way
back), the most even cut that fits is taken, and when none fits the solver's own timetable stays. No
stop is ever dropped or added here.
"""

from collections.abc import Sequence
from itertools import accumulate, combinations, pairwise
from math import comb

from tourism.planner.model import Finish, Model, Visit

TRIED_CUTS = 500
"""At most this many ways to cut a plan into days are tried before giving up on that many days."""


def _timetable(model: Model, order: Sequence[int], cuts: set[int]) -> tuple[list[Visit], Finish] | None:
    """The earliest timetable of ``order`` where the stops at the indices in ``cuts`` start a new day."""
    visits = []
    here, day, time = 0, 0, model.day_start[0]
    for index, node in enumerate(order):
        if index in cuts:
            if day + 1 >= model.day_count:
                return None
            day, time = day + 1, model.day_start[day + 1]
        placed = model.place(here, day, time, node)
        if placed is None:
            return None
        day, arrival, start = placed
        time = start + model.visit[node]
        visits.append(Visit(node - 1, day, arrival, start, time))
        here = node
    finish = model.finish(here, day, time)
    return None if finish is None else (visits, finish)


def _even_cuts(loads: list[int], runs: int) -> set[int]:
    """Where to cut ``loads`` into ``runs`` consecutive non-empty runs with the least sum of squared run
    loads (the most even days)."""
    count = len(loads)
    prefix = [0]
    for load in loads:
        prefix.append(prefix[-1] + load)
    infinity = float("inf")
    best = [[infinity] * (count + 1) for _ in range(runs + 1)]
    back = [[0] * (count + 1) for _ in range(runs + 1)]
    best[0][0] = 0
    for run in range(1, runs + 1):
        for end in range(run, count + 1):
            for begin in range(run - 1, end):
                total = prefix[end] - prefix[begin]
                cost = best[run - 1][begin] + total * total
                if cost < best[run][end]:
                    best[run][end], back[run][end] = cost, begin
    cuts, end = set(), count
    for run in range(runs, 0, -1):
        begin = back[run][end]
        if begin:
            cuts.add(begin)
        end = begin
    return cuts


def spread(model: Model, visits: Sequence[Visit], finish: Finish) -> tuple[list[Visit], Finish]:
    """The visits spread over the trip's days as evenly as their hours allow (see the module)."""
    order = [visit.stop + 1 for visit in visits]
    used_days = len({visit.day for visit in visits})
    if len(order) < 2 or model.day_count < 2 or used_days >= min(len(order), model.day_count):
        return list(visits), finish
    loads, here = [], 0
    for node in order:
        loads.append(model.minutes[here][node] + model.visit[node])
        here = node
    for runs in range(min(len(order), model.day_count), used_days, -1):
        for cuts in _cuts_most_even_first(loads, runs):
            timed = _timetable(model, order, cuts)
            if timed is not None:
                return timed
    return list(visits), finish


def _cuts_most_even_first(loads: list[int], runs: int):
    """The most even cut first; then, while there are few enough to try (``TRIED_CUTS``), every other
    cut into ``runs`` runs from the most even to the least (a stop closed on the day the most even cut
    gives it may fit with another)."""
    best = _even_cuts(loads, runs)
    yield best
    if comb(len(loads) - 1, runs - 1) > TRIED_CUTS:
        return
    prefix = list(accumulate(loads, initial=0))

    def unevenness(cuts: tuple[int, ...]) -> int:
        edges = (0, *cuts, len(loads))
        return sum((prefix[b] - prefix[a]) ** 2 for a, b in pairwise(edges))

    for cuts in sorted(combinations(range(1, len(loads)), runs - 1), key=unevenness):
        if set(cuts) != best:
            yield set(cuts)
