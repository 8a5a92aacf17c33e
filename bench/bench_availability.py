"""Availability search benchmark: 1,000 room types with a year of inventory rows on SQLite.

Run: ``.venv/bin/python bench/bench_availability.py [--runs 50] [--room-types 1000]``. It builds its own
database in a temporary folder (nothing else is touched), then times ``homestays_available`` for varied
stays and prints the median and 95th percentile in milliseconds and the queries per search.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOMESTAYS_PER_VILLAGE = 10
ROOM_TYPES_PER_HOMESTAY = 4
BATCH = 5000
LATITUDE, LONGITUDE = Decimal("37.52"), Decimal("111.13")
PAGE = 21  # a page of 20 homestays, and one more to know whether there is a next page


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tourism.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(room_type_count: int, rng: random.Random) -> None:
    from django.utils import timezone

    from bookings.models import Booking, BookingNight, PriceRule, RoomNight
    from villages.models import Homestay, RoomType, Village

    today = timezone.localdate()
    homestay_count = room_type_count // ROOM_TYPES_PER_HOMESTAY
    villages = Village.objects.bulk_create(
        Village(
            slug=f"v{v}",
            name=f"村{v}",
            township="信义镇",
            summary="-",
            latitude=LATITUDE,
            longitude=LONGITUDE,
            is_published=True,
        )
        for v in range(max(1, homestay_count // HOMESTAYS_PER_VILLAGE))
    )
    homestays = Homestay.objects.bulk_create(
        Homestay(
            village=villages[h % len(villages)],
            slug=f"h{h}",
            name=f"民宿{h}",
            summary="-",
            latitude=LATITUDE,
            longitude=LONGITUDE,
        )
        for h in range(homestay_count)
    )
    room_types = RoomType.objects.bulk_create(
        RoomType(
            homestay=homestays[r % homestay_count],
            name=f"房{r}",
            capacity=rng.choice([2, 2, 3, 4]),
            room_count=rng.choice([1, 2, 3, 5]),
            base_price=Decimal(rng.randrange(120, 600)),
            weekend_price=Decimal(rng.randrange(600, 800)),
            holiday_price=Decimal(rng.randrange(800, 1200)),
            min_nights=rng.choice([1, 1, 1, 2]),
        )
        for r in range(room_type_count)
    )
    nights = [today + timedelta(days=d) for d in range(365)]
    rows = []
    for room_type in room_types:
        for night in nights:
            booked = rng.choice([0, 0, 0, 1]) if room_type.room_count > 1 else rng.choice([0, 0, 1])
            rows.append(
                RoomNight(
                    room_type=room_type,
                    night=night,
                    rooms_total=room_type.room_count,
                    rooms_booked=min(booked, room_type.room_count),
                    price_override=Decimal(rng.randrange(150, 900)) if rng.random() < 0.03 else None,
                )
            )
        if len(rows) >= BATCH:
            RoomNight.objects.bulk_create(rows)
            rows = []
    RoomNight.objects.bulk_create(rows)
    PriceRule.objects.bulk_create(
        PriceRule(
            room_type=rng.choice(room_types),
            first_night=(start := rng.choice(nights)),
            last_night=start + timedelta(days=rng.randrange(1, 20)),
            price=Decimal(rng.randrange(150, 900)),
        )
        for _ in range(200)
    )
    expired_at = timezone.now() - timedelta(minutes=5)
    for n in range(50):  # holds that are over but not cleaned up: the search must count them as free
        room_type, night = rng.choice(room_types), rng.choice(nights[:-1])
        RoomNight.objects.filter(room_type=room_type, night=night, rooms_booked=0).update(rooms_held=1)
        booking = Booking.objects.create(
            reference=f"BENCH{n:03d}",
            homestay_id=room_type.homestay_id,
            room_type=room_type,
            check_in=night,
            check_out=night + timedelta(days=1),
            guests=1,
            total=room_type.base_price,
            hold_expires_at=expired_at,
            lead_guest_name="测试",
            lead_guest_phone="13800138000",
        )
        BookingNight.objects.create(
            booking=booking, room_type=room_type, night=night, rooms=1, price=booking.total
        )


def bench(runs: int, rng: random.Random, limit: int | None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bookings.selectors import homestays_available

    today = timezone.localdate()
    timings, queries, found = [], set(), []
    for _ in range(runs):
        check_in = today + timedelta(days=rng.randrange(1, 330))
        criteria: dict[str, Any] = {
            "check_in": check_in,
            "check_out": check_in + timedelta(days=rng.randrange(1, 5)),
            "guests": rng.randrange(1, 5),
            "limit": limit,
        }
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            results = homestays_available(**criteria)
            timings.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured.captured_queries))
        found.append(sum(len(result.offers) for result in results))
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"{'all results' if limit is None else f'first {limit} homestays'}: {runs} searches")
    print(f"  room types returned per search: median {statistics.median(found):.0f}")
    print(f"  queries per search: {sorted(queries)}")
    print(f"  median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--room-types", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261001)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        started = time.perf_counter()
        build(options.room_types, rng)
        print(f"built {options.room_types} room types x 365 nights in {time.perf_counter() - started:.1f} s")
        bench(options.runs, random.Random(options.seed), limit=None)
        bench(options.runs, random.Random(options.seed), limit=PAGE)


if __name__ == "__main__":
    main()
