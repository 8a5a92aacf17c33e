"""Trip planner solver: exactness against brute force, speed and quality against PyVRP, must-see stops.

Run: `make bench`, or `.venv/bin/python bench/bench_planner.py [--seconds 10] [--instances 10]`.

1. Small trips (5-9 stops, 1-3 days, closed days, must-see stops): the solver's answer must be the
   optimum found by enumerating every feasible order. Fails the run otherwise.
2. Large trips: ``--instances`` random trips each of 20, 30 and 40 stops over several days (opening
   hours, closed days), and a wider set of ``--wider`` trips of 40 stops per family: stops clustered in
   villages, a far must-see outlier, a quarter of the stops sharing one narrow window, days of
   different lengths. Each trip is made from its own seed (re-run one alone with ``--only 40-3`` or
   ``--only outlier-2``). Our time (median of 3 solves) and plan against PyVRP's (``--seconds`` per
   trip, seed 0) on the same objective: most must-see stops, then most stops, then least travel. The
   target at 40 stops: never fewer must-see stops or stops than PyVRP, and at most ``TARGET_GAP`` %
   more travel when both visit the same stops; under 200 ms a trip. PyVRP is in the ``bench`` extra;
   without it this part is skipped. ``--reuse`` keeps its results in ``bench/results/`` and reuses
   them. PyVRP stops on a clock, so on a loaded machine its plans get worse; ours do not (a fixed
   amount of work), but our times grow.
3. Must-see stops: trips of 80 stops over 7 days with one must-see stop 40-48 km out, solved with
   seeds 0-2: no seed may drop a must-see stop when the must-see stops fit together.

The instances look like Lishi District: stops over 30 x 30 km, 40 km/h on winding roads, days from
07:30 to 19:30, attractions opening between 09:00 and 10:00. Every stop opens at least the longest leg
to it after the day starts (``mornings_agree``), so a day's first visit always waits for the opening
and PyVRP's model (which may travel at night) and ours (which sleeps, then travels) have the same plans.
"""

import argparse
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
TARGET_GAP = 1.0
MUST_PRIZE, STOP_PRIZE = 10_000_000, 100_000


def travel_minutes(points: list[tuple[float, float]]) -> list[list[int]]:
    return [
        [0 if a is b else max(1, round(math.dist(a, b) * CIRCUITY / SPEED_KMH * 60)) for b in points]
        for a in points
    ]


def catalogue(
    rng: random.Random, stops: int, days: int, *, must_share: float = 0.3, narrow: int = 0
) -> list[Stop]:
    """Stops with the opening profiles of ``PROFILES``; the first ``narrow`` share one narrow window
    (10:00-11:30 every day)."""
    first_weekday = rng.randrange(7)
    result = []
    for k in range(stops):
        (opens, closes), closed = rng.choice(PROFILES)
        if k < narrow:
            (opens, closes), closed = (10 * 60, 11 * 60 + 30), ()
        windows = tuple(
            None if (first_weekday + day) % 7 in closed else (opens, closes) for day in range(days)
        )
        visit = rng.choice([30, 45]) if k < narrow else rng.choice(VISITS)
        result.append(Stop(visit, windows, rng.random() < must_share))
    return result


def instance(rng: random.Random, stops: int, days: int, *, must_share: float = 0.3) -> Problem:
    points = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM)) for _ in range(stops + 1)]
    return Problem(travel_minutes(points), catalogue(rng, stops, days, must_share=must_share), [DAY] * days)


def clustered(rng: random.Random, stops: int, days: int) -> Problem:
    """Stops in 4-7 villages: within 1.5 km of the village centre, the villages over 30 x 30 km."""
    centres = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM)) for _ in range(rng.randint(4, 7))]
    points = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM))]
    for _ in range(stops):
        x, y = rng.choice(centres)
        angle, radius = rng.uniform(0, 2 * math.pi), 1.5 * math.sqrt(rng.random())
        points.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
    return Problem(travel_minutes(points), catalogue(rng, stops, days), [DAY] * days)


