"""The planning problem and how a visiting order becomes a timetable. Pure Python, no Django.

Node 0 is the start point; node ``k`` (1..n) is ``stops[k - 1]``. Times are minutes since midnight of
their day. The trip starts at node 0 when day 0 starts. A visit starts inside the stop's opening window
of that day and ends by its closing time and by the end of the day. The night is spent where the day's
last visit ended, and the next day starts from there.

Being somewhere earlier never hurts (one may always wait or sleep), so for a given visiting order the
best timetable visits each stop at the earliest moment it can: on the same day if the stop still fits,
else on the first later day it fits. A plan is therefore just an order of stops; its days and times
follow, and its travel is the sum of the legs along it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

DAY_SPAN: Final = 2048
"""Days times this plus the minutes of the day orders moments across days (a day has 1,440 minutes)."""

CLOSED: Final = -1
"""Latest start on a day a stop cannot be visited: no start time is at or below it."""


@dataclass(frozen=True)
class Stop:
    visit: int
    """Minutes spent there."""
    windows: tuple[tuple[int, int] | None, ...]
    """Per day of the trip: (opens, closes) in minutes since midnight, or None when closed that day."""
    must: bool = False


@dataclass(frozen=True)
class Problem:
    minutes: Sequence[Sequence[int]]
    """Travel minutes, a square matrix over the start (row and column 0) and the stops in order."""
    stops: Sequence[Stop]
    days: Sequence[tuple[int, int]]
    """(start, end) of each day in minutes since midnight: the daily time budget."""
    return_to_start: bool = False

    def __post_init__(self) -> None:
        size = len(self.stops) + 1
        if len(self.minutes) != size or any(len(row) != size for row in self.minutes):
            raise ValueError(f"minutes must be a {size}x{size} matrix")
        if not self.days:
            raise ValueError("a trip has at least one day")
        if any(not 0 <= start < end < DAY_SPAN for start, end in self.days):
            raise ValueError("each day must start before it ends")
        for stop in self.stops:
            if stop.visit < 0 or len(stop.windows) != len(self.days):
                raise ValueError("each stop needs a visit of 0 minutes or more and a window per day")


@dataclass(frozen=True)
class Visit:
    stop: int
    """Index into ``Problem.stops``."""
    day: int
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class Finish:
    """The way back to the start point when the trip ends there."""

    day: int
    departure: int
    arrival: int


class Model:
    """A problem compiled into flat lists for the searches: ``earliest[j][d]`` / ``latest[j][d]`` are the
    first and last minute a visit of node ``j`` may start on day ``d`` (``latest`` is ``CLOSED`` when it
    cannot be visited that day)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.n = len(problem.stops)
        self.day_count = len(problem.days)
        self.minutes = [list(row) for row in problem.minutes]
        self.day_start = [start for start, _end in problem.days]
        self.day_end = [end for _start, end in problem.days]
        self.visit = [0, *[stop.visit for stop in problem.stops]]
        self.must = [False, *[stop.must for stop in problem.stops]]
        self.returns = problem.return_to_start
        self.earliest: list[list[int]] = [[0] * self.day_count]
        self.latest: list[list[int]] = [[CLOSED] * self.day_count]
        for stop in problem.stops:
            earliest, latest = [], []
            for day, window in enumerate(stop.windows):
                if window is None:
                    earliest.append(0)
                    latest.append(CLOSED)
                    continue
                opens = max(window[0], self.day_start[day])
                last = min(window[1], self.day_end[day]) - stop.visit
                earliest.append(opens)
                latest.append(last if last >= opens else CLOSED)
            self.earliest.append(earliest)
            self.latest.append(latest)
        self.last_departure = [self._last_departure(node) for node in range(self.n + 1)]
        """Per node: the latest moment (``day * DAY_SPAN + minute``) one may leave it as the last stop and
        still ``finish``; -1 when one never can."""

    def start(self, node: int, day: int, time: int, travel: int) -> int:
        """The earliest moment (``day * DAY_SPAN + minute``) a visit of ``node`` can start, leaving on
        ``day`` at ``time`` from ``travel`` minutes away: that day if it still fits, else from the
        morning of the first later day it fits; -1 when none does."""
        earliest, latest = self.earliest[node], self.latest[node]
        start = time + travel
        if earliest[day] > start:
            start = earliest[day]
        if start <= latest[day]:
            return day * DAY_SPAN + start
        for later in range(day + 1, self.day_count):
            start = self.day_start[later] + travel
            if earliest[later] > start:
                start = earliest[later]
            if start <= latest[later]:
                return later * DAY_SPAN + start
        return -1

    def place(self, here: int, day: int, time: int, node: int) -> tuple[int, int, int] | None:
        """Leaving ``here`` on ``day`` at ``time``: the (day, arrival, start) of the visit of ``node``."""
        travel = self.minutes[here][node]
        moment = self.start(node, day, time, travel)
        if moment < 0:
            return None
        visit_day = moment // DAY_SPAN
        arrival = time + travel if visit_day == day else self.day_start[visit_day] + travel
        return visit_day, arrival, moment % DAY_SPAN

    def finish(self, here: int, day: int, time: int) -> Finish | None:
        """The trip's end: back to the start point when asked, else right after the last visit."""
        if not self.returns:
            return Finish(day, time, time)
        travel = self.minutes[here][0]
        if time + travel <= self.day_end[day]:
            return Finish(day, time, time + travel)
        for later in range(day + 1, self.day_count):
            if self.day_start[later] + travel <= self.day_end[later]:
                return Finish(later, self.day_start[later], self.day_start[later] + travel)
        return None

    def earliest_ends(self) -> list[int]:
        """Per node: the earliest moment (``day * DAY_SPAN + minute``) a visit of it can end in any plan,
        -1 when no plan reaches it in time. Leaving earlier never makes a visit start later, so the
        earliest way to a stop never visits another stop twice and is found as a shortest path
        (Dijkstra's): a stop too far from the start may still be reached from a night near it."""
        n = self.n
        best = [-1] * (n + 1)
        best[0] = self.day_start[0]
        done = [False] * (n + 1)
        while True:
            here = -1
            for node in range(n + 1):
                if not done[node] and best[node] >= 0 and (here < 0 or best[node] < best[here]):
                    here = node
            if here < 0:
                return best
            done[here] = True
            day, time = best[here] // DAY_SPAN, best[here] % DAY_SPAN
            row = self.minutes[here]
            for node in range(1, n + 1):
                if done[node]:
                    continue
                moment = self.start(node, day, time, row[node])
                if moment >= 0 and (best[node] < 0 or moment + self.visit[node] < best[node]):
                    best[node] = moment + self.visit[node]

    def _last_departure(self, here: int) -> int:
        if not self.returns:
            return (self.day_count - 1) * DAY_SPAN + DAY_SPAN - 1
        travel = self.minutes[here][0]
        for day in range(self.day_count - 1, -1, -1):
            if self.day_end[day] - travel >= self.day_start[day]:
                return day * DAY_SPAN + self.day_end[day] - travel
        return -1

    def timetable(self, order: Sequence[int]) -> list[Visit] | None:
        """The earliest timetable of the nodes in ``order``, or None when it does not fit the trip."""
        visits = []
        here, day, time = 0, 0, self.day_start[0]
        for node in order:
            placed = self.place(here, day, time, node)
            if placed is None:
                return None
            day, arrival, start = placed
            time = start + self.visit[node]
            visits.append(Visit(node - 1, day, arrival, start, time))
            here = node
        if self.finish(here, day, time) is None:
            return None
        return visits

    def travel(self, order: Sequence[int]) -> int:
        total, here = 0, 0
        for node in order:
            total += self.minutes[here][node]
            here = node
        return total + (self.minutes[here][0] if self.returns else 0)

    def score(self, nodes) -> tuple[int, int]:
        """(must-see stops, all stops) among ``nodes``: what the plan maximises before less travel."""
        musts = sum(1 for node in nodes if self.must[node])
        return musts, len(nodes)
