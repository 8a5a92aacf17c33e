"""Load test through gunicorn on PostgreSQL: tourists browse, search, plan trips and book at the same time.

Run: ``.venv/bin/python bench/bench_load.py [--database-url URL] [--users 100] [--seconds 60] [--scale 1]``.
Needs locust (the ``bench`` extra: ``pip install ".[bench]"``); skipped without it or without PostgreSQL.

It drops and recreates the database (default postgres://postgres@127.0.0.1:5432/lishi_bench_load), loads
``seed_demo --scale N``, creates one signed-in tourist per simulated user, starts gunicorn as
``bench_booking_race`` does (4 workers x 4 threads, DEBUG off) on a free loopback port and runs locust in
this process (``locust.env.Environment`` and its local runner) for ``--seconds`` after all users are
spawned. The simulated users, with think times between requests:

* browsers: home, village list, village, attraction, homestay and route pages (some in English) and the
  HTML stays search with dates;
* searchers: ``GET /api/availability`` with dates (some by village or price), the HTML search, the
  catalogue API;
* planners: ``POST /api/trips/plan`` with 3-8 attractions over 1-3 days;
* bookers (each their own tourist and ``X-Session-Token``): search availability, book one of the offers
  (sometimes a room type from a stale page) with ``POST /api/bookings``, paying at the homestay, list
  their bookings and now and then cancel one. All bookers want nights of the same week, so rooms
  run out and bookings collide (409). A booker thinks 3-7 s between tasks, 6 in 9 of them a booking:
  at most about 13 attempts a minute, under the limit of 20 (``BOOKING_CREATE_RATE_PER_MINUTE``, left
  as it is), so every booker is a tourist of their own and a 429 would be a failure.

Every request is timed on the client; the report gives requests/s and p50/p95/p99 per kind of request,
the answers by status, then oversells counted from the database (as in ``bench_booking_race``). Exit
status 1 on any 5xx or unanswered request, any status a kind of request should not answer (for a booking:
anything but 201 and 409), any oversell, or a booking count that differs from the 201 answers.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench_booking_race import (
    HOST,
    THREADS,
    WORKERS,
    free_port,
    oversold_nights,
    postgres_reachable,
    start_gunicorn,
    stop,
    tourist_tokens,
    wait_until_ready,
    warm_up,
)
from harness import machine, setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lishi_bench_load"
LEAD_DAYS = 7  # stays start a week ahead, clear of same-day cut-offs
WINDOW_NIGHTS = 7  # every booker wants nights of the same week
STALE_PAGE = 0.2  # share of bookings made from an old search result: the room type may be full by now
SPAWN_SECONDS = 5
STOP_SECONDS = 30
# Who the users are (locust weights) and how long each thinks between requests (seconds).
MIX = {"browser": (10, (1, 4)), "searcher": (5, (1, 3)), "booker": (4, (3, 7)), "planner": (1, (5, 15))}
# What each kind of request may answer; anything else is a failure.
EXPECTED = defaultdict(lambda: {200}, {"API book": {201, 409}})


@dataclass
class Catalogue:
    """What the simulated users pick from: paths and ids of the seeded demo data."""

    villages: list[str]
    attractions: list[tuple[str, str, int]]  # village slug, slug, id
    homestays: list[tuple[str, str]]
    routes: list[tuple[str, str]]
    room_types: list[tuple[int, int, int]]  # id, capacity, minimum nights
    tokens: list[str]
    first_night: date
    window: int = WINDOW_NIGHTS

    def stay(self, rng: random.Random) -> tuple[date, date]:
        nights = rng.choice([1, 1, 2, 2, 3])
        check_in = self.first_night + timedelta(days=rng.randrange(self.window - nights + 1))
        return check_in, check_in + timedelta(days=nights)


@dataclass
class Samples:
    """Every answer of the measured period: milliseconds and status by kind of request."""

    since: float = float("inf")  # time.time() once every user is running
    until: float = float("inf")  # time.time() when the measured period ended
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    bookings_made: int = 0  # 201 answers to bookings, measured or not

    def record(self, name: str, response_time: float, response, start_time: float, **_kwargs) -> None:
        status = getattr(response, "status_code", 0) or 0
        if name == "API book" and status == 201:
            self.bookings_made += 1
        if not self.since <= start_time < self.until:
            return
        self.times[name].append(response_time)
        self.statuses[name][status] += 1


def seed(scale: int, users: int) -> Catalogue:
    from django.core.management import call_command

    from common.clock import local_today
    from villages.models import Attraction, Homestay, RoomType, Route, Village

    call_command("seed_demo", scale=scale, stdout=io.StringIO())
    return Catalogue(
        villages=list(Village.objects.values_list("slug", flat=True)),
        attractions=list(Attraction.objects.values_list("village__slug", "slug", "pk")),
        homestays=list(Homestay.objects.filter(is_published=True).values_list("village__slug", "slug")),
        routes=list(Route.objects.values_list("village__slug", "slug")),
        room_types=list(RoomType.objects.values_list("pk", "capacity", "min_nights")),
        tokens=tourist_tokens(users),
        first_night=local_today() + timedelta(days=LEAD_DAYS),
    )


def user_classes(catalogue: Catalogue, seed_value: int) -> list[type]:
    """The four kinds of tourist as locust users; locust is imported here because it patches the
    standard library for gevent."""
    from locust import FastHttpUser, between, task

    rng = random.Random(seed_value)
    tokens = list(catalogue.tokens)

    def dates(query: dict | None = None) -> dict:
        check_in, check_out = catalogue.stay(rng)
        guests = rng.choice([1, 2, 2, 3])
        return {"check_in": check_in.isoformat(), "check_out": check_out.isoformat(), "guests": guests} | (
            query or {}
        )

    class Browser(FastHttpUser):
        weight, wait_time = MIX["browser"][0], between(*MIX["browser"][1])

        @task(3)
        def home(self):
            self.client.get("/", name="page home")

        @task(1)
        def village_list(self):
            self.client.get("/villages/", name="page village list")

        @task(3)
        def village(self):
            prefix = "/en" if rng.random() < 0.2 else ""
            self.client.get(f"{prefix}/villages/{rng.choice(catalogue.villages)}/", name="page village")

        @task(3)
        def attraction(self):
            village, slug, _pk = rng.choice(catalogue.attractions)
            self.client.get(f"/villages/{village}/attractions/{slug}/", name="page attraction")

        @task(2)
        def homestay(self):
            village, slug = rng.choice(catalogue.homestays)
            self.client.get(f"/villages/{village}/homestays/{slug}/", name="page homestay")

        @task(1)
        def route(self):
            village, slug = rng.choice(catalogue.routes)
            self.client.get(f"/villages/{village}/routes/{slug}/", name="page route")

        @task(2)
        def stays(self):
            self.client.get("/stays/", params=dates(), name="page stays search")

    class Searcher(FastHttpUser):
        weight, wait_time = MIX["searcher"][0], between(*MIX["searcher"][1])

        @task(4)
        def availability(self):
            extra = rng.choice([{}, {}, {"village": rng.choice(catalogue.villages)}, {"max_price": "400"}])
            self.client.get("/api/availability", params=dates(extra), name="API availability")

        @task(3)
        def stays(self):
            extra = rng.choice([{}, {"village": rng.choice(catalogue.villages)}, {"sort": "price"}])
            self.client.get("/stays/", params=dates(extra), name="page stays search")

        @task(1)
        def catalogue_api(self):
            village = rng.choice(catalogue.villages)
            self.client.get("/api/homestays", params={"village": village}, name="API catalogue")

    class Planner(FastHttpUser):
        weight, wait_time = MIX["planner"][0], between(*MIX["planner"][1])

        @task
        def plan(self):
            picked = rng.sample(catalogue.attractions, k=min(len(catalogue.attractions), rng.randint(3, 8)))
            body = {
                "start": {"preset": rng.choice(["station", "airport", "centre"])},
                "stops": [{"attraction": pk, "must": rng.random() < 0.3} for _v, _s, pk in picked],
                "date": catalogue.stay(rng)[0].isoformat(),
                "days": rng.randint(1, 3),
                "mode": "car",
            }
            self.client.post("/api/trips/plan", json=body, name="API trip plan")

    class Booker(FastHttpUser):
        weight, wait_time = MIX["booker"][0], between(*MIX["booker"][1])

        def on_start(self):
            self.headers = {"X-Session-Token": tokens.pop()}
            self.references: list[str] = []

        @task(6)
        def book(self):
            query = dates()
            found = self.client.get("/api/availability", params=query, name="API availability")
            offers = [
                offer["room_type"]["id"]
                for item in (found.json()["items"] if found.status_code == 200 else [])
                for offer in item["offers"]
            ]
            nights = (date.fromisoformat(query["check_out"]) - date.fromisoformat(query["check_in"])).days
            if not offers or rng.random() < STALE_PAGE:
                offers = [
                    pk for pk, capacity, minimum in catalogue.room_types
                    if capacity >= query["guests"] and minimum <= nights
                ]  # fmt: skip
            body = query | {
                "room_type_id": rng.choice(offers),
                "lead_guest_name": "游客",
                "lead_guest_phone": "13800138000",
                "payment": "at_homestay",
            }
            with self.client.post(
                "/api/bookings", json=body, headers=self.headers, name="API book", catch_response=True
            ) as answer:
                if answer.status_code in EXPECTED["API book"]:
                    answer.success()
                if answer.status_code == 201:
                    self.references.append(answer.json()["reference"])

        @task(2)
        def mine(self):
            self.client.get("/api/bookings", headers=self.headers, name="API my bookings")

        @task(1)
        def cancel(self):
            if self.references:
                reference = self.references.pop(rng.randrange(len(self.references)))
                self.client.post(f"/api/bookings/{reference}/cancel", headers=self.headers, name="API cancel")

    return [Browser, Searcher, Planner, Booker]


def run_load(port: int, catalogue: Catalogue, options) -> tuple[Samples, float, float]:
    """The users for ``options.seconds`` after they have all started: samples, measured seconds and the
    load generator's own mean CPU use (percent of one core)."""
    import gevent
    from locust.env import Environment
    from locust.runners import STATE_RUNNING

    samples = Samples()
    classes = user_classes(catalogue, options.seed)
    # Stopping lets every user finish the request it is making, so each booking made has its answer.
    environment = Environment(user_classes=classes, host=f"http://{HOST}:{port}", stop_timeout=STOP_SECONDS)
    environment.events.request.add_listener(samples.record)
    runner = environment.create_local_runner()
    runner.start(options.users, spawn_rate=options.users / SPAWN_SECONDS)
    while runner.state != STATE_RUNNING:
        gevent.sleep(0.1)
    samples.since, cpu_before = time.time(), time.process_time()
    gevent.sleep(options.seconds)
    samples.until = time.time()
    seconds, cpu = samples.until - samples.since, time.process_time() - cpu_before
    runner.quit()
    return samples, seconds, 100 * cpu / seconds


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def report(samples: Samples, seconds: float, cpu: float, options, load: tuple, database_url: str) -> bool:
    from bookings.models import Booking

    print(f"machine: {machine()}; load average before {load[0]:.1f}, after {load[1]:.1f}")
    print(f"database: {database_url.split('@')[-1]}, seed_demo --scale {options.scale}")
    print(f"server: gunicorn tourism.wsgi --workers {WORKERS} --threads {THREADS}, DEBUG off, loopback")
    weights = ", ".join(f"{name} {weight}" for name, (weight, _wait) in MIX.items())
    print(f"client: locust in-process, {options.users} users (weights: {weights}), {seconds:.0f} s measured")
    print(f"load generator (this process) CPU: {cpu:.0f}% of one core on average")
    total = sum(len(times) for times in samples.times.values())
    print(f"requests: {total}, {total / seconds:.1f} requests/s")
    header = f"{'kind':<20} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  statuses"
    print(header)
    failures = 0
    for name in sorted(samples.times):
        ordered = sorted(samples.times[name])
        statuses = samples.statuses[name]
        failures += sum(n for status, n in statuses.items() if status not in EXPECTED[name])
        shown = " ".join(f"{status}:{n}" for status, n in sorted(statuses.items()))
        print(
            f"{name:<20} {len(ordered):>8} {len(ordered) / seconds:>6.1f} {percentile(ordered, 0.5):>7.0f} "
            f"{percentile(ordered, 0.95):>7.0f} {percentile(ordered, 0.99):>7.0f}  {shown}"
        )
    server_errors = sum(n for s in samples.statuses.values() for status, n in s.items() if status >= 500)
    unanswered = sum(s[0] for s in samples.statuses.values())
    print(f"5xx answers: {server_errors}; no answer: {unanswered}; unexpected statuses in all: {failures}")
    found = oversold_nights()
    for label, value in found.items():
        print(f"{label}: {value}")
    created = Booking.objects.filter(user__username__startswith="tourist").count()
    print(f"bookings in the database: {created} (201 answers: {samples.bookings_made})")
    return total > 0 and not failures and not any(found.values()) and created == samples.bookings_made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale")
    parser.add_argument("--seed", type=int, default=20261001)
    options = parser.parse_args()
    try:
        import locust  # noqa: F401  (patches the standard library for gevent: before Django opens sockets)
    except ImportError:
        print('skipped: locust is not installed (pip install ".[bench]")')
        return 0
    if not postgres_reachable(options.database_url):
        print(f"skipped: PostgreSQL is not reachable at {options.database_url.split('@')[-1]}")
        return 0
    database_url = setup_django(options.database_url)
    catalogue = seed(options.scale, options.users)
    from django.db import connection

    connection.close()
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="lishi-gunicorn-", suffix=".log", delete=False) as log:
        server = start_gunicorn(database_url, port, log)
        try:
            wait_until_ready(port, server)
            warm_up(port, catalogue.tokens, WORKERS * THREADS)
            load_before = os.getloadavg()[0]
            samples, seconds, cpu = run_load(port, catalogue, options)
            load_after = os.getloadavg()[0]
        finally:
            stop(server)
    passed = report(samples, seconds, cpu, options, (load_before, load_after), database_url)
    if not passed:
        print(f"FAILED; gunicorn's log: {log.name}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
