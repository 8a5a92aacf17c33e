"""The solver compiled by mypyc (``tourism/planner/native.py``) plans exactly as its sources do, and a
compiled module older than its sources is never run. Where the solver is not compiled these tests skip,
unless ``NATIVE_REQUIRED`` is set (as in CI), where that is an error."""

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tourism.planner.test_solver import random_problem
from tourism.planner import native
from tourism.planner.solver import solve

ROOT = Path(__file__).resolve().parents[3]
TRIPS = [(7, 12, 2), (8, 25, 5), (9, 40, 8), (10, 40, 7)]
"""(seed, stops, days) of the trips solved both ways: the exact search and the heuristic."""
PLANS = """
import json, random, sys
from tests.tourism.planner.test_solver import random_problem
from tourism.planner import native
from tourism.planner.solver import solve
trips = json.loads(sys.argv[1])
plans = [[v.stop for v in solve(random_problem(random.Random(s), n, d)).visits] for s, n, d in trips]
print(json.dumps({"compiled": native.is_compiled(), "plans": plans}))
"""


@pytest.fixture
def compiled():
    if not native.is_compiled():
        message = "行程规划未编译（make install）。 The trip solver is not compiled (make install)."
        if os.environ.get("NATIVE_REQUIRED"):
            pytest.fail(f"NATIVE_REQUIRED is set: {message}")
        pytest.skip(message)


def run(code: str, *arguments: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(cwd), **env}
    return subprocess.run(  # noqa: S603 (our own code, this Python)
        [sys.executable, "-c", code, *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.mark.usefixtures("compiled")
def test_the_compiled_solver_plans_exactly_as_its_sources():
    ours = [[v.stop for v in solve(random_problem(random.Random(s), n, d)).visits] for s, n, d in TRIPS]

    sources = json.loads(run(PLANS, json.dumps(TRIPS), PLANNER_NATIVE="0").stdout)

    assert sources["compiled"] is False
    assert sources["plans"] == ours
    assert all(len(plan) >= 10 for plan in ours)


@pytest.mark.usefixtures("compiled")
def test_a_compiled_module_older_than_its_sources_is_not_run(tmp_path):
    package = tmp_path / "tourism" / "planner"
    package.mkdir(parents=True)
    shutil.copy(ROOT / "tourism" / "__init__.py", package.parent)
    for name in ("__init__", "native", *native.COMPILED):
        shutil.copy(native.HERE / f"{name}.py", package)
    for path in [*native.binaries(), native.DIGEST]:
        shutil.copy(path, package)
    check = "from tourism.planner import native; print(native.is_compiled())"

    fresh = run(check, cwd=tmp_path)
    (package / "heuristic.py").write_text((package / "heuristic.py").read_text() + "\n# changed\n")
    stale = run(check, cwd=tmp_path)

    assert (fresh.stdout.strip(), fresh.stderr) == ("True", "")
    assert stale.stdout.strip() == "False"
    assert "older than its sources" in stale.stderr
    assert "编译版本与源代码不一致" in stale.stderr
