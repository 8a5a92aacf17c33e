"""Search for larger trips: insertion with time-window checks, local search, and ruin-and-recreate.

The plan is a path ``[0, stops..., END]``; ``END`` is a virtual node whose leg costs the way back to
the start when the trip returns there and nothing otherwise. A move replaces ``path[a:b]`` by other
nodes. Its travel change is computed first, in constant time, and only a move that pays is checked
against the time windows: the new stops are timed from ``a``, then the stop at ``b`` must start by its
latest start, computed backwards once per plan, for the rest to fit (``latest_starts``).

Starts: a sweep forward in time (the next stop that can be visited soonest) or random insertion.
Local search: relocate a run of 1-3 stops next to a near stop (also reversed), reverse a stretch
(2-opt), swap two stops, add stops that fit, replace a stop by an unvisited one that scores better. Only
moves touching a stop whose surroundings changed are tried ("don't look" marks). Then rounds of removing
a few stops and inserting them again (ruin and recreate), accepting a slightly longer plan early on.
The search stops after a number of steps, not after a time: the result depends only on the problem
and the seed, never on the machine's speed or load.
"""

import random

from tourism.planner.model import CLOSED, DAY_SPAN, Model

STARTS = 3
SWEEPS = 2
"""Starts built by a sweep forward in time, with these weights of waiting and closing soon; the others
insert the stops in random order."""
SWEEP_WEIGHTS = [(1.0, 0.0), (0.5, 0.2)]
WORK_PER_STOP = 12_000
"""Steps (see ``Search.work``) for the whole search, per stop: about 0.15 s for 40 stops on one core."""
SEGMENT = 3
"""Longest run of stops the relocate move moves."""
NEIGHBOURS = 15
"""A stop is only moved next to one of its nearest stops (a move that joins far stops rarely pays)."""
RUIN_MAX = 12
"""Most stops taken out in one round of ruin and recreate."""
THRESHOLD = 0.02
"""A round may make the travel this much longer at first; the allowance shrinks to nothing."""


