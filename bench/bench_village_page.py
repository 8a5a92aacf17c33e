"""Village page server time at 10x the demo data, as a ratio to a minimal Django template view.

Both go through the full middleware stack with Django's test client in one process, so the ratio
cancels out the machine's speed.
Run: `make bench`, or `.venv/bin/python bench/bench_village_page.py [DATABASE_URL]`.
"""

import sys

from harness import ROOT, machine, setup_django, summary, timed

REPEAT = 200
SCALE = 10


def main() -> None:
    database_url = setup_django(sys.argv[1] if len(sys.argv) > 1 else None)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ROOT_URLCONF = "bench.urls"
    settings.TEMPLATES[0]["DIRS"].append(ROOT / "bench" / "templates")
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("seed_demo", scale=SCALE, stdout=open("/dev/null", "w"))  # noqa: SIM115

    client = Client()
    village_url, minimal_url = "/villages/dujiashan/", "/bench/minimal/"
    assert client.get(village_url).status_code == 200
    assert client.get(minimal_url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(village_url)
    query_count, html_kb = len(queries.captured_queries), len(response.content) / 1024

    village = summary(timed(lambda: client.get(village_url), repeat=REPEAT))
    minimal = summary(timed(lambda: client.get(minimal_url), repeat=REPEAT))
    print(f"machine: {machine()}")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    print(f"data: demo x{SCALE}; village page: {query_count} SQL queries, {html_kb:.0f} KB of HTML")
    print(f"village page  median {village['median']:.2f} ms  p95 {village['p95']:.2f} ms  (n={REPEAT})")
    print(f"minimal view  median {minimal['median']:.2f} ms  p95 {minimal['p95']:.2f} ms  (n={REPEAT})")
    print(f"ratio (medians): {village['median'] / minimal['median']:.1f}x")


if __name__ == "__main__":
    main()