def outlier(rng: random.Random, stops: int, days: int) -> Problem:
    """One must-see stop 40-48 km from the middle of the area (about 2 hours' drive from the others);
    days start at 06:30 so that every leg still ends by the first opening."""
    points = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM)) for _ in range(stops)]
    angle, distance = rng.uniform(0, 2 * math.pi), rng.uniform(40, 48)
    points.append((SIDE_KM / 2 + distance * math.cos(angle), SIDE_KM / 2 + distance * math.sin(angle)))
    stops_list = catalogue(rng, stops, days)
    far = stops_list[-1]
    stops_list[-1] = Stop(far.visit, far.windows, True)
    return Problem(travel_minutes(points), stops_list, [(6 * 60 + 30, DAY[1])] * days)


def narrow_window(rng: random.Random, stops: int, days: int) -> Problem:
    """A quarter of the stops share one window, 10:00-11:30 every day: at most two of them a day."""
    points = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM)) for _ in range(stops + 1)]
    return Problem(travel_minutes(points), catalogue(rng, stops, days, narrow=stops // 4), [DAY] * days)


def uneven_days(rng: random.Random, stops: int, days: int) -> Problem:
    """Days of different lengths: arriving at noon, full days ending at 16:00, 17:30 or 19:30, and a last
    day ending at 14:00 for the train."""
    points = [(rng.uniform(0, SIDE_KM), rng.uniform(0, SIDE_KM)) for _ in range(stops + 1)]
    ends = [rng.choice([16 * 60, 17 * 60 + 30, DAY[1]]) for _ in range(days)]
    spans = [(DAY[0], end) for end in ends]
    spans[0] = (12 * 60, DAY[1])
    spans[-1] = (DAY[0], 14 * 60)
    return Problem(travel_minutes(points), catalogue(rng, stops, days), spans)


FAMILIES = {"random": instance, "clustered": clustered, "outlier": outlier, "narrow": narrow_window}
FAMILIES["uneven"] = uneven_days
WIDER = ["clustered", "outlier", "narrow", "uneven"]
"""The wider set, at 40 stops, beside the benchmark's random trips of 20, 30 and 40 stops."""


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


def pyvrp_reference(problem: Problem, seconds: float) -> tuple[tuple[int, int, int], list[int]]:
    """PyVRP's plan for the problem (``seconds`` of its iterated local search) and its order of nodes.

    One vehicle whose time runs over the whole trip (day ``d`` is minutes ``d * 1440 + ...``), leaving
    the start point when the first day starts and ending at a free virtual depot. A stop open on several
    days is one client per day it can be visited, its window that day's earliest and latest start; the
    clients of a stop form a mutually exclusive group, so at most one is visited. Prizes make the
    objective ours: a must-see is worth more than all optional stops together, an optional stop more
    than any travel, and the cost is the travel. PyVRP may travel at night, ours sleeps and travels
    in the morning: the instances keep every opening at least the longest leg after the day starts, so
    both reach a stop at its opening and have the same optimum (our timetable checks PyVRP's order)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    if problem.return_to_start or any(end > 1440 for _start, end in problem.days):
        raise ValueError("the reference models trips that end anywhere, within a calendar day")
    model = Model(problem)
    n = model.n
    vrp = pyvrp.Model()
    locations = [vrp.add_location(0, 0) for _ in range(n + 2)]  # start, stops, the virtual end
    start_depot = vrp.add_depot(locations[0])
    end_depot = vrp.add_depot(locations[n + 1])
    day_start = model.day_start[0]
    vrp.add_vehicle_type(
        1, start_depot=start_depot, end_depot=end_depot, tw_early=day_start, start_late=day_start
    )
    nodes = []  # the node of each client, by PyVRP's client number
    for node in range(1, n + 1):
        days = [day for day in range(model.day_count) if model.latest[node][day] >= 0]
        if not days:
            continue
        group = vrp.add_client_group(required=False)
        prize = MUST_PRIZE if model.must[node] else STOP_PRIZE
        for day in days:
            vrp.add_client(
                locations[node],
                service_duration=model.visit[node],
                tw_early=day * 1440 + model.earliest[node][day],
                tw_late=day * 1440 + model.latest[node][day],
                prize=prize,
                required=False,
                group=group,
            )
            nodes.append(node)
    for i in range(n + 2):
        for j in range(n + 2):
            minutes = 0 if i == j or n + 1 in (i, j) else problem.minutes[i][j]
            vrp.add_edge(locations[i], locations[j], distance=minutes, duration=minutes)
    result = vrp.solve(MaxRuntime(seconds), seed=0, display=False, collect_stats=False)
    if not result.best.is_feasible():
        raise AssertionError("PyVRP found no feasible plan")
    routes = result.best.routes()
    order = [nodes[step.idx] for step in routes[0] if step.is_client()] if routes else []
    visits = model.timetable(order)
    if visits is None:
        raise AssertionError("PyVRP returned a plan our model refuses: the models differ")
    return key_of(problem, visits, model.travel(order)), order


def schedulable(problem: Problem) -> bool:
    """Every stop can be visited on some day."""
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


def large_trip(seed: int, stops: int, index: int, family: str = "random") -> Problem:
    """Large trip ``index`` of a size and family: its own random stream, independent of the others."""
    name = f"{seed}-{stops}-{index}" if family == "random" else f"{seed}-{family}-{stops}-{index}"
    rng = random.Random(name)
    while True:
        days = math.ceil(stops / rng.choice([4, 5, 6]))
        problem = FAMILIES[family](rng, stops, days)
        if schedulable(problem) and mornings_agree(problem):
            return problem


def mornings_agree(problem: Problem) -> bool:
    """Whether each stop, on every day but the first, opens no earlier than the day's start plus the
    longest leg to it: then travelling at night (PyVRP) gains nothing over travelling in the morning
    (ours), and both models have the same plans."""
    model = Model(problem)
    for node in range(1, model.n + 1):
        longest = max(problem.minutes[other][node] for other in range(model.n + 1))
        for day in range(1, model.day_count):
            if model.latest[node][day] >= 0 and model.earliest[node][day] < model.day_start[day] + longest:
                return False
    return True


def outcome(ours: tuple[int, int, int], reference: tuple[int, int, int]) -> float | str:
    """The travel gap in % when both plans score the same, else "better" or "worse"."""
    if ours[:2] == reference[:2]:
        return (ours[2] - reference[2]) / reference[2] * 100 if reference[2] else 0.0
    return "better" if ours[:2] < reference[:2] else "worse"


def misses(result: float | str, same_stops: bool) -> bool:
    """Scoring less misses; so does more than ``TARGET_GAP`` % travel on the same stops."""
    return result == "worse" or (same_stops and isinstance(result, float) and result > TARGET_GAP)


RESULTS = Path(__file__).resolve().parent / "results"


def trips(seed: int, instances: int, wider: int, sizes: list[int]) -> list[tuple[str, Problem]]:
    """The benchmark's random trips (``instances`` of each size), then the wider set at 40 stops."""
    named = [
        (f"{stops}-{index}", large_trip(seed, stops, index)) for stops in sizes for index in range(instances)
    ]
    named += [
        (f"{family}-{index}", large_trip(seed, 40, index, family))
        for family in WIDER
        for index in range(wider)
    ]
    return named


def timed(problem: Problem, runs: int = 3):
    """The solution, and the median wall and CPU milliseconds of ``runs`` solves."""
    walls, cpus = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        solution = solve(problem)
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - started_cpu) * 1000)
    return solution, statistics.median(walls), statistics.median(cpus)


