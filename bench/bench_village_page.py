"""Village page server time at 10x the demo data, as a ratio to a minimal Django template view.

Both go through the full middleware stack with Django's test client in one process, so the ratio
cancels out the machine's speed; the two are timed in turn, request by request, so that load from other
work on the machine falls on both alike. Each request is timed twice: wall-clock time, and the CPU time of
this thread (``time.thread_time``), which leaves out the time other processes had the CPU.

- warm: the page's content is in the cache (``villages.fragments``), as for every visitor after the first.
- cold: the first request after an edit of the village's content (an attraction saved), which renders
  the content again and caches it.

Run: `make bench`, or `.venv/bin/python bench/bench_village_page.py [DATABASE_URL]`.
"""

import sys
import time

from harness import ROOT, machine, setup_django, summary

REPEAT = 200
COLD_REPEAT = 40
WARMUP = 3
SCALE = 10


class Samples:
    """Wall-clock and CPU milliseconds of each call."""

    def __init__(self):
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, fn):
        wall, cpu = time.perf_counter(), time.thread_time()
        result = fn()
        self.cpu.append((time.thread_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)
        return result


def main() -> None:
    database_url = setup_django(sys.argv[1] if len(sys.argv) > 1 else None)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from villages.models import Attraction

    settings.ROOT_URLCONF = "bench.urls"
    settings.TEMPLATES[0]["DIRS"].append(ROOT / "bench" / "templates")
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("seed_demo", scale=SCALE, stdout=open("/dev/null", "w"))  # noqa: SIM115

    client = Client()
    village_url, minimal_url = "/villages/dujiashan/", "/bench/minimal/"
    attraction = Attraction.objects.filter(village__slug="dujiashan", is_published=True).earliest("pk")

    def edit(round_: int) -> str:
        attraction.summary = f"{attraction.summary.split(' #')[0]} #{round_}"
        attraction.save()
        return attraction.summary

    def cold(round_: int, samples: Samples) -> None:
        summary_text = edit(round_)
        response = samples.time(lambda: client.get(village_url))
        assert summary_text in response.text, "the edit must show on the next request"

    assert client.get(village_url).status_code == 200
    assert client.get(minimal_url).status_code == 200
    edit(0)
    with CaptureQueriesContext(connection) as queries:
        client.get(village_url)
    cold_queries = len(queries)  # counted now: the next request empties the connection's log
    with CaptureQueriesContext(connection) as queries:
        response = client.get(village_url)
    warm_queries = len(queries)
    html_kb = len(response.content) / 1024

    for _ in range(WARMUP):
        client.get(village_url), client.get(minimal_url)
    warm, minimal = Samples(), Samples()
    for _ in range(REPEAT):
        warm.time(lambda: client.get(village_url))
        minimal.time(lambda: client.get(minimal_url))
    cold_samples, cold_minimal = Samples(), Samples()
    for round_ in range(1, COLD_REPEAT + 1):
        cold(round_, cold_samples)
        cold_minimal.time(lambda: client.get(minimal_url))

    print(f"machine: {machine()}")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    print(
        f"data: demo x{SCALE}; village page: {warm_queries} SQL queries warm, {cold_queries} cold; "
        f"{html_kb:.0f} KB of HTML"
    )
    report("warm", warm, minimal, REPEAT)
    report("cold (the first request after saving an attraction)", cold_samples, cold_minimal, COLD_REPEAT)


def report(name: str, page: Samples, minimal: Samples, n: int) -> None:
    print(f"village page {name}, n={n}, each in turn with the minimal view:")
    for clock in ("wall", "cpu"):
        page_ms, minimal_ms = summary(getattr(page, clock)), summary(getattr(minimal, clock))
        print(
            f"  {clock:4}  village median {page_ms['median']:.2f} ms (p95 {page_ms['p95']:.2f})  "
            f"minimal median {minimal_ms['median']:.2f} ms  "
            f"ratio of medians {page_ms['median'] / minimal_ms['median']:.1f}x"
        )


if __name__ == "__main__":
    main()
