"""Trip planner solver: exactness against brute force, speed and quality against OR-Tools.

Run: `make bench`, or `.venv/bin/python bench/bench_planner.py [--seconds 10] [--instances 10]`.

1. Small trips (5-9 stops, 1-3 days, closed days, must-see stops): the solver's answer must be the
   optimum found by enumerating every feasible order. Fails the run otherwise.
2. Large trips (``--instances`` each of 20, 30 and 40 stops over several days, opening hours, closed
   days; each trip made from its own seed, so one trip can be re-run alone with ``--only 40-3``): the
   solver's time and its plan against Google OR-Tools' routing solver (guided local search, ``--seconds``
   per trip) on the same objective: most must-see stops, then most stops, then least travel. The gap is
   the extra travel when both plans score the same on the first two; the target is, on every trip, a
   plan that scores at least as much with a gap of at most 2%, in under 200 ms. OR-Tools is a
   development extra (``pip install ortools``); without it this part is skipped. ``--reuse`` keeps its
   results in ``bench/results/`` and reuses them, for wider runs (``--instances 40 --seeds 3``).
   OR-Tools stops on a clock, so on a loaded machine its plans get worse; ours do not (a fixed amount
   of work), but our times grow.

The instances look like Lishi District: stops spread over 30 x 30 km, 40 km/h on winding roads, days
from 07:30 to 19:30, attractions opening between 09:00 and 10:00. With at most 90 minutes between two
stops a day's first visit always waits for the opening, so OR-Tools' model (which may travel at night)
and ours (which sleeps, then travels) have the same optimum.
"""

import argparse
import itertools
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import machine

from tourism.planner import native
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
TARGET_GAP = 2.0
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


def large_trip(seed: int, stops: int, index: int) -> Problem:
    """Large trip ``index`` of a size: its own random stream, so it does not depend on the others."""
    rng = random.Random(f"{seed}-{stops}-{index}")
    while True:
        days = math.ceil(stops / rng.choice([4, 5, 6]))
        problem = instance(rng, stops, days)
        if schedulable(problem):
            return problem


def outcome(ours: tuple[int, int, int], reference: tuple[int, int, int]) -> float | str:
    """The travel gap in % when both plans score the same, else "better" or "worse"."""
    if ours[:2] == reference[:2]:
        return (ours[2] - reference[2]) / reference[2] * 100
    return "better" if ours[:2] < reference[:2] else "worse"


def misses(result: float | str) -> bool:
    return result == "worse" or (isinstance(result, float) and result > TARGET_GAP)


RESULTS = Path(__file__).resolve().parent / "results"


def large_trips(
    *, seed: int, instances: int, seconds: float, only: str | None, seeds: int, reuse: bool = False
) -> None:
    try:
        import ortools  # noqa: F401
    except ImportError:
        print("\n2. large trips: skipped, OR-Tools is not installed (pip install ortools)")
        return
    print(f"\n2. large trips: heuristic against OR-Tools (guided local search, {seconds:g} s per trip)")
    print(
        f"{'trip':>5} {'days':>4} {'ms wall':>7} {'ms cpu':>6} {'must-see ours/ref':>17} "
        f"{'stops ours/ref':>14} {'travel ours/ref':>15} {'gap':>7}" + ("  other seeds" if seeds > 1 else "")
    )
    gaps, walls, cpus, results, missed, other = [], [], [], [], [], []
    cache = RESULTS / f"ortools-{seed}-{seconds:g}s.json"
    known = json.loads(cache.read_text()) if reuse and cache.exists() else {}
    for stops in LARGE_SIZES:
        for index in range(instances):
            name = f"{stops}-{index}"
            if only and name != only:
                continue
            problem = large_trip(seed, stops, index)
            runs, cpu = [], []
            for _ in range(3):
                started, started_cpu = time.perf_counter(), time.process_time()
                solution = solve(problem)
                runs.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            ours = key_of(problem, solution.visits, solution.travel)
            if name in known:
                reference = tuple(known[name])
            else:
                reference = known[name] = ortools_reference(problem, seconds)
                if reuse:
                    RESULTS.mkdir(exist_ok=True)
                    cache.write_text(json.dumps(known))
            walls.append(statistics.median(runs))
            cpus.append(statistics.median(cpu))
            result = outcome(ours, reference)
            results.append(result)
            if isinstance(result, float):
                gaps.append(result)
            if misses(result):
                missed.append(name)
            shown = f"{result:+6.2f}%" if isinstance(result, float) else result
            others = []
            for solver_seed in range(1, seeds):
                again = solve(problem, seed=solver_seed)
                others.append(outcome(key_of(problem, again.visits, again.travel), reference))
            other.append((name, others))
            print(
                f"{name:>5} {len(problem.days):>4} {walls[-1]:>7.0f} {cpus[-1]:>6.0f} "
                f"{-ours[0]:>8}/{-reference[0]:<8} {-ours[1]:>6}/{-reference[1]:<7} "
                f"{ours[2]:>7}/{reference[2]:<7} {shown:>7}"
                + "".join(f" {r:+.1f}%" if isinstance(r, float) else f" {r}" for r in others)
            )
    if gaps:
        print(
            f"gap over {len(gaps)} trips where both plans score the same: median "
            f"{statistics.median(gaps):+.2f}%, mean {statistics.mean(gaps):+.2f}%, worst {max(gaps):+.2f}%"
        )
    print(
        f"trips where our plan scores more (more must-see stops, or more stops) than OR-Tools': "
        f"{results.count('better')}; less: {results.count('worse')}"
    )
    print(
        f"time: median {statistics.median(walls):.0f} ms, worst {max(walls):.0f} ms wall "
        f"(cpu median {statistics.median(cpus):.0f} ms, worst {max(cpus):.0f} ms); target < 200 ms"
    )
    verdict = "met" if not missed else f"missed on {len(missed)}: {', '.join(missed)}"
    print(f"quality target (every trip scores as much as OR-Tools' within {TARGET_GAP:g}% travel): {verdict}")
    if seeds > 1:
        every = [r for _name, others in other for r in others] + results
        numbers = [r for r in every if isinstance(r, float)]
        hit = [
            name
            for (name, others), result in zip(other, results, strict=True)
            if any(map(misses, [result, *others]))
        ]
        worst = f"; worst gap {max(numbers):+.2f}%" if numbers else ""
        print(
            f"with seeds 0-{seeds - 1}: {sum(map(misses, every))} of {len(every)} runs miss the target "
            f"({sum(r == 'worse' for r in every)} by scoring less), on {len(hit)} trips{worst}"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0, help="OR-Tools time limit per trip")
    parser.add_argument("--instances", type=int, default=10, help="large trips per size")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", help="one large trip, as stops-index (e.g. 40-3)")
    parser.add_argument("--large-only", action="store_true", help="skip the small trips")
    parser.add_argument("--seeds", type=int, default=1, help="also solve each large trip with other seeds")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep OR-Tools' results in bench/results/ and reuse them (the solver under test still runs)",
    )
    arguments = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"solver: {'compiled by mypyc' if native.is_compiled() else 'from its sources (not compiled)'}")
    failures = 0 if arguments.large_only else small_trips(random.Random(arguments.seed))
    large_trips(
        seed=arguments.seed,
        instances=arguments.instances,
        seconds=arguments.seconds,
        only=arguments.only,
        seeds=arguments.seeds,
        reuse=arguments.reuse,
    )
    if failures:
        print(f"FAILED: {failures} small trips not solved to optimality")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
