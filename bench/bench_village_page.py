"""Village page server time at 10x the demo data, as a ratio to a minimal Django template view.

Both go through the full middleware stack with Django's test client in one process, so the ratio
cancels out the machine's speed; the two are timed in turn, request by request, so that load from other
work on the machine falls on both alike.

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


def elapsed_ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


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
    attraction = Attraction.objects.filter(village__slug="dujiashan", is_published=True).first()

    def edit(round_: int) -> str:
        attraction.summary = f"{attraction.summary.split(' #')[0]} #{round_}"
        attraction.save()
        return attraction.summary

    def cold(round_: int) -> float:
        summary_text = edit(round_)
        start = time.perf_counter()
        response = client.get(village_url)
        took = (time.perf_counter() - start) * 1000
        assert summary_text in response.text, "the edit must show on the next request"
        return took

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
    warm, minimal = [], []
    for _ in range(REPEAT):
        warm.append(elapsed_ms(lambda: client.get(village_url)))
        minimal.append(elapsed_ms(lambda: client.get(minimal_url)))
    cold_samples, cold_minimal = [], []
    for round_ in range(1, COLD_REPEAT + 1):
        cold_samples.append(cold(round_))
        cold_minimal.append(elapsed_ms(lambda: client.get(minimal_url)))

    warm, minimal = summary(warm), summary(minimal)
    cold_samples, cold_minimal = summary(cold_samples), summary(cold_minimal)
    print(f"machine: {machine()}")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    print(
        f"data: demo x{SCALE}; village page: {warm_queries} SQL queries warm, {cold_queries} cold; "
        f"{html_kb:.0f} KB of HTML"
    )
    print(f"village page warm  median {warm['median']:.2f} ms  p95 {warm['p95']:.2f} ms  (n={REPEAT})")
    print(f"minimal view       median {minimal['median']:.2f} ms  p95 {minimal['p95']:.2f} ms  (n={REPEAT})")
    print(f"ratio warm (medians): {warm['median'] / minimal['median']:.1f}x")
    print(
        f"village page cold  median {cold_samples['median']:.2f} ms  p95 {cold_samples['p95']:.2f} ms  "
        f"(n={COLD_REPEAT}, each the first request after saving an attraction)"
    )
    print(f"minimal view       median {cold_minimal['median']:.2f} ms  (n={COLD_REPEAT}, in turn with cold)")
    print(f"ratio cold (medians): {cold_samples['median'] / cold_minimal['median']:.1f}x")


if __name__ == "__main__":
    main()
