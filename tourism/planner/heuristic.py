"""Search for larger trips: randomized sweeps, local search, and ruin-and-recreate. Pure Python.

The plan is a path ``[0, stops..., END]``; ``END`` is a virtual node whose leg costs the way back to
the start when the trip returns there and nothing otherwise. A move replaces ``path[a:b]`` by other
nodes. Its travel change is computed first, in constant time, and only a move that pays is checked
against the time windows: the new stops are timed from ``a``, then the stop at ``b`` must start by its
latest start for the rest to fit. Latest starts are kept backwards along the path, the timetable
forwards; a move updates both only as far as they change (a night often absorbs the change).

Starts: sweeps forward in time (go next to the stop that can be visited soonest), greedy or picking
among the few best, each followed by local search: relocate a run of 1-3 stops next to a near stop
(also reversed), reverse a stretch so that two near stops meet (2-opt), swap two stops, add stops that
fit, replace a stop by an unvisited one that scores better. Only moves around a stop whose
surroundings changed are tried ("don't look" marks). The best starts then go through rounds of
ruin and recreate: take out a few stops (stretches of several near days, near stops, a stretch of the
path; around a random stop or around the place of one that is left out) and insert again whatever
fits, then local search; a slightly longer plan is accepted early on. A start that stops improving
hands its rounds to the next one; after the best ``ELITE`` starts, the rest go back to the best plan
so far, again and again, each time with new draws and a fresh allowance. Taking
out stretches of several days at once is what moves stops between full days, which single moves
cannot do without breaking a day first.

``make install`` compiles this module with mypyc (``native``); it must stay fully typed.

The search stops after a number of steps, not after a time: the result depends only on the problem
and the seed, never on the machine's speed or load.
"""

import heapq
import random
from itertools import accumulate
from typing import Final

from tourism.planner.model import CLOSED, DAY_SPAN, Model

WORK_PER_STOP: Final = 36_000
"""Steps (see ``Search.work``) for the whole search, per stop: about 110 ms for a trip of 40 stops on one
core of the benchmark machine with the compiled solver (``native``), about five times that from the
sources. 24,000 left the plan of some clustered trips to the seed (274 or 257 minutes on one)."""
WORK_FLOOR: Final = 40
"""Trips with fewer stops get the steps of this many: a small trip can be hard too."""
STARTS: Final = 6
"""Sweeps built and improved first; the first two are greedy, the others pick among ``CHOICES`` best."""
CHOICES: Final = 6
ELITE: Final = 2
"""The best starts that share the first rounds of ruin and recreate."""
STALL: Final = 80
"""Rounds without a better plan after which a start hands the rest of its rounds on (40 gave up on a
valley too early on clustered trips)."""
SEGMENT: Final = 3
"""Longest run of stops the relocate move moves."""
NEIGHBOURS: Final = 8
"""Moves only join a stop to one of its nearest stops (a move that joins far stops rarely pays)."""
RUIN_MAX: Final = 16
"""Most stops taken out in one round of ruin and recreate (and never more than a third of the plan)."""
STRINGS: Final = 0.5
"""Share of the rounds that take out stretches of several days; the others take out near stops or a
stretch of the path, half and half."""
STRING_MAX: Final = 5
"""Longest stretch of a day taken out."""
MAKE_ROOM: Final = 0.5
"""Share of the rounds, while some stop is left out, that take out the stops around it first."""
TIGHT_FIRST: Final = 0.25
"""Share of the rounds that insert the stops with the least opening time first (they have the fewest
places to go); ``FAR_FIRST`` of them insert first the stops farthest from where the ruin was."""
FAR_FIRST: Final = 0.25
MUST_WORK: Final = 12_000
"""Most steps per must-see stop spent planning the must-see stops alone when a sweep leaves one out."""
MUST_SEED: Final = 999_983
"""The random draws of the must-see plan, the same whatever the seed of the main search."""
SKELETON_SEED: Final = 500
"""Offset of the draws of the start built around the must-see plan."""
THRESHOLD: Final = 0.02
"""A round may make the travel this much longer at first; the allowance shrinks to nothing."""


