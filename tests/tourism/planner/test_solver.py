"""The pure solver: optimal against brute force, time windows and closed days, must-see stops, reasons."""

import itertools
import math
import random

import pytest

from tourism.planner.heuristic import Draws, Search, ranked
from tourism.planner.model import Model
from tourism.planner.solver import Problem, Reason, Stop, solve

DAY = (8 * 60, 18 * 60)
OPEN = (9 * 60, 17 * 60)


def random_problem(rng: random.Random, stops: int, days: int, *, returns: bool = False) -> Problem:
    points = [(rng.uniform(0, 30), rng.uniform(0, 30)) for _ in range(stops + 1)]
    minutes = [[0 if a is b else max(1, round(math.dist(a, b) * 2.1)) for b in points] for a in points]
    catalogue = []
    for _ in range(stops):
        opens, closes = rng.choice([(480, 1050), (540, 1020), (540, 840), (600, 960)])
        windows = tuple(None if rng.random() < 0.2 else (opens, closes) for _ in range(days))
        catalogue.append(Stop(rng.choice([30, 45, 60, 90, 120]), windows, rng.random() < 0.3))
    return Problem(minutes, catalogue, [DAY] * days, return_to_start=returns)


def best_by_brute_force(problem: Problem) -> tuple[int, int, int]:
    """(-must-see, -stops, travel) of the best plan among every order of every subset of stops."""
    model = Model(problem)
    best = (1, 1, 0)
    nodes = range(1, model.n + 1)
    for size in range(model.n + 1):
        for order in itertools.permutations(nodes, size):
            if model.timetable(order) is not None:
                musts = sum(1 for node in order if model.must[node])
                best = min(best, (-musts, -size, model.travel(order)))
    return best


def filled_search(rng: random.Random, stops: int, days: int, *, returns: bool):
    """A heuristic search over a random trip with every stop that fits inserted."""
    model = Model(random_problem(rng, stops, days, returns=returns))
    nodes = list(range(1, model.n + 1))
    search = Search(model, nodes, ranked(model, nodes), Draws(rng))
    search.fill(nodes)
    return model, search


def key(problem: Problem, solution) -> tuple[int, int, int]:
    musts = sum(1 for visit in solution.visits if problem.stops[visit.stop].must)
    return (-musts, -len(solution.visits), solution.travel)


def line(*minutes_from_start: int, visit: int = 60, windows=None, days: int = 1, must=()) -> Problem:
    """Stops on a line away from the start, ``minutes_from_start`` away each."""
    points = [0, *minutes_from_start]
    return Problem(
        minutes=[[abs(a - b) for b in points] for a in points],
        stops=[
            Stop(visit, windows[k] if windows else (OPEN,) * days, k in must)
            for k in range(len(minutes_from_start))
        ],
        days=[DAY] * days,
    )


@pytest.mark.parametrize("seed", range(25))
def test_small_trips_are_planned_optimally(seed):
    rng = random.Random(seed)
    problem = random_problem(rng, rng.randint(1, 6), rng.randint(1, 3), returns=seed % 3 == 0)

    solution = solve(problem)

    assert solution.exact
    assert key(problem, solution) == best_by_brute_force(problem)


@pytest.mark.parametrize("seed", range(6))
def test_large_trips_get_a_plan_that_keeps_every_opening_window(seed):
    rng = random.Random(100 + seed)
    problem = random_problem(rng, 25, 5, returns=seed % 2 == 0)

    solution = solve(problem)

    assert not solution.exact
    for visit in solution.visits:
        window = problem.stops[visit.stop].windows[visit.day]
        assert window is not None
        opens, closes = window
        assert max(opens, DAY[0]) <= visit.start
        assert visit.end == visit.start + problem.stops[visit.stop].visit
        assert visit.end <= min(closes, DAY[1])
    assert Model(problem).timetable([visit.stop + 1 for visit in solution.visits]) is not None


@pytest.mark.parametrize("seed", range(4))
def test_heuristic_finds_the_optimum_of_small_trips_too(seed):
    rng = random.Random(200 + seed)
    problem = random_problem(rng, 6, 2)

    assert key(problem, solve(problem, exact_limit=0)) == best_by_brute_force(problem)


@pytest.mark.parametrize("seed", range(8))
def test_heuristic_matches_the_exact_search_on_nine_stops_over_several_days(seed):
    rng = random.Random(600 + seed)
    problem = random_problem(rng, 9, rng.randint(2, 3), returns=seed % 4 == 0)

    assert key(problem, solve(problem, exact_limit=0)) == key(problem, solve(problem))


