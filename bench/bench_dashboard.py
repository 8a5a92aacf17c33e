"""Group dashboard server time with 100,000 bookings, on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_dashboard.py [--database-url URL] [--bookings 100000] [--runs 20]``.
Without ``--database-url`` it runs itself twice, each in its own process and database: SQLite (a
temporary file) and PostgreSQL (``postgres://postgres@127.0.0.1:5432/lishi_bench_dashboard``, dropped and
recreated; skipped with a note when no server answers). The data: 6 villages of 10 homestays with 2-3
room types each, bookings arriving over 2025-2026 with their nights, owner-closed nights, the inventory
rows of every booked night, and the ledger entries the services would write (payments, the revenue
split, refunds and cancellation fees), made with ``bulk_create``. It times the whole page (``/group/``,
signed in as group staff, through every middleware) for this month, this year and the two years, and
the selector alone, and prints median and 95th percentile in milliseconds and the queries per page.
Target: under 300 ms.

While working on the dashboard, ``--database-url sqlite:////tmp/dashboard.sqlite3 --keep`` (or a
PostgreSQL URL) builds the data once and reuses it on later runs, after migrating it; the default always
builds from scratch.
"""

import argparse
import functools
import random
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from harness import machine, setup_django, summary, timed

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/lishi_bench_dashboard"
SLUGS = ["caijiazhuang", "yancun", "guihua", "dujiashan", "wangyingzhuang", "dadonggou"]
HOMESTAYS_PER_VILLAGE = 10
FIRST_ARRIVAL, LAST_ARRIVAL = date(2025, 1, 1), date(2026, 12, 31)
BATCH = 5000
TARGET_MS = 300
SHANGHAI = ZoneInfo("Asia/Shanghai")
LATITUDE, LONGITUDE = Decimal("37.52"), Decimal("111.13")


def _catalogue(rng: random.Random):
    from bookings.revenue.models import RevenueShareRule
    from villages.models import Homestay, RoomType, Village

    villages = Village.objects.bulk_create(
        Village(slug=slug, name=f"村{n}", township="-", summary="-", latitude=LATITUDE, longitude=LONGITUDE)
        for n, slug in enumerate(SLUGS)
    )
    RevenueShareRule.objects.bulk_create(
        RevenueShareRule(
            village=village,
            effective_from=date(2020, 1, 1),
            commission_rate=Decimal("0.1000"),
            collective_rate=Decimal(rng.choice(["0.0300", "0.0500", "0.0800"])),
        )
        for village in villages
    )
    homestays = Homestay.objects.bulk_create(
        Homestay(
            village=village,
            slug=f"h{n}",
            name=f"民宿{village.slug}{n}",
            summary="-",
            latitude=LATITUDE,
            longitude=LONGITUDE,
        )
        for village in villages
        for n in range(HOMESTAYS_PER_VILLAGE)
    )
    room_types = RoomType.objects.bulk_create(
        RoomType(
            homestay=homestay,
            name=f"房{n}",
            capacity=2,
            room_count=rng.choice([1, 2, 3, 4]),
            base_price=Decimal(rng.randrange(150, 500)),
        )
        for homestay in homestays
        for n in range(rng.choice([2, 3]))
    )
    return room_types


def _closures(room_types, rng: random.Random) -> None:
    """Owner-closed nights: about one night in twenty of every room type has a row, some closed."""
    from bookings.models import RoomNight

    rows, days = [], (LAST_ARRIVAL - FIRST_ARRIVAL).days + 1
    for room_type in room_types:
        for offset in rng.sample(range(days), days // 20):
            rows.append(
                RoomNight(
                    room_type=room_type,
                    night=FIRST_ARRIVAL + timedelta(days=offset),
                    rooms_total=room_type.room_count,
                    rooms_closed=rng.randrange(0, room_type.room_count + 1),
                )
            )
    RoomNight.objects.bulk_create(rows, batch_size=BATCH)


def _inventory(room_types) -> None:
    """The inventory rows the services keep for every room type and night that has a booking (the
    counters stay at zero: the dashboard reads the room counts and closures, not them)."""
    from bookings.models import BookingNight, RoomNight

    counts = {room_type.pk: room_type.room_count for room_type in room_types}
    booked = BookingNight.objects.values_list("room_type_id", "night").distinct().order_by()
    rows = [
        RoomNight(room_type_id=room_type_id, night=night, rooms_total=counts[room_type_id])
        for room_type_id, night in booked.iterator(chunk_size=BATCH)
    ]
    RoomNight.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)  # closed nights have one


