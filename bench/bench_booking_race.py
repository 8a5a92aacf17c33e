"""Booking race through gunicorn on PostgreSQL: hundreds of tourists book the same few rooms at once.

Run: ``.venv/bin/python bench/bench_booking_race.py [--database-url URL] [--last-room-attempts 100]
[--attempts 400] [--room-types 8] [--concurrency 32] [--me-requests 1000]``; the 10,000-attempt contest
is ``--last-room-attempts 10000``. It drops and recreates the database (default
postgres://postgres@127.0.0.1:5432/lishi_bench_race), seeds the room types, creates the tourists
and their session tokens, starts ``gunicorn tourism.wsgi --workers 4 --threads 4`` on a free loopback
port and fires two contests from a bounded pool of client threads: the last room (every attempt for the
same two nights of a room type of 1 room: exactly one may win) and few rooms (overlapping stays of 1-3
nights over room types of 1-3 rooms). Then it stops gunicorn and prints the outcome. Oversells are
counted from the database twice: counters above the rooms on any night, and the live bookings recounted
per night against the rooms. Exit status 1 on any oversell, any answer other than 201 or 409, or a
booking count that differs from the 201 answers.

Beside the contests, at the same client concurrency and through the same server, it measures
``GET /api/me`` (a signed-in read: session token, user, roles) before and after them, and reports each
contest's attempts per second as a ratio of that (issue 15's target: at least 0.5). Last, in this
process, it counts the SQL statements of one ``POST /api/bookings`` that books and of one refused
because the room is taken (Django's count, BEGIN and COMMIT included, the task queued after commit
too), through Django's test client against the same database.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

from harness import ROOT, machine, setup_django, summary

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lishi_bench_race"
HOST = "127.0.0.1"
WORKERS, THREADS = 4, 4
ATTEMPTS_PER_TOURIST = 2  # well under the API's 20 booking attempts per tourist and minute
LEAD_DAYS = 10
STAY_STARTS = 4  # stays start on one of 4 consecutive days and last 1-3 nights: they overlap
READY_SECONDS = 30
WARM_UPS = 4 * WORKERS * THREADS
LATITUDE, LONGITUDE = Decimal("37.52"), Decimal("111.13")


def seed(room_type_count: int, tourist_count: int, rng: random.Random) -> tuple[list, list[str]]:
    """A room type of 1 room (the last-room contest), then room types of 1-3 rooms, each in its own
    instant-book homestay, and one session token per tourist (see ``tourist_tokens``)."""
    from villages.models import Homestay, RoomType, Village

    village = Village.objects.create(
        slug="race", name="赛跑村", township="信义镇", summary="-", latitude=LATITUDE, longitude=LONGITUDE
    )
    room_types = [
        RoomType.objects.create(
            homestay=Homestay.objects.create(
                village=village,
                slug=f"h{n}",
                name=f"民宿{n}",
                summary="-",
                latitude=LATITUDE,
                longitude=LONGITUDE,
            ),
            name=f"房{n}",
            capacity=2,
            room_count=1 if n == 0 else rng.choice([1, 2, 3]),
            base_price=Decimal("200.00"),
        )
        for n in range(room_type_count + 1)
    ]
    return room_types, tourist_tokens(tourist_count)


def tourist_tokens(count: int) -> list[str]:
    """``count`` new tourists, each with a signed-in session: what allauth's app login hands out as
    X-Session-Token."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password

    # Tourists who signed up by e-mail or phone chose a password (one hash for all: hashing is slow).
    # Someone signed in by WeChat alone has none, and booking asks once more whether they have added a
    # phone (common.contact.contact_missing): one statement more than these.
    password = make_password("jujube-cave-2026")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"tourist{n}", email=f"tourist{n}@example.com", password=password)
        for n in range(count)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    tokens = []
    for user in users:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        tokens.append(session.session_key)
    return tokens


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# Online payment switched on so online bookings are taken (held for payment). Stripe is only called when
# a guest goes to pay, which the benchmark never does, so these keys never leave the machine. Every client
# thread comes from 127.0.0.1: the per-address booking limit (meant for one phone or one office behind the
# proxy) would refuse the contest itself, so it is lifted; the per-user one stays. The same settings serve
# gunicorn and this process (the query count).
BENCH_ENV = {
    "STRIPE_SECRET_KEY": "sk_test_bench_unsent",
    "STRIPE_WEBHOOK_SECRET": "whsec_bench_unused",
    "BOOKING_CREATE_RATE_PER_ADDRESS_PER_MINUTE": "1000000",
}


