"""Trip planner solver: exactness against brute force, speed and quality against OR-Tools.

Run: `make bench`, or `.venv/bin/python bench/bench_planner.py [--seconds 10] [--instances 4]`.

1. Small trips (5-9 stops, 1-3 days, closed days, must-see stops): the solver's answer must be the
   optimum found by enumerating every feasible order. Fails the run otherwise.
2. Large trips (20, 30, 40 stops over several days, opening hours, closed days): the solver's time and
   its plan against Google OR-Tools' routing solver (guided local search, ``--seconds`` per instance) on
   the same objective: most must-see stops, then most stops, then least travel. The gap is the extra
   travel when both visit the same number of stops. OR-Tools is a development extra
   (``pip install ortools``); without it this part is skipped.

The instances look like Lishi District: stops spread over 30 x 30 km, 40 km/h on winding roads, days
from 07:30 to 19:30, attractions opening between 09:00 and 10:00. With at most 90 minutes between two
stops a day's first visit always waits for the opening, so OR-Tools' model (which may travel at night)
and ours (which sleeps, then travels) have the same optimum.
"""

import argparse
import itertools
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine

from tourism.planner.model import Model
from tourism.planner.solver import Problem, Stop, solve

DAY = (7 * 60 + 30, 19 * 60 + 30)
SIDE_KM, CIRCUITY, SPEED_KMH = 30.0, 1.4, 40.0
PROFILES = [  # (opens, closes, closed weekdays)
    ((9 * 60, 17 * 60 + 30), ()),
    ((9 * 60, 17 * 60), (0,)),
    ((9 * 60, 14 * 60), (0, 1, 2, 3, 4)),
    ((9 * 60, 19 * 60 + 30), ()),
    ((10 * 60, 16 * 60), (1,)),
]
VISITS = [30, 45, 60, 60, 90, 120]
SMALL_SIZES = [(5, 8), (6, 8), (7, 6), (8, 4), (9, 3)]  # (stops, instances)
LARGE_SIZES = [20, 30, 40]
MUST_PENALTY, STOP_PENALTY = 10_000_000, 100_000


def instance(rng: random.Random, stops: int, days: int, *, must_share: float = 0.3) -> Problem:
    points = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM)) for _ in range(stops + 1)]
    minutes = [
        [0 if a is b else max(1, round(math.dist(a, b) * CIRCUITY / SPEED_KMH * 60)) for b in points]
        for a in points
    ]
    first_weekday = rng.randrange(7)
    catalogue = []
    for _ in range(stops):
        (opens, closes), closed = rng.choice(PROFILES)
        windows = tuple(
            None if (first_weekday + day) % 7 in closed else (opens, closes) for day in range(days)
        )
        catalogue.append(Stop(rng.choice(VISITS), windows, rng.random() < must_share))
    return Problem(minutes, catalogue, [DAY] * days)


def key_of(problem: Problem, visits, travel: int) -> tuple[int, int, int]:
    return (-sum(problem.stops[visit.stop].must for visit in visits), -len(visits), travel)


def brute_force(problem: Problem) -> tuple[int, int, int]:
    """The best key over every feasible order, found by enumerating them all."""
    model = Model(problem)
    best = [(1, 1, 0)]

    def extend(order: list[int], here: int, day: int, moment: int) -> None:
        if model.finish(here, day, moment) is not None:
            musts = sum(1 for node in order if model.must[node])
            best[0] = min(best[0], (-musts, -len(order), model.travel(order)))
        for node in range(1, model.n + 1):
            if node in order:
                continue
            placed = model.place(here, day, moment, node)
            if placed is not None:
                order.append(node)
                extend(order, node, placed[0], placed[2] + model.visit[node])
                order.pop()

    extend([], 0, 0, model.day_start[0])
    return best[0]