def test_a_stop_closed_on_the_first_day_is_visited_on_the_second():
    problem = line(10, 20, windows=[(OPEN, OPEN), (None, OPEN)], days=2)

    solution = solve(problem)

    assert {visit.stop: visit.day for visit in solution.visits} == {0: 0, 1: 1}


def test_a_visit_waits_for_the_opening_time():
    solution = solve(line(10))

    (visit,) = solution.visits
    assert (visit.arrival, visit.start, visit.end) == (8 * 60 + 10, 9 * 60, 10 * 60)


def test_visits_end_by_the_closing_time_so_the_last_stop_moves_to_the_next_day():
    problem = line(10, 20, visit=240, days=2)

    days = [visit.day for visit in solve(problem).visits]

    assert days == [0, 1]


def test_a_must_see_stop_wins_over_a_closer_optional_one():
    problem = line(5, 60, visit=400, must={1})

    solution = solve(problem)

    assert [visit.stop for visit in solution.visits] == [1]
    assert [(dropped.stop, dropped.reason) for dropped in solution.dropped] == [(0, Reason.NO_TIME)]


def test_a_must_see_stop_that_cannot_fit_is_reported_with_its_reason():
    problem = line(10, 20, windows=[(OPEN,), (None,)], must={1})

    solution = solve(problem)

    assert [visit.stop for visit in solution.visits] == [0]
    assert [(dropped.stop, dropped.reason) for dropped in solution.dropped] == [(1, Reason.CLOSED)]


@pytest.mark.parametrize(
    ("stop", "reason"),
    [
        (Stop(60, (None, None)), Reason.CLOSED),
        (Stop(120, ((9 * 60, 10 * 60), (9 * 60, 10 * 60))), Reason.HOURS),
        (Stop(60, ((17 * 60 + 30, 21 * 60), None)), Reason.HOURS),
    ],
)
def test_a_stop_that_can_never_be_visited_says_why(stop, reason):
    problem = Problem([[0, 5], [5, 0]], [stop], [DAY, DAY])

    assert [dropped.reason for dropped in solve(problem).dropped] == [reason]


def test_a_stop_out_of_reach_within_a_day_is_too_far():
    problem = line(500)

    assert [dropped.reason for dropped in solve(problem).dropped] == [Reason.TOO_FAR]


def test_a_stop_too_far_from_the_start_for_its_hours_is_reached_after_a_night_near_it():
    """The far stop opens only on the second day, 08:00-08:40: an hour from the start, ten minutes from
    the near stop. Sleeping at the near stop, the second day reaches it at 08:10, the latest start."""
    problem = line(50, 60, visit=30, windows=[(OPEN, OPEN), (None, (8 * 60, 8 * 60 + 40))], days=2, must={1})

    solution = solve(problem)

    assert [(visit.stop, visit.day, visit.start) for visit in solution.visits] == [
        (0, 0, 9 * 60),
        (1, 1, 8 * 60 + 10),
    ]
    assert solution.dropped == ()


def test_a_trip_back_to_the_start_ends_there_before_the_day_ends():
    problem = Problem([[0, 60], [60, 0]], [Stop(60, (OPEN,))], [DAY], return_to_start=True)

    solution = solve(problem)

    assert solution.travel == 120
    assert (solution.finish.departure, solution.finish.arrival) == (10 * 60, 11 * 60)


def test_a_stop_too_late_to_come_back_from_is_left_out_of_a_round_trip():
    problem = Problem(
        [[0, 60], [60, 0]], [Stop(60, ((16 * 60 + 30, 17 * 60 + 30),))], [DAY], return_to_start=True
    )

    assert [dropped.reason for dropped in solve(problem).dropped] == [Reason.TOO_FAR]


def test_the_same_trip_gets_the_same_plan():
    problem = random_problem(random.Random(7), 20, 4)

    assert solve(problem) == solve(problem)


@pytest.mark.parametrize(
    "arguments",
    [
        {"minutes": [[0, 1]], "stops": [Stop(30, (OPEN,))], "days": [DAY]},
        {"minutes": [[0]], "stops": [], "days": []},
        {"minutes": [[0]], "stops": [], "days": [(600, 500)]},
        {"minutes": [[0, 1], [1, 0]], "stops": [Stop(30, (OPEN, OPEN))], "days": [DAY]},
    ],
)
def test_a_malformed_problem_is_a_programming_error(arguments):
    with pytest.raises(ValueError):
        Problem(**arguments)