def start_gunicorn(database_url: str, port: int, log) -> subprocess.Popen:
    env = {**os.environ, **BENCH_ENV, "DATABASE_URL": database_url, "DEBUG": "false", "ALLOWED_HOSTS": HOST}
    env.pop("DJANGO_ENV", None)
    command = [sys.executable, "-m", "gunicorn", "tourism.wsgi", "--workers", str(WORKERS)]
    command += ["--threads", str(THREADS), "--bind", f"{HOST}:{port}"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603


def call(port: int, method: str, path: str, body: dict | None = None, token: str = "") -> int:
    client = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Content-Type": "application/json", **({"X-Session-Token": token} if token else {})}
        client.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = client.getresponse()
        response.read()
        return response.status
    finally:
        client.close()


def wait_until_ready(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            if call(port, "GET", "/api/themes") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {READY_SECONDS} s")


def warm_up(port: int, tokens: list[str], concurrency: int) -> None:
    """Signed-in reads until every worker thread has loaded the code and opened its connection."""
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        statuses = set(
            pool.map(lambda token: call(port, "GET", "/api/bookings", token=token), tokens[:WARM_UPS])
        )
    if statuses != {200}:
        raise SystemExit(f"the session tokens were refused: {statuses}")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def stay_body(room_type_id: int, check_in, nights: int, n: int, payment: str = "online") -> dict:
    return {
        "room_type_id": room_type_id,
        "check_in": check_in.isoformat(),
        "check_out": (check_in + timedelta(days=nights)).isoformat(),
        "guests": 1,
        "lead_guest_name": f"客人{n}",
        "lead_guest_phone": "13800138000",
        "payment": payment,
    }


def contest_plans(room_types: list, tokens: list[str], options, rng: random.Random) -> dict[str, list]:
    """The last room: every attempt for the same 2 nights of the 1-room room type, each by another
    tourist. Few rooms: overlapping stays of 1-3 nights over the other room types, paid either way."""
    from common.clock import local_today

    first_day = local_today() + timedelta(days=LEAD_DAYS)
    last_room, others = room_types[0], room_types[1:]
    last = [
        (stay_body(last_room.pk, first_day, 2, n), tokens[n % len(tokens)])
        for n in range(options.last_room_attempts)
    ]
    few = [
        (
            stay_body(
                rng.choice(others).pk,
                first_day + timedelta(days=rng.randrange(STAY_STARTS)),
                rng.randint(1, 3),
                n,
                rng.choice(["online", "at_homestay"]),
            ),
            tokens[(options.last_room_attempts + n) % len(tokens)],
        )
        for n in range(options.attempts)
    ]
    return {"the last room": last, "few rooms": few}


def race(port: int, plan: list, concurrency: int) -> tuple[list[tuple[int, float]], float]:
    """Every attempt of the plan from ``concurrency`` client threads: (status, milliseconds) each."""

    def attempt(item):
        body, token = item
        started = time.perf_counter()
        try:
            status = call(port, "POST", "/api/bookings", body, token)
        except OSError:
            status = 0  # no answer at all
        return status, (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(attempt, plan))
    return results, time.perf_counter() - started


def reads(
    port: int, tokens: list[str], count: int, concurrency: int
) -> tuple[list[tuple[int, float]], float]:
    """``count`` signed-in ``GET /api/me`` from ``concurrency`` client threads, with the tourists' tokens."""

    def one(token: str):
        started = time.perf_counter()
        try:
            status = call(port, "GET", "/api/me", token=token)
        except OSError:
            status = 0
        return status, (time.perf_counter() - started) * 1000

    plan = [tokens[n % len(tokens)] for n in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, plan))
    return results, time.perf_counter() - started


def queries_per_booking(token: str, other_token: str) -> dict[str, int]:
    """SQL statements of one booking that is made and one refused (the room is taken), counted by Django
    around its test client: what gunicorn's workers run for the same request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from common.clock import local_today
    from villages.models import Homestay, RoomType, Village

    room_type = RoomType.objects.create(
        homestay=Homestay.objects.create(
            village=Village.objects.get(slug="race"),
            slug="counted",
            name="计数民宿",
            summary="-",
            latitude=LATITUDE,
            longitude=LONGITUDE,
        ),
        name="计数房",
        capacity=2,
        room_count=1,
        base_price=Decimal("200.00"),
    )
    body = stay_body(room_type.pk, local_today() + timedelta(days=LEAD_DAYS), 2, 0)
    counts = {}
    for label, user_token, expected in (
        ("booked (201)", token, 201),
        ("refused, room taken (409)", other_token, 409),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(
                "/api/bookings",
                body,
                content_type="application/json",
                headers={"x-session-token": user_token},
            )
        if response.status_code != expected:
            raise SystemExit(
                f"query count: expected {expected}, got {response.status_code}: {response.content!r}"
            )
        counts[label] = len(queries.captured_queries)
    return counts


def oversells(last_room_id: int) -> dict[str, int]:
    """Nights sold beyond the rooms (see ``oversold_nights``), and the last room's nights not sold
    exactly once."""
    from bookings.models import RoomNight

    last_room = RoomNight.objects.filter(room_type_id=last_room_id).values_list("rooms_booked", "rooms_held")
    taken = [booked + held for booked, held in last_room]
    return {
        **oversold_nights(),
        "last room: nights not taken exactly once": sum(n != 1 for n in taken) + 2 - len(taken),
    }


def oversold_nights() -> dict[str, int]:
    """Nights sold beyond the rooms, by the counters and by recounting the live bookings."""
    from django.db.models import F

    from bookings.models import Booking, BookingNight, RoomNight
    from villages.models import RoomType

    over_counters = RoomNight.objects.filter(
        rooms_total__lt=F("rooms_booked") + F("rooms_held") + F("rooms_closed")
    ).count()
    live = (Booking.Status.HELD, Booking.Status.CONFIRMED)
    sold: defaultdict[tuple[int, date], int] = defaultdict(int)
    for room_type_id, night, rooms in BookingNight.objects.filter(booking__status__in=live).values_list(
        "room_type_id", "night", "rooms"
    ):
        sold[room_type_id, night] += rooms
    room_counts = dict(RoomType.objects.values_list("pk", "room_count"))
    counters = {
        (row.room_type_id, row.night): row.rooms_booked + row.rooms_held for row in RoomNight.objects.all()
    }
    return {
        "nights over their rooms (counters)": over_counters,
        "nights over their rooms (recount of bookings)": sum(
            rooms > room_counts[room_type_id] for (room_type_id, _night), rooms in sold.items()
        ),
        "nights whose counters differ from the recount": sum(
            counters.get(key, 0) != sold.get(key, 0) for key in set(counters) | set(sold)
        ),
    }


def report_contest(name: str, results: list[tuple[int, float]], seconds: float) -> Counter[int]:
    statuses = Counter(status for status, _ms in results)
    others = {status: n for status, n in statuses.items() if status not in (201, 409)}
    latency = summary([ms for _status, ms in results])
    print(
        f"{name}: attempts {len(results)}  201: {statuses[201]}  409: {statuses[409]}  other: {others or 0}"
    )
    print(
        f"  wall {seconds:.2f} s  requests/s {len(results) / seconds:.0f}  bookings/s "
        f"{statuses[201] / seconds:.1f}  latency p50 {latency['median']:.0f} ms  p95 {latency['p95']:.0f} ms"
    )
    return statuses


def report_reads(name: str, results: list[tuple[int, float]], seconds: float) -> float:
    statuses = Counter(status for status, _ms in results)
    latency = summary([ms for _status, ms in results])
    rate = len(results) / seconds
    print(
        f"{name}: requests {len(results)}  statuses {dict(statuses)}  wall {seconds:.2f} s"
        f"  requests/s {rate:.0f}  latency p50 {latency['median']:.0f} ms  p95 {latency['p95']:.0f} ms"
    )
    return rate


def report(outcomes: dict, me: dict, options, database_url: str, last_room_id: int) -> bool:
    from bookings.models import Booking

    print(f"machine: {machine()}, load average {' '.join(f'{n:.1f}' for n in os.getloadavg())} at the end")
    print(f"database: {database_url.split('@')[-1]}")
    print(f"server: gunicorn tourism.wsgi --workers {WORKERS} --threads {THREADS}, DEBUG off")
    print(f"client: {options.concurrency} threads, a new connection per request, loopback")
    print(f"room types: 1 of 1 room (the last room), {options.room_types} of 1-3 rooms (few rooms)")
    me_rates = [report_reads(f"GET /api/me ({name})", *run) for name, run in me.items()]
    me_rate = statistics.median(me_rates)
    statuses: Counter[int] = Counter()
    for name, (results, seconds) in outcomes.items():
        statuses += report_contest(name, results, seconds)
        ratio = len(results) / seconds / me_rate
        print(
            f"  attempts/s over GET /api/me requests/s (median of {len(me_rates)} runs): {ratio:.2f}"
            " (target 0.5)"
        )
    found = oversells(last_room_id)
    for label, value in found.items():
        print(f"{label}: {value}")
    bookings = Booking.objects.count()
    print(f"bookings in the database: {bookings} (201 answers: {statuses[201]})")
    others = set(statuses) - {201, 409}
    me_failed = any(status != 200 for results, _seconds in me.values() for status, _ms in results)
    return not others and not me_failed and bookings == statuses[201] and not any(found.values())


def postgres_reachable(database_url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--last-room-attempts", type=int, default=100)
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--room-types", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--me-requests", type=int, default=1000, help="GET /api/me before and after the contests"
    )
    parser.add_argument("--seed", type=int, default=20261001)
    options = parser.parse_args()
    if options.database_url.startswith("postgres") and not postgres_reachable(options.database_url):
        print(f"skipped: PostgreSQL is not reachable at {options.database_url.split('@')[-1]}")
        return 0
    os.environ.update(BENCH_ENV)
    database_url = setup_django(options.database_url)
    rng = random.Random(options.seed)
    attempts = options.last_room_attempts + options.attempts
    room_types, tokens = seed(options.room_types, -(-attempts // ATTEMPTS_PER_TOURIST), rng)
    plans = contest_plans(room_types, tokens, options, rng)
    from django.db import connection

    connection.close()
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="lishi-gunicorn-", suffix=".log", delete=False) as log:
        server = start_gunicorn(database_url, port, log)
        try:
            wait_until_ready(port, server)
            warm_up(port, tokens, options.concurrency)
            me = {"before": reads(port, tokens, options.me_requests, options.concurrency)}
            outcomes = {name: race(port, plan, options.concurrency) for name, plan in plans.items()}
            me["after"] = reads(port, tokens, options.me_requests, options.concurrency)
        finally:
            stop(server)
    passed = report(outcomes, me, options, database_url, room_types[0].pk)
    for label, count in queries_per_booking(tokens[-1], tokens[-2]).items():
        print(f"SQL statements of one POST /api/bookings, {label}: {count}")
    if not passed:
        print(f"FAILED; gunicorn's log: {log.name}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