def _ledger_lines(booking, rates, status: str, refund: Decimal | None):
    """The entries the payment services write for a paid booking, cancelled or not."""
    from bookings.ledger import Account, Kind, LedgerEntry
    from bookings.revenue.split import split

    provider = "stripe_checkout" if booking.payment == "online" else "at_homestay"
    revenue = (Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE)
    kinds = (Kind.COMMISSION, Kind.COLLECTIVE_SHARE, Kind.OWNER_PAYABLE)
    key = f"b{booking.pk}"
    lines = [
        (Kind.PAYMENT_RECEIVED, Account.CASH_PROVIDER, booking.total),
        (Kind.PAYMENT_RECEIVED, Account.GUEST, -booking.total),
    ]
    parts = split(booking.total, *rates)
    for kind, account, amount in zip(kinds, revenue, parts, strict=True):
        lines += [(kind, Account.GUEST, amount), (kind, account, -amount)]
    if status == "cancelled" and refund:
        for kind, account, amount in zip(kinds, revenue, parts, strict=True):
            lines += [(kind, Account.GUEST, -amount), (kind, account, amount)]
        kept = booking.total - refund
        lines.append((Kind.CANCELLATION_FEE, Account.GUEST, kept))
        fee = zip(revenue, split(kept, *rates), strict=True)
        lines += [(Kind.CANCELLATION_FEE, account, -amount) for account, amount in fee]
        lines += [(Kind.REFUND, Account.CASH_PROVIDER, -refund), (Kind.REFUND, Account.GUEST, refund)]
    return [
        LedgerEntry(
            booking=booking,
            homestay_id=booking.homestay_id,  # copied from the booking, as ``ledger_post`` does
            arrival=booking.check_in,
            kind=kind,
            account=account,
            amount=amount,
            provider=provider,
            idempotency_key=f"{key}-{n}",
        )
        for n, (kind, account, amount) in enumerate(lines)
        if amount
    ]


def _bookings(count: int, room_types, rng: random.Random) -> None:
    from bookings.ledger import LedgerEntry
    from bookings.models import Booking, BookingNight
    from bookings.revenue.models import RevenueShareRule

    created_at = Booking._meta.get_field("created_at")
    created_at.auto_now_add = False  # the bookings were made over two years, not now
    rates = {
        rule.village_id: (rule.commission_rate, rule.collective_rate)
        for rule in RevenueShareRule.objects.all()
    }
    span = (LAST_ARRIVAL - FIRST_ARRIVAL).days + 1
    for start in range(0, count, BATCH):
        batch, plans = [], []
        for n in range(start, min(count, start + BATCH)):
            room_type = rng.choice(room_types)
            check_in = FIRST_ARRIVAL + timedelta(days=rng.randrange(span))
            nights, rooms = rng.choice([1, 1, 2, 2, 3, 4]), rng.choice([1, 1, 1, 2])
            made_on = check_in - timedelta(days=rng.randrange(0, 60))
            made = datetime.combine(made_on, time(rng.randrange(24)), SHANGHAI)
            status = rng.choices(
                ["completed", "confirmed", "cancelled", "no_show", "expired"], weights=[70, 12, 10, 2, 6]
            )[0]
            total = room_type.base_price * nights * rooms
            refund = None
            if status == "cancelled":
                refund = rng.choice([total, total / 2, Decimal(0)]).quantize(Decimal("0.01"))
            batch.append(
                Booking(
                    reference=f"B{n:07d}",
                    homestay_id=room_type.homestay_id,
                    room_type=room_type,
                    check_in=check_in,
                    check_out=check_in + timedelta(days=nights),
                    guests=1,
                    rooms=rooms,
                    total=total,
                    status=status,
                    payment=rng.choice(["online", "online", "online", "at_homestay"]),
                    lead_guest_name="测试",
                    lead_guest_phone="13800138000",
                    refund_due=refund,
                    confirmed_at=None if status == "expired" else made,
                    paid_at=None if status == "expired" else made,
                    created_at=made,
                )
            )
            plans.append((room_type, status, refund))
        Booking.objects.bulk_create(batch)
        nights_rows, ledger_rows = [], []
        for booking, (room_type, status, refund) in zip(batch, plans, strict=True):
            nights_rows += [
                BookingNight(
                    booking=booking,
                    room_type=room_type,
                    night=booking.check_in + timedelta(days=d),
                    rooms=booking.rooms,
                    price=room_type.base_price,
                )
                for d in range(booking.nights)
            ]
            if status != "expired":
                village_rates = rates[room_type.homestay.village_id]
                ledger_rows += _ledger_lines(booking, village_rates, status, refund)
        BookingNight.objects.bulk_create(nights_rows, batch_size=BATCH)
        LedgerEntry.objects.bulk_create(ledger_rows, batch_size=BATCH)
    created_at.auto_now_add = True


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _build(booking_count: int) -> None:
    from villages.models import Homestay

    rng = random.Random(2026)
    room_types = _catalogue(rng)
    homestays = {homestay.pk: homestay for homestay in Homestay.objects.all()}
    for room_type in room_types:
        room_type.homestay = homestays[room_type.homestay_id]
    _closures(room_types, rng)
    _bookings(booking_count, room_types, rng)
    _inventory(room_types)


