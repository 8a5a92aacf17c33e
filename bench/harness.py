"""Helpers shared by the benchmarks: a throwaway database, Django set-up, timing and reporting."""

import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database_url: str | None = None, *, fresh: bool = True) -> str:
    """Point Django at a fresh database (a temporary SQLite file unless a URL is given) and migrate it.
    ``fresh=False`` keeps a PostgreSQL database that exists already (a benchmark reusing its data)."""
    if database_url is None:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='lishi-bench-')}/bench.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"  # measure what production runs: no query log, no debug pages
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tourism.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="lishi-bench-media-"))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    if not database_url.startswith("sqlite"):
        _recreate_postgres_database(database_url, fresh=fresh)
    call_command("migrate", verbosity=0)
    return database_url


def _recreate_postgres_database(database_url: str, *, fresh: bool = True) -> None:
    import psycopg
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not fresh:
            return
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds per call, after a few warm-up calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "min": ordered[0],
    }


def machine() -> str:
    cores = os.cpu_count()
    return f"{platform.node()} · {cores} cores · Python {platform.python_version()} · {platform.platform()}"