@pytest.mark.parametrize("seed", range(5))
def test_the_quick_fit_check_agrees_with_a_full_timetable(seed):
    """The heuristic judges a move from the latest start of the stop after it; replaying the whole new
    plan must always give the same answer."""
    rng = random.Random(300 + seed)
    model, search = filled_search(rng, 12, 3, returns=seed % 2 == 1)
    nodes = search.candidates
    for _ in range(300):
        a = rng.randint(1, len(search.path) - 1)
        b = rng.randint(a, len(search.path) - 1)
        outside = [node for node in nodes if node not in search.path[1:a] + search.path[b:-1]]
        middle = rng.sample(outside, min(len(outside), rng.randint(0, 3)))
        changed = search.path[1:a] + middle + search.path[b:-1]

        assert search._fits(a, middle, b) == (model.timetable(changed) is not None)


@pytest.mark.parametrize("seed", range(6))
def test_moving_stretches_keeps_the_plan_and_its_fit_checks_exact(seed):
    """Moves are timed only until the timetable is the old one again, and latest starts are updated
    only as far as they change: after many moves the plan's times must still be those of a full
    timetable, and the quick fit check must still agree with one."""
    rng = random.Random(500 + seed)
    model, search = filled_search(rng, 16, 4, returns=seed % 2 == 1)
    moved = 0
    for _ in range(400):
        last = len(search.path) - 1
        if last < 3:
            break
        i = rng.randint(1, last - 1)
        end = min(last, i + rng.randint(1, 3))
        j = rng.choice([k for k in range(1, last + 1) if not i <= k <= end])
        stretch = search.path[i:end][:: rng.choice([1, -1])]
        if j < i:
            a, middle, b, run = j, stretch + search.path[j:i], end, (len(stretch), j, i - j)
        else:
            a, middle, b, run = i, search.path[end:j] + stretch, j, (0, end, j - end)
        changed = search.path[1:a] + middle + search.path[b:-1]
        fits = search._fits(a, middle, b, run)

        assert fits == (model.timetable(changed) is not None)
        if fits:
            before = set(itertools.pairwise(search.path))
            search.dirty.clear()
            search._apply(a, middle, b)
            moved += 1
            joined = set(itertools.pairwise(search.path)) - before
            assert search.dirty == {node for pair in joined for node in pair}
            visits = model.timetable(search.path[1:-1])
            assert [(visit.day, visit.end) for visit in visits] == list(
                zip(search.days, search.ends, strict=True)
            )[1:]
    assert moved > 20


def test_a_stop_with_one_place_to_go_takes_it_and_the_stop_there_moves_elsewhere():
    """A (node 2) can only be visited at 09:00 on day 0, where B (node 1) is; C (node 3, a must-see) only
    at 09:30 on day 1. No single insertion, move or swap adds A, as B cannot go to day 1 before C; B
    after C can."""
    early, late = (9 * 60, 10 * 60), (9 * 60 + 30, 10 * 60 + 30)
    model = Model(line(10, 12, 100, windows=[(early, OPEN), (early, None), (None, late)], days=2, must=(2,)))
    nodes = [1, 2, 3]
    search = Search(model, nodes, ranked(model, nodes), Draws(random.Random(0)))
    search.restore([0, 1, 3, search.end_node])
    assert search.unvisited() == [2]

    search.improve()

    assert search.path[1:-1] == [2, 3, 1]
    assert model.timetable(search.path[1:-1]) is not None


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_draws_are_those_of_random(seed):
    """``Draws`` replaces ``random.Random``'s methods in the search; a plan must not depend on which."""
    ours, theirs = Draws(random.Random(seed)), random.Random(seed)
    items = list(range(30))
    shuffled = items[:]
    for n in [1, 2, 3, 7, 8, 40, 1000, 2**40]:
        assert ours.below(n) == theirs.randrange(n)
        assert ours.between(-3, n) == theirs.randint(-3, n)
        assert ours.uniform(0.3, 1.0) == theirs.uniform(0.3, 1.0)
        ours.shuffle(items)
        theirs.shuffle(shuffled)
        assert items == shuffled
        assert ours.random() == theirs.random()