def large_trips(
    *,
    seed: int,
    instances: int,
    wider: int,
    seconds: float,
    only: str | None,
    seeds: int,
    reuse: bool,
    sizes: list[int],
) -> int:
    try:
        import pyvrp  # noqa: F401
    except ImportError:
        print("\n2. large trips: skipped, PyVRP is not installed (pip install '.[bench]')")
        return 0
    print(f"\n2. large trips: heuristic against PyVRP ({seconds:g} s per trip, seed 0)")
    print(
        f"{'trip':>12} {'days':>4} {'ms wall':>7} {'ms cpu':>6} {'must-see ours/ref':>17} "
        f"{'stops ours/ref':>14} {'travel ours/ref':>15} {'gap':>7} same"
        + ("  other seeds" if seeds > 1 else "")
    )
    cache = RESULTS / f"pyvrp-{seed}-{seconds:g}s.json"
    known = json.loads(cache.read_text()) if reuse and cache.exists() else {}
    rows = []
    for name, problem in trips(seed, instances, wider, sizes):
        if only and name != only:
            continue
        solution, wall, cpu = timed(problem)
        ours = key_of(problem, solution.visits, solution.travel)
        if name not in known:
            started, started_cpu = time.perf_counter(), time.process_time()
            reference, order = pyvrp_reference(problem, seconds)
            known[name] = {
                "key": reference,
                "order": order,
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - started_cpu,
            }
            if reuse:
                RESULTS.mkdir(exist_ok=True)
                cache.write_text(json.dumps(known))
        reference = tuple(known[name]["key"])
        same = {visit.stop + 1 for visit in solution.visits} == set(known[name]["order"])
        result = outcome(ours, reference)
        others = []
        for solver_seed in range(1, seeds):
            again = solve(problem, seed=solver_seed)
            again_same = {visit.stop + 1 for visit in again.visits} == set(known[name]["order"])
            others.append((outcome(key_of(problem, again.visits, again.travel), reference), again_same))
        rows.append((name, wall, cpu, result, same, others))
        shown = f"{result:+6.2f}%" if isinstance(result, float) else result
        print(
            f"{name:>12} {len(problem.days):>4} {wall:>7.0f} {cpu:>6.0f} "
            f"{-ours[0]:>8}/{-reference[0]:<8} {-ours[1]:>6}/{-reference[1]:<7} "
            f"{ours[2]:>7}/{reference[2]:<7} {shown:>7} {'yes' if same else 'no':>4}"
            + "".join(f" {r:+.1f}%" if isinstance(r, float) else f" {r}" for r, _same in others),
            flush=True,
        )
    if not rows:
        return 0
    groups = [
        ("benchmark, 20-30 stops", [row for row in rows if row[0][:2] in ("20", "30")]),
        ("benchmark, 40 stops", [row for row in rows if row[0].startswith("40-")]),
        *((f"{family}, 40 stops", [row for row in rows if row[0].startswith(family)]) for family in WIDER),
    ]
    print(
        f"\n{'set':>24} {'trips':>5} {'better':>6} {'same score':>10} {'worse':>5} "
        f"{'gap same stops (median/worst)':>30} {'ms wall median/worst':>21} {'ms cpu median/worst':>20}"
    )
    for label, group in groups:
        if not group:
            continue
        results = [row[3] for row in group]
        gaps = [row[3] for row in group if row[4] and isinstance(row[3], float)]
        gap = f"{statistics.median(gaps):+.2f}% / {max(gaps):+.2f}% ({len(gaps)})" if gaps else "-"
        walls, cpus = [row[1] for row in group], [row[2] for row in group]
        print(
            f"{label:>24} {len(group):>5} {results.count('better'):>6} "
            f"{sum(isinstance(r, float) for r in results):>10} {results.count('worse'):>5} {gap:>30} "
            f"{statistics.median(walls):>10.0f} / {max(walls):<8.0f} "
            f"{statistics.median(cpus):>9.0f} / {max(cpus):<8.0f}"
        )
    reference_cpu = [known[row[0]].get("cpu", 0.0) for row in rows]
    print(
        f"PyVRP's CPU time per trip (of its {seconds:g} s): median {statistics.median(reference_cpu):.1f} s, "
        f"least {min(reference_cpu):.1f} s"
    )
    walls, cpus = [row[1] for row in rows], [row[2] for row in rows]
    print(
        f"time, all {len(rows)} trips: median {statistics.median(walls):.0f} ms, worst {max(walls):.0f} ms "
        f"wall (cpu median {statistics.median(cpus):.0f} ms, worst {max(cpus):.0f} ms); target < 200 ms"
    )
    judged = [row for row in rows if row[0][:2] not in ("20", "30")]
    missed = [row[0] for row in judged if misses(row[3], row[4])]
    verdict = "met" if not missed else f"missed on {len(missed)}: {', '.join(missed)}"
    print(
        f"target at 40 stops (never fewer must-see stops or stops than PyVRP; at most {TARGET_GAP:g}% more "
        f"travel on the same stops): {verdict}"
    )
    if seeds > 1:
        every = [(r, same) for row in judged for r, same in row[5]]
        print(
            f"with seeds 1-{seeds - 1}: {sum(misses(r, same) for r, same in every)} of {len(every)} runs "
            f"at 40 stops miss the target ({sum(r == 'worse' for r, _same in every)} by scoring less)"
        )
    return len(missed)


