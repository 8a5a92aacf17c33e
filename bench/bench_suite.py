"""The test suite serially (one process) and in parallel (pytest-xdist, `make test`), timed in one run.

Each run is the whole suite as CI runs it (browser tests required when Chromium is here), in a fresh
process, the two modes alternating so that other load on the machine falls on both. `--baseline REF`
also times REF's suite serially from a git worktree of that commit, as `make test` ran before it was
parallel. Wall time is what a developer waits; CPU is the children's user + system time, and the
machine's busy time, which also counts the Chromium processes the children's accounting misses.

    .venv/bin/python bench/bench_suite.py [--rounds N] [--jobs auto,3] [--baseline REF]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lishi_bench .venv/bin/python bench/bench_suite.py
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import ROOT, machine


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since it started (Linux's /proc/stat; 0 elsewhere).

    This also counts what a run's child accounting misses: some of Chromium's processes never reach the
    pytest process's RUSAGE_CHILDREN (50-90 s of a whole run, by process accounting)."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = ticks[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_suite(where: Path, jobs: str | None) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds of the children, busy CPU seconds of the machine, pytest's last line) of
    one whole run; jobs None: no xdist at all."""
    command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if jobs is not None:
        command += ["-n", jobs, "--dist", "worksteal"]  # as `make test` runs it
    env = dict(os.environ, E2E_REQUIRED=os.environ.get("E2E_REQUIRED", "1"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as `make test`: rewritten test modules are cached
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = machine_busy()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    busy = machine_busy() - busy
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    if result.returncode != 0:
        sys.exit(f"the suite failed ({' '.join(command)} in {where}):\n{result.stdout[-3000:]}")
    return wall, cpu, busy, last


def baseline_tree(ref: str) -> Path:
    where = Path(tempfile.mkdtemp(prefix="lishi-bench-suite-")) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(where), ref], cwd=ROOT, check=True)  # noqa: S603, S607
    (where / ".venv").symlink_to(ROOT / ".venv")
    # The compiled trip solver is built per tree (its digest guards it): build it as `make install` does.
    subprocess.run(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "python"), "-c", "from tourism.planner.native import build; build()"],
        cwd=where,
        env=dict(os.environ, PLANNER_NATIVE="0"),
        check=True,
        capture_output=True,
    )
    return where


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1, help="runs of each mode (alternating)")
    parser.add_argument(
        "--jobs", default=str((os.cpu_count() or 1) + 2), help="comma-separated xdist worker counts to time"
    )  # the default is `make test`'s: two more workers than cores
    parser.add_argument("--baseline", help="a commit whose suite is also timed serially")
    args = parser.parse_args()

    modes: list[tuple[str, Path, str | None]] = [("serial (-n 0)", ROOT, "0")]
    modes += [(f"parallel (-n {jobs})", ROOT, jobs) for jobs in args.jobs.split(",")]
    baseline = baseline_tree(args.baseline) if args.baseline else None
    if baseline:
        modes.insert(0, (f"{args.baseline} serial", baseline, None))

    print(machine())
    print(f"database: {os.environ.get('DATABASE_URL', 'SQLite (default)')}; rounds: {args.rounds}")
    walls: dict[str, list[float]] = {name: [] for name, _, _ in modes}
    try:
        for round_ in range(args.rounds):
            for name, where, jobs in modes:
                wall, cpu, busy, last = run_suite(where, jobs)
                walls[name].append(wall)
                print(
                    f"round {round_ + 1} {name:>22}: {wall:7.1f} s, {cpu:7.1f} s CPU of the children, "
                    f"{busy:7.1f} s of the machine · {last}",
                    flush=True,
                )
    finally:
        if baseline:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False)  # noqa: S603, S607
            shutil.rmtree(baseline.parent, ignore_errors=True)

    serial = statistics.median(walls["serial (-n 0)"])
    print("\nmedian wall time, and how many times faster than the serial run of this tree")
    for name, samples in walls.items():
        median = statistics.median(samples)
        print(f"{name:>22}: {median:7.1f} s  {serial / median:4.2f}x")
    if baseline:
        before = statistics.median(walls[f"{args.baseline} serial"])
        for name, samples in walls.items():
            print(f"{name:>22} vs {args.baseline} serial: {before / statistics.median(samples):4.2f}x")


if __name__ == "__main__":
    main()
