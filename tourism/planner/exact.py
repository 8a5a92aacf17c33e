"""Exact search for small trips: dynamic programming over the subsets of stops.

A label is a partial plan ending at a node: the set of stops it visited, when it is ready to leave the
last one, and its travel so far. Of two labels with the same set and last node, one leaving no later and
having travelled no more makes the other useless (anything the latter can still do, the former can do at
no greater cost), so each (set, node) keeps only its Pareto front of (moment, travel). Every set is
reached, so the best set and its cheapest order are found: the answer is optimal.
"""

from tourism.planner.model import DAY_SPAN, Model

# A label: (moment, travel, previous label, node, day, arrival, start, end); moment = day * DAY_SPAN + end.
Label = tuple


def _add(front: list[Label], label: Label) -> None:
    moment, travel = label[0], label[1]
    for other in front:
        if other[0] <= moment and other[1] <= travel:
            return
    front[:] = [other for other in front if other[0] < moment or other[1] < travel]
    front.append(label)


def _fronts(model: Model) -> dict[tuple[int, int], list[Label]]:
    n = model.n
    fronts: dict[tuple[int, int], list[Label]] = {(0, 0): [(0, 0, None, 0, 0, 0, 0, model.day_start[0])]}
    minutes, visit, place = model.minutes, model.visit, model.place
    for mask in sorted(range(1 << n), key=int.bit_count):
        nodes = [0] if mask == 0 else [bit + 1 for bit in range(n) if mask >> bit & 1]
        for here in nodes:
            for label in fronts.get((mask, here), ()):
                day, time, travel = label[4], label[7], label[1]
                for bit in range(n):
                    if mask >> bit & 1:
                        continue
                    node = bit + 1
                    placed = place(here, day, time, node)
                    if placed is None:
                        continue
                    new_day, arrival, start = placed
                    end = start + visit[node]
                    new = (
                        new_day * DAY_SPAN + end,
                        travel + minutes[here][node],
                        label,
                        node,
                        new_day,
                        arrival,
                        start,
                        end,
                    )
                    _add(fronts.setdefault((mask | 1 << bit, node), []), new)
    return fronts


def solve_exact(model: Model) -> list[int]:
    """The optimal visiting order (nodes): most must-see stops, then most stops, then least travel, then
    the earliest end."""
    best_key, best_label = None, None
    for (mask, here), front in _fronts(model).items():
        musts = sum(1 for bit in range(model.n) if mask >> bit & 1 and model.must[bit + 1])
        count = mask.bit_count()
        for label in front:
            finish = model.finish(here, label[4], label[7])
            if finish is None:
                continue
            travel = label[1] + (model.minutes[here][0] if model.returns else 0)
            key = (-musts, -count, travel, finish.day * DAY_SPAN + finish.arrival)
            if best_key is None or key < best_key:
                best_key, best_label = key, label
    order = []
    while best_label is not None and best_label[3] != 0:
        order.append(best_label[3])
        best_label = best_label[2]
    return order[::-1]