def outlier_musts(seed: int, count: int, seeds: int) -> int:
    """80 stops over 7 days with a far must-see outlier: must-see stops kept with each seed, against the
    must-see stops that can all be visited together (when the must-see plan holds them all)."""
    from tourism.planner.heuristic import plan_musts

    print(
        f"\n3. must-see stops: {count} trips of 80 stops over 7 days, one must-see 40-48 km out,"
        f" seeds 0-{seeds - 1}"
    )
    print(f"{'trip':>5} {'must-see':>8} {'fit together':>12} {'kept, by seed':>16} {'ms wall by seed':>20}")
    failures = 0
    for index in range(count):
        rng = random.Random(f"{seed}-musts-80-{index}")
        problem = outlier(rng, 80, 7)
        model = Model(problem)
        musts = [node for node in range(1, model.n + 1) if model.must[node] and model.timetable([node])]
        together = len(plan_musts(model, musts)[0])
        kept, walls = [], []
        for solver_seed in range(seeds):
            started = time.perf_counter()
            solution = solve(problem, seed=solver_seed)
            walls.append((time.perf_counter() - started) * 1000)
            kept.append(sum(problem.stops[visit.stop].must for visit in solution.visits))
        total = sum(stop.must for stop in problem.stops)
        failures += together == len(musts) and min(kept) < together
        print(
            f"{index:>5} {total:>8} {'all' if together == len(musts) else together:>12} "
            f"{'/'.join(map(str, kept)):>16} {'/'.join(f'{w:.0f}' for w in walls):>20}",
            flush=True,
        )
    print(f"trips where a must-see that fits was dropped: {failures}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0, help="PyVRP's time limit per trip")
    parser.add_argument("--instances", type=int, default=10, help="random trips per size (20, 30, 40 stops)")
    parser.add_argument("--wider", type=int, default=5, help="trips of 40 stops per family of the wider set")
    parser.add_argument("--musts", type=int, default=8, help="80-stop trips with a far must-see outlier")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=LARGE_SIZES, help="sizes of the random trips (20 30 40)"
    )
    parser.add_argument("--only", help="one large trip, by its name (e.g. 40-3, outlier-2)")
    parser.add_argument(
        "--large-only", action="store_true", help="skip the small trips and the 80-stop trips"
    )
    parser.add_argument("--seeds", type=int, default=1, help="also solve each large trip with other seeds")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep PyVRP's results in bench/results/ and reuse them (the solver under test still runs)",
    )
    arguments = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"solver: {'compiled by mypyc' if native.is_compiled() else 'from its sources (not compiled)'}")
    failures = 0 if arguments.large_only else small_trips(random.Random(arguments.seed))
    failures += large_trips(
        seed=arguments.seed,
        instances=arguments.instances,
        wider=arguments.wider,
        seconds=arguments.seconds,
        only=arguments.only,
        seeds=arguments.seeds,
        reuse=arguments.reuse,
        sizes=arguments.sizes,
    )
    if not arguments.large_only and not arguments.only:
        failures += outlier_musts(arguments.seed, arguments.musts, 3)
    if failures:
        print(f"FAILED: {failures} (see above)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