class Search:
    def __init__(
        self, model: Model, candidates: list[int], near: dict[int, list[int]], rng: random.Random
    ) -> None:
        self.model = model
        self.candidates = candidates
        self.near = near
        self.rng = rng
        self.end_node = model.n + 1
        back = model.returns
        self.minutes = [[*row, row[0] if back else 0] for row in model.minutes]
        self.minutes.append([0] * (model.n + 2))
        self.path = [0, self.end_node]
        self.dirty: set[int] = set()
        self.work = 0
        """Steps done, counted by the same rule on any machine: the search stops on it, not on a clock."""
        self.thorough = True
        """Try every place for a must-see stop that is left out; the rounds only try near places."""
        self._rebuild()

    # --- the plan and its timetable -------------------------------------------------------------

    def _rebuild(self) -> None:
        """The timetable of the path. A stop that no longer fits is left out: taking a stop out can
        make a plan longer when the travel times break the triangle inequality (rounding, real roads)."""
        model = self.model
        self.work += 4 * len(self.path)
        path, days, ends = [0], [0], [model.day_start[0]]
        day, time = 0, model.day_start[0]
        for node in self.path[1:-1]:
            placed = model.place(path[-1], day, time, node)
            if placed is None:
                continue
            day, time = placed[0], placed[2] + model.visit[node]
            path.append(node)
            days.append(day)
            ends.append(time)
        while model.finish(path[-1], day, time) is None:
            path.pop()
            days.pop()
            ends.pop()
            day, time = days[-1], ends[-1]
        self.path, self.days, self.ends = [*path, self.end_node], days, ends
        self.position = {node: k for k, node in enumerate(self.path)}
        self.latest = latest_starts(model, path)

    def _fits(self, a: int, middle: list[int], b: int) -> bool:
        """Whether ``path[:a] + middle + path[b:]`` fits the trip: ``middle`` is timed from ``a - 1``, then
        the stop at ``b`` must start by its latest start for the rest of the path to fit."""
        model, path = self.model, self.path
        place, visit = model.place, model.visit
        self.work += 1 + len(middle)
        here, day, time = path[a - 1], self.days[a - 1], self.ends[a - 1]
        for node in middle:
            placed = place(here, day, time, node)
            if placed is None:
                return False
            day, time, here = placed[0], placed[2] + visit[node], node
        if b == len(path) - 1:
            return model.finish(here, day, time) is not None
        placed = place(here, day, time, path[b])
        return placed is not None and placed[0] * DAY_SPAN + placed[2] <= self.latest[b]

    def _apply(self, a: int, middle: list[int], b: int) -> None:
        path = self.path
        self.dirty.update(middle)
        self.dirty.update((path[a - 1], path[b]))
        path[a:b] = middle
        self._rebuild()

    def _drop(self, nodes: set[int]) -> None:
        path = self.path
        for k, node in enumerate(path):
            if node in nodes:
                self.dirty.update((path[k - 1], path[k + 1]))
        self.path = [node for node in path if node not in nodes]
        self._rebuild()

    def travel(self) -> int:
        minutes, path = self.minutes, self.path
        return sum(minutes[path[k]][path[k + 1]] for k in range(len(path) - 1))

    def key(self) -> tuple[int, int, int, int]:
        """Most must-see stops, most stops, least travel, then the earliest end of the last visit."""
        musts, count = self.model.score(self.path[1:-1])
        return (-musts, -count, self.travel(), self.days[-1] * DAY_SPAN + self.ends[-1])

    def restore(self, path: list[int]) -> None:
        self.path = path[:]
        self._rebuild()

    # --- adding stops ----------------------------------------------------------------------------

    def _insert(self, node: int) -> bool:
        """Insert ``node`` where it adds the least travel and fits; False when it fits nowhere."""
        minutes, path = self.minutes, self.path
        row = minutes[node]
        costs = sorted(
            (minutes[path[k - 1]][node] + row[path[k]] - minutes[path[k - 1]][path[k]], k)
            for k in range(1, len(path))
        )
        for _cost, k in costs:
            if self._fits(k, [node], k):
                self._apply(k, [node], k)
                return True
        return False

    def sweep(self, wait_weight: float, urgency_weight: float) -> None:
        """Build the path forward in time: from where the traveller is, go next to the stop that can be
        visited soonest, weighing travel, waiting and how soon the stop closes; must-see stops first."""
        model = self.model
        place, visit, minutes, must = model.place, model.visit, model.minutes, model.must
        here, day, time = 0, 0, model.day_start[0]
        left = set(self.candidates)
        path = [0]
        while left:
            best, chosen = None, None
            for node in left:
                placed = place(here, day, time, node)
                if placed is None:
                    continue
                new_day, _arrival, start = placed
                closes = model.latest[node][new_day]
                score = (
                    not must[node],
                    new_day,
                    minutes[here][node]
                    + wait_weight * (start - time - minutes[here][node])
                    + urgency_weight * (closes - start),
                )
                if best is None or score < best:
                    best, chosen = score, (node, new_day, start)
            if chosen is None:
                break
            node, day, start = chosen
            time = start + visit[node]
            here = node
            left.discard(node)
            path.append(node)
        self.path = [*path, self.end_node]
        self._rebuild()
        self.dirty.update(path)

    def fill(self, nodes: list[int]) -> bool:
        """Insert the nodes that fit, must-see stops first, in the given order otherwise."""
        must = self.model.must
        added = False
        for node in sorted(nodes, key=lambda node: not must[node]):
            if node not in self.position:
                added = self._insert(node) or added
        return added

    def unvisited(self) -> list[int]:
        position = self.position
        return [node for node in self.candidates if node not in position]

    # --- moves that keep the stops and shorten the travel ----------------------------------------

    def _relocate(self, focus: set[int]) -> bool:
        improved = False
        for node in focus:
            for length in range(SEGMENT, 0, -1):
                i = self.position.get(node)
                if i is None or i == 0 or i + length > len(self.path) - 1:
                    continue
                if self._relocate_from(i, length):
                    improved = True
                    break
        return improved

    def _relocate_from(self, i: int, length: int) -> bool:
        """Move ``path[i:i + length]`` next to a near stop of one of its ends, as is or reversed, so that
        the end and the near stop become neighbours (a move that joins far stops rarely pays)."""
        minutes, path, position = self.minutes, self.path, self.position
        self.work += len(self.near[path[i]])
        end = i + length
        first, last = path[i], path[end - 1]
        before, after = path[i - 1], path[end]
        turn = 0
        for k in range(i, end - 1):
            turn += minutes[path[k + 1]][path[k]] - minutes[path[k]][path[k + 1]]
        gain = minutes[before][first] + minutes[last][after] - minutes[before][after]
        from_first, from_last = minutes[first], minutes[last]
        ends = (
            ((first, self.near[first]), (last, self.near[last]))
            if length > 1
            else ((first, self.near[first]),)
        )
        for which, near in ends:
            for node in near:
                k = position.get(node)
                if k is None or i - 1 <= k <= end:
                    continue
                left, right = path[k - 1], path[k + 1]
                row = minutes[node]
                if which == first:
                    # after ``node`` as is (node -> first ... last -> right), or before it reversed
                    after_node = row[first] + from_last[right] - row[right] < gain
                    before_node = minutes[left][last] + from_first[node] - minutes[left][node] + turn < gain
                    options = ((after_node, k + 1, False), (before_node, k, True))
                else:
                    # after ``node`` reversed (node -> last ... first -> right), or before it as is
                    after_node = row[last] + from_first[right] - row[right] + turn < gain
                    before_node = minutes[left][first] + from_last[node] - minutes[left][node] < gain
                    options = ((after_node, k + 1, True), (before_node, k, False))
                for pays, j, reverse in options:
                    if not pays:
                        continue
                    moved = path[i:end][::-1] if reverse else path[i:end]
                    if j < i:
                        a, middle, b = j, moved + path[j:i], end
                    else:
                        a, middle, b = i, path[end:j] + moved, j
                    if self._fits(a, middle, b):
                        self._apply(a, middle, b)
                        return True
        return False

    def _two_opt(self, focus: set[int]) -> bool:
        minutes, path = self.minutes, self.path
        forward, backward = [0], [0]
        for k in range(len(path) - 1):
            forward.append(forward[-1] + minutes[path[k]][path[k + 1]])
            backward.append(backward[-1] + minutes[path[k + 1]][path[k]])
        last = len(path) - 2
        for i in range(1, last):
            left, first = path[i - 1], path[i]
            near_i = left in focus or first in focus
            for k in range(i + 1, last + 1):
                end, right = path[k], path[k + 1]
                if not (near_i or end in focus or right in focus):
                    continue
                delta = (
                    minutes[left][end]
                    + minutes[first][right]
                    - minutes[left][first]
                    - minutes[end][right]
                    + (backward[k] - backward[i])
                    - (forward[k] - forward[i])
                )
                if delta < 0 and self._fits(i, path[i : k + 1][::-1], k + 1):
                    self._apply(i, path[i : k + 1][::-1], k + 1)
                    return True
        return False

    def _swap(self, focus: set[int]) -> bool:
        minutes, path = self.minutes, self.path
        last = len(path) - 2
        for i in range(1, last - 1):
            x = path[i]
            for k in range(i + 2, last + 1):
                y = path[k]
                if x not in focus and y not in focus:
                    continue
                a, b, c, d = path[i - 1], path[i + 1], path[k - 1], path[k + 1]
                delta = (
                    minutes[a][y]
                    + minutes[y][b]
                    + minutes[c][x]
                    + minutes[x][d]
                    - minutes[a][x]
                    - minutes[x][b]
                    - minutes[c][y]
                    - minutes[y][d]
                )
                if delta < 0:
                    middle = [y, *path[i + 1 : k], x]
                    if self._fits(i, middle, k + 1):
                        self._apply(i, middle, k + 1)
                        return True
        return False

    # --- moves that change the stops --------------------------------------------------------------

    def _replace(self) -> bool:
        """Swap a stop for an unvisited one that scores more, or as much for less travel. A must-see
        stop may push out any optional stop; an optional stop only one of its near stops, and it goes
        next to one of its near stops."""
        must, position = self.model.must, self.position
        for node in self.unvisited():
            if must[node] and self.thorough:
                outs = [out for out in self.path[1:-1] if not must[out]]
            else:
                outs = [out for out in self.near[node] if out in position and not must[out]]
            for out in outs:
                if self._replace_one(position[out], node, gain=must[node] > must[out]):
                    return True
        return False

    def _replace_one(self, k: int, node: int, *, gain: bool) -> bool:
        """Take out ``path[k]`` and put ``node`` where it fits best; only for less travel unless ``gain``."""
        minutes, path = self.minutes, self.path
        before, out, after = path[k - 1], path[k], path[k + 1]
        removed = minutes[before][after] - minutes[before][out] - minutes[out][after]
        into = minutes[node]
        if gain and self.thorough:
            places = range(1, len(path))
        else:
            places = {k}
            for near in self.near[node]:
                j = self.position.get(near)
                if j is not None:
                    places.update((j, j + 1))
        moves = []
        for j in places:
            if j in (k, k + 1):
                moves.append(
                    (minutes[before][node] + into[after] - minutes[before][out] - minutes[out][after], k)
                )
            elif j < len(path):
                left, right = path[j - 1], path[j]
                moves.append((removed + minutes[left][node] + into[right] - minutes[left][right], j))
        moves.sort()
        self.work += len(moves)
        for delta, j in moves:
            if not gain and delta >= 0:
                return False
            if j == k:
                a, middle, b = k, [node], k + 1
            elif j < k:
                a, middle, b = j, [node, *path[j:k]], k + 1
            else:
                a, middle, b = k, [*path[k + 1 : j], node], j
            if self._fits(a, middle, b):
                self._apply(a, middle, b)
                return True
        return False

    def improve(self) -> None:
        while True:
            while self.dirty:
                focus = set(self.dirty)
                if not (self._relocate(focus) or self._two_opt(focus) or self._swap(focus)):
                    self.dirty -= focus
            if not (self.fill(self.unvisited()) or self._replace()):
                return

    def ruin_and_recreate(self) -> None:
        """Take out a few stops around a random one (its near stops, or its stretch of the path) and
        insert again, in random order, whatever fits."""
        inside = self.path[1:-1]
        if not inside:
            return
        rng = self.rng
        count = rng.randint(1, max(1, min(RUIN_MAX, len(inside) // 3)))
        seed = rng.choice(inside)
        if rng.random() < 0.5:
            near = [node for node in self.near[seed] if node in self.position]
            removed = {seed, *near[: count - 1]}
        else:
            k = self.position[seed]
            first = max(1, min(k - rng.randint(0, count - 1), len(self.path) - 1 - count))
            removed = set(self.path[first : first + count])
        self._drop(removed)
        nodes = self.unvisited()
        rng.shuffle(nodes)
        self.fill(nodes)


def _latest_departure(model: Model, here: int, node: int, start: int) -> int:
    """The latest moment one may leave ``here`` and still start visiting ``node`` by ``start``."""
    if start < 0:
        return -1
    day, minute = divmod(start, DAY_SPAN)
    travel = model.minutes[here][node]
    if minute - travel >= model.day_start[day]:
        return day * DAY_SPAN + minute - travel
    latest = model.latest[node]
    for earlier in range(day - 1, -1, -1):
        # Leaving on an earlier day, the visit must fit on that day or a morning after it.
        if latest[earlier] != CLOSED and latest[earlier] - travel >= model.day_start[earlier]:
            return earlier * DAY_SPAN + latest[earlier] - travel
    return -1


def _latest_start(model: Model, node: int, departure: int) -> int:
    """The latest start of a visit of ``node`` that is over by ``departure``."""
    if departure < 0:
        return -1
    day, minute = divmod(departure, DAY_SPAN)
    latest, earliest = model.latest[node], model.earliest[node]
    start = min(latest[day], minute - model.visit[node])
    if latest[day] != CLOSED and start >= earliest[day]:
        return day * DAY_SPAN + start
    for earlier in range(day - 1, -1, -1):
        if latest[earlier] != CLOSED:
            return earlier * DAY_SPAN + latest[earlier]
    return -1


def latest_starts(model: Model, path: list[int]) -> list[int]:
    """For each stop of a fitting path (``[0, stops...]``), the latest moment its visit may start for
    the rest of the path to still fit. Leaving later never lets anything after start earlier, so a stop
    starting by this moment is all the rest needs."""
    departure = (model.day_count - 1) * DAY_SPAN + DAY_SPAN - 1
    if model.returns:
        travel, departure = model.minutes[path[-1]][0], -1
        for day in range(model.day_count - 1, -1, -1):
            if model.day_end[day] - travel >= model.day_start[day]:
                departure = day * DAY_SPAN + model.day_end[day] - travel
                break
    latest = [0] * len(path)
    for k in range(len(path) - 1, 0, -1):
        latest[k] = _latest_start(model, path[k], departure)
        departure = _latest_departure(model, path[k - 1], path[k], latest[k])
    return latest


def nearest(model: Model, candidates: list[int]) -> dict[int, list[int]]:
    """The ``NEIGHBOURS`` closest candidates of each candidate, both ways of travel counted."""
    minutes = model.minutes
    return {
        node: sorted(
            (other for other in candidates if other != node),
            key=lambda other: minutes[node][other] + minutes[other][node],
        )[:NEIGHBOURS]
        for node in candidates
    }


def solve_heuristic(model: Model, candidates: list[int], *, seed: int = 0) -> list[int]:
    """A good visiting order (nodes) of the ``candidates``: most must-see stops, most stops, least travel."""
    near = nearest(model, candidates)
    best_key, best_path = None, [0, 0]
    spent, work = 0, WORK_PER_STOP * len(candidates)
    for start in range(STARTS):
        rng = random.Random(seed * 1000 + start)
        search = Search(model, candidates, near, rng)
        search.work = spent
        nodes = list(candidates)
        if start < SWEEPS:
            search.sweep(*SWEEP_WEIGHTS[start])
        rng.shuffle(nodes)
        search.fill(nodes)
        search.improve()
        current_key, current_path = search.key(), search.path[:]
        start_key, start_path = current_key, current_path
        budget, begun = work * (start + 1) // STARTS, search.work
        search.thorough = False
        while search.work < budget:
            search.ruin_and_recreate()
            search.improve()
            key = search.key()
            slack = THRESHOLD * current_key[2] * max(0.0, (budget - search.work) / max(1, budget - begun))
            if key[:2] < current_key[:2] or (key[:2] == current_key[:2] and key[2] <= current_key[2] + slack):
                current_key, current_path = key, search.path[:]
                if key < start_key:
                    start_key, start_path = key, current_path
            else:
                search.restore(current_path)
        search.restore(start_path)
        search.thorough = True
        search.improve()
        start_key, start_path = min((start_key, start_path), (search.key(), search.path[:]))
        spent = search.work
        if best_key is None or start_key < best_key:
            best_key, best_path = start_key, start_path
    return best_path[1:-1]