def ortools_reference(problem: Problem, seconds: float) -> tuple[int, int, int]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n, day_count = len(problem.stops), len(problem.days)
    end = n + 1  # the trip ends wherever the last visit is: a free leg to a virtual end node
    matrix = [[*row, 0] for row in problem.minutes] + [[0] * (n + 2)]
    visit = [0, *(stop.visit for stop in problem.stops), 0]
    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [end])
    routing = pywrapcp.RoutingModel(manager)

    def travel(i, j):
        return matrix[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def transit(i, j):
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return visit[a] + matrix[a][b]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(travel))
    horizon = day_count * 1440
    routing.AddDimension(routing.RegisterTransitCallback(transit), horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    clock.CumulVar(routing.Start(0)).SetRange(problem.days[0][0], problem.days[0][0])
    model = Model(problem)
    for node, stop in enumerate(problem.stops, start=1):
        index = manager.NodeToIndex(node)
        allowed = [
            (day * 1440 + model.earliest[node][day], day * 1440 + model.latest[node][day])
            for day in range(day_count)
            if model.latest[node][day] >= 0
        ]
        cumul = clock.CumulVar(index)
        cumul.SetRange(allowed[0][0], allowed[-1][1])
        for (_, closes), (opens, _) in itertools.pairwise(allowed):
            if opens > closes + 1:
                cumul.RemoveInterval(closes + 1, opens - 1)
        routing.AddDisjunction([index], MUST_PENALTY if stop.must else STOP_PENALTY)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(parameters)
    order, index = [], solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    visits = model.timetable(order)
    if visits is None:
        raise AssertionError("OR-Tools returned a plan our model refuses: the models differ")
    return key_of(problem, visits, model.travel(order))


def schedulable(problem: Problem) -> bool:
    """Every stop can be visited on some day (OR-Tools needs at least one window per stop)."""
    model = Model(problem)
    return all(max(model.latest[node]) >= 0 for node in range(1, model.n + 1))


def small_trips(rng: random.Random) -> int:
    print("\n1. small trips: exact solver against brute force")
    print(f"{'stops':>5} {'trips':>5} {'optimal':>8} {'solver ms (median / max)':>26} {'brute force s':>14}")
    failures = 0
    for stops, count in SMALL_SIZES:
        solver_ms, brute_s, optimal = [], [], 0
        for _ in range(count):
            problem = instance(rng, stops, rng.randint(1, 3))
            started = time.perf_counter()
            solution = solve(problem)
            solver_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            best = brute_force(problem)
            brute_s.append(time.perf_counter() - started)
            optimal += key_of(problem, solution.visits, solution.travel) == best and solution.exact
        failures += count - optimal
        print(
            f"{stops:>5} {count:>5} {optimal:>5}/{count:<2} {statistics.median(solver_ms):>14.1f} / "
            f"{max(solver_ms):<9.1f} {statistics.median(brute_s):>14.2f}"
        )
    return failures


def large_trips(rng: random.Random, *, instances: int, seconds: float) -> None:
    try:
        import ortools  # noqa: F401
    except ImportError:
        print("\n2. large trips: skipped, OR-Tools is not installed (pip install ortools)")
        return
    print(f"\n2. large trips: heuristic against OR-Tools (guided local search, {seconds:g} s per trip)")
    print(
        f"{'stops':>5} {'days':>4} {'ours ms':>8} {'stops ours/ref':>15} {'travel ours/ref':>16} {'gap':>7}"
    )
    gaps, times, fewer = [], [], 0
    for stops in LARGE_SIZES:
        made = 0
        while made < instances:
            days = math.ceil(stops / rng.choice([4, 5, 6]))
            problem = instance(rng, stops, days)
            if not schedulable(problem):
                continue
            made += 1
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                solution = solve(problem)
                runs.append((time.perf_counter() - started) * 1000)
            ours = key_of(problem, solution.visits, solution.travel)
            reference = ortools_reference(problem, seconds)
            times.append(statistics.median(runs))
            if ours[:2] == reference[:2]:
                gap = (ours[2] - reference[2]) / reference[2] * 100
                gaps.append(gap)
                shown = f"{gap:+6.2f}%"
            else:
                fewer += ours[:2] > reference[:2]
                shown = "fewer" if ours[:2] > reference[:2] else "more"
            print(
                f"{stops:>5} {days:>4} {times[-1]:>8.0f} {-ours[1]:>7}/{-reference[1]:<7} "
                f"{ours[2]:>8}/{reference[2]:<7} {shown:>7}"
            )
    print(
        f"gap: mean {statistics.mean(gaps):+.2f}%, worst {max(gaps):+.2f}% over {len(gaps)} trips "
        f"with the same stops; trips where we visit fewer stops: {fewer}"
    )
    print(f"time: median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms (target < 200 ms)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0, help="OR-Tools time limit per trip")
    parser.add_argument("--instances", type=int, default=4, help="large trips per size")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    print(f"machine: {machine()}")
    failures = small_trips(rng)
    large_trips(rng, instances=arguments.instances, seconds=arguments.seconds)
    if failures:
        print(f"FAILED: {failures} small trips not solved to optimality")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