class Draws:
    """The search's random choices, drawn exactly as ``random.Random``'s own methods draw them from its
    bits. Those methods are Python code, which the compiled search would otherwise hand to the
    interpreter on every round."""

    def __init__(self, source: random.Random) -> None:
        self.random = source.random
        self._bits = source.getrandbits

    def below(self, n: int) -> int:
        """A number in ``range(n)``, ``n > 0``: ``randrange(n)``."""
        k = n.bit_length()
        r = self._bits(k)
        while r >= n:
            r = self._bits(k)
        return r

    def between(self, low: int, high: int) -> int:
        """``randint(low, high)``."""
        return low + self.below(high - low + 1)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def shuffle(self, items: list[int]) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


class Search:
    def __init__(self, model: Model, candidates: list[int], ranked: dict[int, list[int]], rng: Draws) -> None:
        self.model = model
        self.candidates = candidates
        self.ranked = ranked
        """Every other candidate of each candidate, nearest first."""
        self.near = {node: others[:NEIGHBOURS] for node, others in ranked.items()}
        self.rng = rng
        self.end_node = end_node = model.n + 1
        back = model.returns
        self.minutes = [[*row, row[0] if back else 0] for row in model.minutes]
        self.minutes.append([0] * (model.n + 2))
        self.earliest, self.latest_day, self.visit = model.earliest, model.latest, model.visit
        self.day_start, self.day_count = model.day_start, model.day_count
        self.last_departure = model.last_departure
        self.openness = [_openness(model, node) for node in range(model.n + 1)]
        self.path = [0, end_node]
        self.pos = [-1] * (model.n + 2)
        """Index of each node in the path, -1 when it is not in it."""
        self.dirty: set[int] = set()
        self.work = 0
        """Steps done, counted by the same rule on any machine: the search stops on it, not on a clock."""
        self.version = 0
        """Changes with every change of the plan."""
        self.thorough = True
        """Try every place for a must-see stop that is left out; the rounds only try near places."""
        self._sums_of = -1
        self._rebuild()

    # --- the plan and its timetable -------------------------------------------------------------

    def _rebuild(self) -> None:
        """The timetable of the path. A stop that no longer fits is left out: taking a stop out can
        make a plan longer when the travel times break the triangle inequality (rounding, real roads)."""
        model = self.model
        self.work += 4 * len(self.path)
        minutes, visit, last_departure = self.minutes, self.visit, self.last_departure
        path, days, ends = [0], [0], [model.day_start[0]]
        here, day, time = 0, 0, model.day_start[0]
        for node in self.path[1:-1]:
            moment = model.start(node, day, time, minutes[here][node])
            if moment < 0:
                continue
            day, time, here = moment // DAY_SPAN, moment % DAY_SPAN + visit[node], node
            path.append(node)
            days.append(day)
            ends.append(time)
        while day * DAY_SPAN + time > last_departure[path[-1]]:
            path.pop()
            days.pop()
            ends.pop()
            day, time = days[-1], ends[-1]
        self.path, self.days, self.ends = [*path, self.end_node], days, ends
        pos = self.pos
        pos[:] = [-1] * len(pos)
        for k, node in enumerate(self.path):
            pos[node] = k
        latest = [0] * len(path)
        after, late = self.end_node, -1
        for k in range(len(path) - 1, 0, -1):
            late = latest[k] = self._late(path[k], after, late)
            after = path[k]
        self.latest = latest
        """Per index of the path (END excluded): the latest moment its visit may start for the rest of
        the path to still fit. Leaving later never lets anything after start earlier, so a stop starting
        by this moment is all the rest needs."""
        self.version += 1

    def _late(self, here: int, after: int, late_after: int) -> int:
        """The latest start of a visit of ``here`` when ``after`` follows it and must start by the
        moment ``late_after``; -1 when there is none."""
        if after == self.end_node:
            departure = self.last_departure[here]
        else:
            if late_after < 0:
                return -1
            day, minute = late_after // DAY_SPAN, late_after % DAY_SPAN
            travel = self.minutes[here][after]
            if minute - travel >= self.day_start[day]:
                departure = late_after - travel
            else:
                # Leaving on an earlier day, the visit must fit on that day or a morning after it.
                departure = -1
                latest_after = self.latest_day[after]
                for earlier in range(day - 1, -1, -1):
                    last = latest_after[earlier]
                    if last != CLOSED and last - travel >= self.day_start[earlier]:
                        departure = earlier * DAY_SPAN + last - travel
                        break
        if departure < 0:
            return -1
        day, minute = departure // DAY_SPAN, departure % DAY_SPAN
        latest = self.latest_day[here]
        start = minute - self.visit[here]
        if latest[day] < start:
            start = latest[day]
        if latest[day] != CLOSED and start >= self.earliest[here][day]:
            return day * DAY_SPAN + start
        for earlier in range(day - 1, -1, -1):
            if latest[earlier] != CLOSED:
                return earlier * DAY_SPAN + latest[earlier]
        return -1

    def _fits(self, a: int, middle: list[int], b: int, run: tuple[int, int, int] = (0, 0, 0)) -> bool:
        """Whether ``path[:a] + middle + path[b:]`` fits the trip: ``middle`` is timed from ``a - 1``, then
        the stop at ``b`` must start by its latest start. ``run`` says that ``middle[first:first + length]``
        is ``path[old:old + length]``: once a stop of it is timed as in the current plan, so is the rest
        of the run, which is skipped."""
        model, path, minutes, visit = self.model, self.path, self.minutes, self.visit
        days, ends = self.days, self.ends
        here, day, time = path[a - 1], days[a - 1], ends[a - 1]
        first, old, length = run
        x, size = 0, len(middle)
        work = 1
        while x < size:
            node = middle[x]
            work += 1
            moment = model.start(node, day, time, minutes[here][node])
            if moment < 0:
                self.work += work
                return False
            day, time, here = moment // DAY_SPAN, moment % DAY_SPAN + visit[node], node
            y = x - first
            if 0 <= y < length - 1 and ends[old + y] == time and days[old + y] == day:
                x = first + length - 1
                day, time, here = days[old + length - 1], ends[old + length - 1], path[old + length - 1]
            x += 1
        self.work += work
        if b == len(path) - 1:
            return day * DAY_SPAN + time <= self.last_departure[here]
        moment = model.start(path[b], day, time, minutes[here][path[b]])
        return 0 <= moment <= self.latest[b]

    def _apply(self, a: int, middle: list[int], b: int) -> None:
        """Make ``path[:a] + middle + path[b:]`` the plan (it fits). Marks the stops whose neighbours
        changed, retimes forwards until the timetable is the old one again, and recomputes latest starts
        backwards until they are the old ones again."""
        path, dirty, pos = self.path, self.dirty, self.pos
        old_end = len(path) - 1
        removed = path[a:b]
        old = path[a - 1 : b + 1]
        path[a:b] = middle
        size = len(middle)
        shift = size - (b - a)
        tail = a + size
        for k in range(a - 1, tail):
            node = path[k]
            was = pos[node] - a + 2  # where the node after it was in ``old``, while ``pos`` is the old one
            if not 1 <= was <= b - a + 1 or old[was] != path[k + 1]:
                dirty.add(node)
                dirty.add(path[k + 1])
        days, ends, latest = self.days, self.ends, self.latest
        model, minutes, visit = self.model, self.minutes, self.visit
        here, day, time = path[a - 1], days[a - 1], ends[a - 1]
        new_days: list[int] = []
        new_ends: list[int] = []
        last = len(path) - 1
        work = 2
        for j in range(a, last):
            node = path[j]
            work += 1
            moment = model.start(node, day, time, minutes[here][node])  # >= 0: the plan fits
            day, time = moment // DAY_SPAN, moment % DAY_SPAN + visit[node]
            if j >= tail and ends[j - shift] == time and days[j - shift] == day:
                days[a : j - shift] = new_days
                ends[a : j - shift] = new_ends
                break
            new_days.append(day)
            new_ends.append(time)
            here = node
        else:
            days[a:] = new_days
            ends[a:] = new_ends
        late = latest[b] if b < old_end else -1
        middle_late = [0] * size
        for k in range(tail - 1, a - 1, -1):
            late = middle_late[k - a] = self._late(path[k], path[k + 1], late)
        latest[a:b] = middle_late
        work += 2 * size
        for k in range(a - 1, 0, -1):
            work += 2
            late = self._late(path[k], path[k + 1], latest[k + 1])
            if late == latest[k]:
                break
            latest[k] = late
        for node in removed:
            pos[node] = -1
        for k in range(a, len(path) if shift else tail):
            pos[path[k]] = k
        self.work += work
        self.version += 1

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
        """Insert ``node`` where it adds the least travel and fits; False when it fits nowhere. A place
        is passed over at once when, even without waiting, the stop after it would start too late."""
        minutes, path, days, ends, latest = self.minutes, self.path, self.days, self.ends, self.latest
        row = minutes[node]
        visit = self.visit[node]
        last = len(path) - 1
        costs = []
        size = last + 1
        for k in range(1, size):
            left, right = path[k - 1], path[k]
            to_node = minutes[left][node]
            if k < last and days[k - 1] * DAY_SPAN + ends[k - 1] + to_node + visit + row[right] > latest[k]:
                continue
            costs.append((to_node + row[right] - minutes[left][right]) * size + k)  # by cost, then place
        costs.sort()
        self.work += last
        single = [node]
        for cost in costs:
            k = cost % size
            if self._fits(k, single, k):
                self._apply(k, single, k)
                return True
        return False

    def sweep(self, wait_weight: float, urgency_weight: float, choices: int = 1) -> None:
        """Build the path forward in time: from where the traveller is, go next to a stop that can be
        visited soonest, weighing travel, waiting and how soon the stop closes; with ``choices`` above
        one, pick at random among that many best."""
        model, rng = self.model, self.rng
        visit, minutes, latest = model.visit, model.minutes, model.latest
        here, day, time = 0, 0, model.day_start[0]
        left = set(self.candidates)
        path = [0]
        while left:
            scored = []
            for node in left:
                travel = minutes[here][node]
                moment = model.start(node, day, time, travel)
                if moment < 0:
                    continue
                new_day, start = moment // DAY_SPAN, moment % DAY_SPAN
                waiting = start - time - travel
                closes = latest[node][new_day] - start
                scored.append(
                    (new_day, travel + wait_weight * waiting + urgency_weight * closes, node, start)
                )
            if not scored:
                break
            if choices > 1:
                best = heapq.nsmallest(choices, scored)
                best = [option for option in best if option[0] == best[0][0]]
                day, _score, node, start = best[rng.below(len(best))]
            else:
                day, _score, node, start = min(scored)
            time = start + visit[node]
            here = node
            left.discard(node)
            path.append(node)
        self.path = [*path, self.end_node]
        self._rebuild()
        self.dirty.update(path)

    def fill(self, nodes: list[int]) -> bool:
        """Insert the nodes that fit, must-see stops first, in the given order otherwise."""
        must, pos = self.model.must, self.pos
        added = False
        for node in sorted(nodes, key=lambda node: not must[node]):
            if pos[node] < 0:
                added = self._insert(node) or added
        return added

    def unvisited(self) -> list[int]:
        pos = self.pos
        return [node for node in self.candidates if pos[node] < 0]

    # --- moves that keep the stops and shorten the travel ----------------------------------------

    def _relocate(self, node: int) -> bool:
        i, last = self.pos[node], len(self.path) - 1
        return any(self._relocate_from(i, length) for length in range(min(SEGMENT, last - i), 0, -1))

    def _relocate_from(self, i: int, length: int) -> bool:
        """Move ``path[i:i + length]`` next to a near stop of one of its ends, as is or reversed, so that
        the end and the near stop become neighbours."""
        minutes, path, pos = self.minutes, self.path, self.pos
        end = i + length
        first, last = path[i], path[end - 1]
        before, after = path[i - 1], path[end]
        turn = 0
        for k in range(i, end - 1):
            turn += minutes[path[k + 1]][path[k]] - minutes[path[k]][path[k + 1]]
        gain = minutes[before][first] + minutes[last][after] - minutes[before][after]
        from_first, from_last = minutes[first], minutes[last]
        for side in range(2 if length > 1 else 1):
            near = self.near[last if side else first]
            self.work += len(near)
            for node in near:
                k = pos[node]
                if k < 0 or i - 1 <= k <= end:
                    continue
                left, right = path[k - 1], path[k + 1]
                row = minutes[node]
                if side == 0:
                    # after ``node`` as is (node -> first ... last -> right), or before it reversed
                    after = row[first] + from_last[right] - row[right]
                    if after < gain and self._move(i, length, k + 1, False):
                        return True
                    before = minutes[left][last] + from_first[node] - minutes[left][node] + turn
                    if before < gain and self._move(i, length, k, True):
                        return True
                else:
                    # after ``node`` reversed (node -> last ... first -> right), or before it as is
                    after = row[last] + from_first[right] - row[right] + turn
                    if after < gain and self._move(i, length, k + 1, True):
                        return True
                    before = minutes[left][first] + from_last[node] - minutes[left][node]
                    if before < gain and self._move(i, length, k, False):
                        return True
        return False

    def _move(self, i: int, length: int, j: int, reverse: bool) -> bool:
        """Move ``path[i:i + length]`` (reversed or not) to index ``j``, if the plan still fits."""
        path, end = self.path, i + length
        moved = path[i:end][::-1] if reverse else path[i:end]
        if j < i:
            a, middle, b, run = j, moved + path[j:i], end, (length, j, i - j)
        else:
            a, middle, b, run = i, path[end:j] + moved, j, (0, end, j - end)
        if self._fits(a, middle, b, run):
            self._apply(a, middle, b)
            return True
        return False

    def _sums(self) -> tuple[list[int], list[int]]:
        """Travel along the path from its start to each index, forwards and backwards."""
        if self._sums_of != self.version:
            minutes, path = self.minutes, self.path
            pairs = range(len(path) - 1)
            self._forward = [0, *accumulate([minutes[path[k]][path[k + 1]] for k in pairs])]
            self._backward = [0, *accumulate([minutes[path[k + 1]][path[k]] for k in pairs])]
            self._sums_of = self.version
            self.work += len(path)
        return self._forward, self._backward

    def _two_opt(self, node: int) -> bool:
        """Reverse a stretch so that ``node`` and one of its near stops become neighbours."""
        minutes, path, pos = self.minutes, self.path, self.pos
        forward, backward = self._sums()
        p = pos[node]
        last = len(path) - 2
        near = self.near[node]
        self.work += 2 * len(near)
        for other in near:
            q = pos[other]
            if q < 0:
                continue
            # reversing path[i..k] joins path[i-1] to path[k] and path[i] to path[k+1]
            for option in range(2):
                # reversing path[p + 1..q] or path[p..q - 1] when q is after p, likewise when before
                if q > p:
                    i, k = (p + 1, q) if option == 0 else (p, q - 1)
                else:
                    i, k = (q + 1, p) if option == 0 else (q, p - 1)
                if i < 1 or k > last or i >= k:
                    continue
                left, first, end, right = path[i - 1], path[i], path[k], path[k + 1]
                delta = (
                    minutes[left][end]
                    + minutes[first][right]
                    - minutes[left][first]
                    - minutes[end][right]
                    + backward[k]
                    - backward[i]
                    - forward[k]
                    + forward[i]
                )
                if delta < 0:
                    middle = path[i : k + 1][::-1]
                    if self._fits(i, middle, k + 1):
                        self._apply(i, middle, k + 1)
                        return True
        return False

    def _swap(self, node: int) -> bool:
        """Swap ``node`` with a stop next to one of its near stops."""
        minutes, path, pos = self.minutes, self.path, self.pos
        p = pos[node]
        last = len(path) - 2
        near = self.near[node]
        self.work += 2 * len(near)
        for other in near:
            q = pos[other]
            if q < 0:
                continue
            for r in (q - 1, q + 1):
                if r < 1 or r > last or p - 2 < r < p + 2:
                    continue
                i, k = (p, r) if p < r else (r, p)
                x, y = path[i], path[k]
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
                    if self._fits(i, middle, k + 1, (1, i + 1, k - i - 1)):
                        self._apply(i, middle, k + 1)
                        return True
        return False

    # --- moves that change the stops --------------------------------------------------------------

    def _replace(self) -> bool:
        """Swap a stop for an unvisited one that scores more, or as much for less travel. A must-see
        stop may push out any optional stop; an optional stop only one of its near stops, and it goes
        next to one of its near stops."""
        must, pos = self.model.must, self.pos
        for node in self.unvisited():
            if must[node] and self.thorough:
                outs = [out for out in self.path[1:-1] if not must[out]]
            else:
                outs = [out for out in self.near[node] if pos[out] >= 0 and not must[out]]
            for out in outs:
                if self._replace_one(pos[out], node, gain=must[node] > must[out]):
                    return True
        return False

    def _replace_one(self, k: int, node: int, *, gain: bool) -> bool:
        """Take out ``path[k]`` and put ``node`` where it fits best; only for less travel unless ``gain``."""
        minutes, path = self.minutes, self.path
        before, out, after = path[k - 1], path[k], path[k + 1]
        removed = minutes[before][after] - minutes[before][out] - minutes[out][after]
        into = minutes[node]
        places: range | set[int]
        if gain and self.thorough:
            places = range(1, len(path))
        else:
            nearby = {k}
            for near in self.near[node]:
                j = self.pos[near]
                if j >= 0:
                    nearby.update((j, j + 1))
            places = nearby
        moves = []
        size = len(path)
        for j in places:
            if j == k or j == k + 1:
                delta = minutes[before][node] + into[after] - minutes[before][out] - minutes[out][after]
                moves.append(delta * size + k)  # by travel change, then place
            elif j < size:
                left, right = path[j - 1], path[j]
                moves.append((removed + minutes[left][node] + into[right] - minutes[left][right]) * size + j)
        moves.sort()
        self.work += len(moves)
        for move in moves:
            delta, j = move // size, move % size
            if not gain and delta >= 0:
                return False
            if j == k:
                a, middle, b, run = k, [node], k + 1, (0, 0, 0)
            elif j < k:
                a, middle, b, run = j, [node, *path[j:k]], k + 1, (1, j, k - j)
            else:
                a, middle, b, run = k, [*path[k + 1 : j], node], j, (0, k + 1, j - k - 1)
            if self._fits(a, middle, b, run):
                self._apply(a, middle, b)
                return True
        return False

    def _eject(self) -> bool:
        """Add an unvisited stop by moving another: it takes the place of a stop next to one of its
        near stops, and that stop goes wherever it fits best (an ejection chain of two). This lets a
        stop with few places to go (a narrow window, few open days) in where one that could go elsewhere
        was; a single insertion or swap cannot."""
        must, pos, path = self.model.must, self.pos, self.path
        for node in self.unvisited():
            tried: set[int] = set()
            for near in self.near[node]:
                k = pos[near]
                if k < 0:
                    continue
                for j in (k - 1, k, k + 1):
                    out = path[j]
                    if j < 1 or j > len(path) - 2 or out in tried:
                        continue
                    tried.add(out)
                    if (must[out] and not must[node]) or not self._fits(j, [node], j + 1):
                        continue
                    version, marked = self.version, set(self.dirty)
                    self._apply(j, [node], j + 1)
                    if self._insert(out):
                        return True
                    # Back as it was. The plan is the same, so is its version: nothing was worked out
                    # from the plan in between (``_insert`` failed without a change), and the travel
                    # sums cached for this version still hold.
                    self._apply(j, [out], j + 1)
                    self.version = version
                    self.dirty.clear()
                    self.dirty.update(marked)
        return False

    def improve(self) -> None:
        """Local search until no move pays: first the moves around marked stops, then adding and
        replacing stops, which is only tried again once the plan has changed."""
        dirty, pos, end_node = self.dirty, self.pos, self.end_node
        tried = -1
        while True:
            while dirty:
                node = end_node
                for other in dirty:  # min(dirty), without a call to the generic builtin
                    if other < node:
                        node = other
                dirty.discard(node)
                if node == 0 or node == end_node or pos[node] < 0:
                    continue
                if self._relocate(node) or self._two_opt(node) or self._swap(node):
                    dirty.add(node)
            if self.version == tried:
                return
            unvisited = self.unvisited()
            if not unvisited:
                return
            tried = self.version
            if not (self.fill(unvisited) or self._replace() or self._eject()):
                return

    def _strings(self, seed: int, count: int) -> set[int]:
        """About ``count`` stops: a stretch of the day of ``seed``, then of the days of its nearest stops,
        one stretch per day (the string removal of Christiaens and Vanden Berghe's SISR)."""
        rng, path, pos, days = self.rng, self.path, self.pos, self.days
        last = len(path) - 2
        removed: set[int] = set()
        done: set[int] = set()
        for node in (seed, *self.ranked[seed]):
            if len(removed) >= count:
                break
            k = pos[node]
            if k < 0 or node in removed or days[k] in done:
                continue
            day = days[k]
            lo = k
            while lo > 1 and days[lo - 1] == day:
                lo -= 1
            hi = k
            while hi < last and days[hi + 1] == day:
                hi += 1
            length = rng.between(1, min(hi - lo + 1, STRING_MAX, count - len(removed)))
            first = rng.between(max(lo, k - length + 1), min(k, hi - length + 1))
            removed.update(path[first : first + length])
            done.add(day)
        return removed

    def ruin_and_recreate(self) -> None:
        """Take out a few stops (stretches of near days, near stops, or a stretch of the path) around a
        random stop or, while some stop is left out, around the place it would go; insert again whatever
        fits, that stop first, then in random order, or the stops with the least opening time first, or
        the farthest first."""
        inside = self.path[1:-1]
        if not inside:
            return
        rng, pos = self.rng, self.pos
        count = rng.between(1, max(1, min(RUIN_MAX, len(inside) // 3)))
        seed = inside[rng.below(len(inside))]
        missing = self.unvisited()
        target = None
        if missing and rng.random() < MAKE_ROOM:
            target = missing[rng.below(len(missing))]
            seed = next(node for node in self.ranked[target] if pos[node] >= 0)
        r = rng.random()
        if r < STRINGS:
            removed = self._strings(seed, count)
        elif r < (1 + STRINGS) / 2:
            near = [node for node in self.near[seed] if pos[node] >= 0]
            removed = {seed, *near[: count - 1]}
        else:
            k = pos[seed]
            first = max(1, min(k - rng.between(0, count - 1), len(self.path) - 1 - count))
            removed = set(self.path[first : first + count])
        self._drop(removed)
        nodes = self.unvisited()
        rng.shuffle(nodes)
        order = rng.random()
        if order < TIGHT_FIRST:
            openness = self.openness
            nodes.sort(key=lambda node: openness[node])
        elif order < TIGHT_FIRST + FAR_FIRST:
            row = self.minutes[seed]
            nodes.sort(key=lambda node: -row[node])
        if target is not None:
            nodes.remove(target)
            nodes.insert(0, target)
        self.fill(nodes)


def _openness(model: Model, node: int) -> int:
    """How much room a stop's opening hours leave: the minutes a visit may start in, plus an hour, summed
    over the days it is open."""
    total = 0
    for day in range(model.day_count):
        if model.latest[node][day] != CLOSED:
            total += model.latest[node][day] - model.earliest[node][day] + 60
    return total


def ranked(model: Model, candidates: list[int]) -> dict[int, list[int]]:
    """The other candidates of each candidate, nearest first, both ways of travel counted."""
    minutes = model.minutes
    return {
        node: sorted(
            (other for other in candidates if other != node),
            key=lambda other: minutes[node][other] + minutes[other][node],
        )
        for node in candidates
    }


def _start(
    model: Model, candidates: list[int], order: dict[int, list[int]], rng: Draws, index: int
) -> Search:
    """Start ``index``: a sweep (greedy for the first two, picking among ``CHOICES`` best after), the
    stops that fit inserted, then local search."""
    search = Search(model, candidates, order, rng)
    if index == 0:
        search.sweep(1.0, 0.0)
    elif index == 1:
        search.sweep(0.5, 0.2)
    else:
        search.sweep(rng.uniform(0.3, 1.0), rng.uniform(0.0, 0.3), CHOICES)
    nodes = list(candidates)
    rng.shuffle(nodes)
    search.fill(nodes)
    search.improve()
    return search


def plan_musts(model: Model, musts: list[int]) -> tuple[list[int], int]:
    """The must-see stops alone: a visiting order with as many of them as the search finds room for,
    and the steps it took. A greedy sweep first; when it leaves one out, rounds of ruin and recreate
    (new starts when they stall) until all are in or ``MUST_WORK`` steps per must-see are spent. Its
    random draws do not depend on the seed of the main search, so neither does its answer."""
    if not musts:
        return [], 0
    order = ranked(model, musts)
    search = _start(model, musts, order, Draws(random.Random(MUST_SEED)), 0)
    best_path = search.path[:]
    budget = search.work + MUST_WORK * len(musts)
    search.thorough = False
    current_key, current_path = search.key(), best_path
    stall, rank = 0, 1
    while len(best_path) - 2 < len(musts) and search.work < budget:
        if stall >= STALL:
            spent = search.work
            search = _start(model, musts, order, Draws(random.Random(MUST_SEED + rank)), STARTS + rank)
            search.work += spent
            search.thorough = False
            current_key, current_path = search.key(), search.path[:]
            stall, rank = 0, rank + 1
        else:
            search.ruin_and_recreate()
            search.improve()
            key = search.key()
            if key[:2] < current_key[:2] or (key[:2] == current_key[:2] and key[2] <= current_key[2]):
                stall = 0 if key[:2] < current_key[:2] else stall + 1
                current_key, current_path = key, search.path[:]
            else:
                stall += 1
                search.restore(current_path)
        if len(current_path) > len(best_path):
            best_path = current_path
    return best_path[1:-1], search.work


def solve_heuristic(
    model: Model, candidates: list[int], *, seed: int = 0, skeleton: list[int] | None = None, spent: int = 0
) -> list[int]:
    """A good visiting order (nodes) of the ``candidates``: most must-see stops, most stops, least travel.

    ``skeleton`` (an order of must-see stops that fits, from ``plan_musts``) is one of the starts, with
    the other stops inserted around it; since no move ever takes out a must-see stop for an optional
    one and no round is accepted with fewer must-see stops, the answer keeps at least as many must-see
    stops as it. ``spent``: steps already done for this trip, counted in the budget."""
    order = ranked(model, candidates)
    work = WORK_PER_STOP * max(len(candidates), WORK_FLOOR)
    starts = []
    for index in range(STARTS):
        search = _start(model, candidates, order, Draws(random.Random(seed * 1000 + index)), index)
        search.work += spent
        spent = search.work
        starts.append((search.key(), index, search.path[:]))
    if skeleton:
        rng = Draws(random.Random(seed * 1000 + SKELETON_SEED))
        search = Search(model, candidates, order, rng)
        search.restore([0, *skeleton, search.end_node])
        search.dirty.update(search.path)
        nodes = [node for node in candidates if not model.must[node]]
        rng.shuffle(nodes)
        search.fill(nodes)
        search.improve()
        search.work += spent
        spent = search.work
        starts.append((search.key(), STARTS, search.path[:]))
    # The rounds of ruin and recreate go to the best starts in turn: half of what is left to the first,
    # the rest to the second; what a stalled start leaves goes back to the best plan so far, again and
    # again, each time with new draws.
    starts.sort()
    best_key, best_path = starts[0][0], starts[0][2]
    rank = 0
    while spent < work:
        rng = Draws(random.Random(seed * 1000 + STARTS + rank))
        if rank < ELITE:
            start_key, _index, start_path = starts[rank]
        else:
            # Past the elite starts, the rounds go back to the best plan so far, its allowance for a
            # longer plan fresh: another way out of its valley is worth more than a weaker start.
            start_key, start_path = best_key, best_path
        search = Search(model, candidates, order, rng)
        search.restore(start_path)
        search.work += spent
        search.thorough = False
        current_key, current_path = start_key, start_path
        begun = spent
        budget = spent + (work - spent) // max(1, ELITE - rank)
        stall = 0
        while search.work < budget and stall < STALL:
            search.ruin_and_recreate()
            stall += 1
            if search.path == current_path:  # recreated as it was: nothing new to improve
                search.dirty.clear()
                continue
            search.improve()
            key = search.key()
            slack = THRESHOLD * current_key[2] * max(0, budget - search.work) / max(1, budget - begun)
            if key[:2] < current_key[:2] or (key[:2] == current_key[:2] and key[2] <= current_key[2] + slack):
                current_key, current_path = key, search.path[:]
                if key < start_key:
                    start_key, start_path, stall = key, current_path, 0
            else:
                search.restore(current_path)
        search.restore(start_path)
        search.thorough = True
        search.dirty.update(search.path)
        search.improve()
        start_key, start_path = min((start_key, start_path), (search.key(), search.path[:]))
        spent = search.work
        rank += 1
        if start_key < best_key:
            best_key, best_path = start_key, start_path
    return best_path[1:-1]
