"""Pace: at a balanced (the default) or relaxed pace the chosen stops are spread over the days asked
for, as evenly as their hours allow, in the solver's order (so the same travel); at a packed pace each
visit is as early as it can be. Reasons say what really keeps a stop out."""

import random

import pytest

from tests.tourism.planner.test_solver import OPEN, line, random_problem
from tourism.planner.model import Model
from tourism.planner.solver import Problem, Reason, Stop, solve
from tourism.planner.spread import spread


def spread_days(problem: Problem):
    solution = solve(problem)
    visits, finish = spread(Model(problem), solution.visits, solution.finish)
    return solution, visits, finish


def per_day(visits, days: int) -> list[int]:
    return [sum(1 for visit in visits if visit.day == day) for day in range(days)]


def test_five_must_sees_on_a_three_day_trip_are_not_all_on_day_one():
    problem = line(10, 20, 30, 40, 50, visit=60, days=3, must=range(5))
    solution, visits, _finish = spread_days(problem)
    assert per_day(solution.visits, 3) == [5, 0, 0]  # what the solver alone does: everything fits day 1
    assert sorted(per_day(visits, 3), reverse=True) == [2, 2, 1]
    assert [visit.stop for visit in visits] == [visit.stop for visit in solution.visits]  # same order


def test_spreading_never_drops_a_stop_and_keeps_every_window(seed_count=30):
    for seed in range(seed_count):
        rng = random.Random(seed)
        problem = random_problem(rng, rng.randint(2, 9), rng.randint(2, 4), returns=seed % 2 == 0)
        model = Model(problem)
        solution, visits, finish = spread_days(problem)
        assert sorted(v.stop for v in visits) == sorted(v.stop for v in solution.visits)
        assert model.travel([v.stop + 1 for v in visits]) == solution.travel
        assert len({v.day for v in visits}) >= len({v.day for v in solution.visits})
        for visit in visits:
            stop = problem.stops[visit.stop]
            window = stop.windows[visit.day]
            assert window is not None
            day_start, day_end = problem.days[visit.day]
            assert max(window[0], day_start) <= visit.start
            assert visit.end == visit.start + stop.visit <= min(window[1], day_end)
        if problem.return_to_start:
            assert finish.arrival <= problem.days[finish.day][1]


def test_a_stop_open_only_on_the_first_day_stays_there():
    windows = [(OPEN, None, None), (OPEN,) * 3, (OPEN,) * 3]
    problem = line(10, 20, 30, visit=60, days=3, windows=windows)
    _solution, visits, _finish = spread_days(problem)
    first = next(visit for visit in visits if visit.stop == 0)
    assert first.day == 0
    assert len({visit.day for visit in visits}) == 3


def test_one_stop_or_one_day_is_left_as_it_is():
    for problem in (line(10, visit=60, days=3), line(10, 20, visit=60, days=1)):
        solution, visits, finish = spread_days(problem)
        assert list(visits) == list(solution.visits) and finish == solution.finish


def test_a_visit_that_fills_the_day_is_longer_than_the_day_not_too_far():
    """Day 08:00-12:00, a 240-minute visit 3 minutes away: only a visit starting at 08:00 would fit."""
    problem = Problem([[0, 3], [3, 0]], [Stop(240, ((8 * 60, 12 * 60),))], [(8 * 60, 12 * 60)])
    assert [dropped.reason for dropped in solve(problem).dropped] == [Reason.LONGER_THAN_DAY]


def test_a_far_stop_with_a_short_visit_is_still_too_far():
    problem = line(600, visit=30)
    assert [dropped.reason for dropped in solve(problem).dropped] == [Reason.TOO_FAR]


@pytest.mark.parametrize(("pace", "days_used"), [("normal", 3), ("relaxed", 3), ("packed", 1)])
def test_the_pace_decides_whether_days_are_balanced(db, catalogue, pace, days_used):
    from tests.tourism.planner.test_services import plan

    trip = plan(attraction=[catalogue["museum"].pk], village=["guihua", "yancun"], pace=pace, days="3")
    stops = [len(day.stops) for day in trip.days]
    assert sum(stops) == 3
    assert sum(1 for count in stops if count) == days_used


def test_the_reason_reaches_the_page(db, catalogue, client):
    from tests.tourism.planner.conftest import trip_params

    museum = catalogue["museum"]
    museum.visit_minutes = 240
    museum.save()
    response = client.get(
        "/plan/", trip_params(attraction=[museum.pk], day_start="09:00", day_end="13:00", pace="normal")
    )
    assert response.status_code == 200
    assert "游览时间比一天还长" in response.text and "太远" not in response.text