def run(database_url: str | None, booking_count: int, runs: int, keep: bool = False) -> None:
    database_url = setup_django(database_url, fresh=not keep)
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client

    from bookings.ledger import LedgerEntry
    from bookings.models import Booking, RoomNight
    from bookings.revenue.periods import Period
    from bookings.revenue.selectors import dashboard
    from villages.models import RoomType
    from villages.roles import GROUP_STAFF

    settings.ALLOWED_HOSTS = ["testserver"]
    if keep and Booking.objects.exists():
        print("reusing the data already in the database")
    else:
        _build(booking_count)
    with connection.cursor() as cursor:  # what autovacuum or PRAGMA optimize do on a live database
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    booking_count, entries = Booking.objects.count(), LedgerEntry.objects.count()
    staff = User.objects.get_or_create(username="staff")[0]
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    client = Client()
    client.force_login(staff)

    print(f"machine: {machine()}")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    room_types, inventory = RoomType.objects.count(), RoomNight.objects.count()
    print(
        f"data: {booking_count:,} bookings, {entries:,} ledger entries, {room_types} room types, "
        f"{inventory:,} inventory rows"
    )
    pages = {
        "this month": "/group/?preset=this_month",
        "this year (2026)": "/group/?preset=this_year",
        "two years": "/group/?start=2025-01-01&end=2026-12-31",
    }
    worst = 0.0
    for label, url in pages.items():
        assert client.get(url).status_code == 200
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(url)
        page = summary(timed(functools.partial(client.get, url), repeat=runs))
        worst = max(worst, page["median"])
        print(
            f"/group/ {label:<17} median {page['median']:7.1f} ms  p95 {page['p95']:7.1f} ms  "
            f"({queries.count} queries, n={runs})"
        )
    whole = Period(date(2025, 1, 1), date(2026, 12, 31))
    selector = summary(timed(lambda: dashboard(period=whole), repeat=runs))
    print(f"selector only, two years  median {selector['median']:7.1f} ms  p95 {selector['p95']:7.1f} ms")
    print(f"target {TARGET_MS} ms (slowest page median): {'met' if worst < TARGET_MS else 'NOT met'}")


def _postgres_answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="with a --database-url naming a SQLite file or a PostgreSQL database: keep its data and "
        "reuse it on the next run (migrated first) instead of building it again",
    )
    arguments = parser.parse_args()
    if arguments.database_url:
        url = None if arguments.database_url == "sqlite" else arguments.database_url
        run(url, arguments.bookings, arguments.runs, keep=arguments.keep and url is not None)
        return 0
    failed = 0
    for url in ("sqlite", POSTGRES_URL):
        if url != "sqlite" and not _postgres_answers(url):
            print(f"\nPostgreSQL at {url.split('@')[-1]} does not answer: skipped")
            continue
        print(f"\n--- {url.split('@')[-1]}", flush=True)
        command = [sys.executable, __file__, "--database-url", url, "--bookings", str(arguments.bookings)]
        failed += subprocess.call([*command, "--runs", str(arguments.runs)]) != 0  # noqa: S603
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
