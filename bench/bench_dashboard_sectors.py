"""The group dashboard with lodging, the shop and tickets: 100,000 bookings and 100,000 shop orders (plus
ticket orders and household dividends), on SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/bench_dashboard_sectors.py [--database-url URL] [--bookings 100000]
[--orders 100000] [--tickets 30000] [--runs 15] [--keep] [--busy 30]``. Without ``--database-url`` it
runs itself twice, each in its own process and database: SQLite (a temporary file) and PostgreSQL
(``postgres://postgres@127.0.0.1:5432/lishi_bench_dashboard_sectors``, dropped and recreated; skipped
with a note when no server answers).

The lodging data is ``bench_dashboard``'s. The sales are the ledger entries the shop and events post
(``bookings.ledger``'s docstring), written with ``bulk_create`` over 2025-2026 in the six villages:
every shop order ``shop_order:N`` is paid (``sale_payment``) and earned (``sale``: guest against
producer_payable and platform_commission), one in twenty returned (``sale_reversed`` and
``sale_refund``), one in fifty refunded before it was earned; every ticket order ``ticket_order:N`` is
paid and earned with the village collective's part too; a few thousand producer payouts and household
dividends sit in the same index without being sales. It times the whole page (``/group/``, signed in
as group staff) for this month, this year and the two years, and the sector selector alone; median and
95th percentile in milliseconds, and the queries per page, and first the time of each page's first
request with nothing kept in the cache (``bookings.revenue.tally`` and ``quiet``; the data must be ten
minutes old for anything to be kept: built with ``--keep`` earlier, say). Then, with ``--busy N``
(default 30), the pages again after N bookings of the last three months were saved just now and a few
of their nights' rooms changed: those months are read live, as on a site taking bookings (a rerun
within ten minutes sees them still busy). Target: under 300 ms.
"""

import argparse
import functools
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

from bench_dashboard import FIRST_ARRIVAL, LAST_ARRIVAL, TARGET_MS, QueryCounter, _build, _postgres_answers
from harness import machine, setup_django, summary, timed

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/lishi_bench_dashboard_sectors"
BATCH = 5000
CENT = Decimal("0.01")


def _posting(source: str, sector: str, village_id: int, on: date, party: str, kind: str, key: str, lines):
    from bookings.ledger import LedgerEntry

    return [
        LedgerEntry(
            source=source,
            sector=sector,
            village_id=village_id,
            occurred_on=on,
            party=party,
            kind=kind,
            account=account,
            amount=amount,
            provider="stripe_checkout",
            idempotency_key=f"{key}/{account}",
        )
        for account, amount in lines
    ]


def _sale(n: int, sector: str, village_id: int, on: date, rng: random.Random) -> list:
    """One order's postings: paid, earned, and sometimes returned or refunded before it was earned."""
    from bookings.ledger import Account, Kind

    what = "shop_order" if sector == "shop" else "ticket_order"
    source, party = f"{what}:{n}", f"producer:{rng.randrange(1, 200)}"
    total = Decimal(rng.randrange(2000, 40000)) * CENT
    post = functools.partial(_posting, source, sector, village_id, on, party)
    rows = post(
        Kind.PAYMENT_RECEIVED_SALE,
        f"{source}/paid",
        [(Account.CASH_PROVIDER, total), (Account.GUEST, -total)],
    )
    if rng.random() < 0.02:  # refunded before it was earned (cancelled before shipping)
        return rows + post(
            Kind.SALE_REFUND, f"{source}/refund", [(Account.CASH_PROVIDER, -total), (Account.GUEST, total)]
        )
    margin = (total * Decimal("0.15")).quantize(CENT)
    collective = (total * Decimal("0.10")).quantize(CENT) if sector == "tickets" else Decimal(0)
    earned = [
        (Account.PRODUCER_PAYABLE, -(total - margin - collective)),
        (Account.PLATFORM_COMMISSION, -margin),
    ]
    if collective:
        earned.append((Account.VILLAGE_COLLECTIVE, -collective))
    rows += post(Kind.SALE, f"{source}/sale", [(Account.GUEST, total), *earned])
    if rng.random() < 0.05:  # returned
        rows += post(
            Kind.SALE_REVERSED, f"{source}/return", [(Account.GUEST, -total)] + [(a, -x) for a, x in earned]
        )
        rows += post(
            Kind.SALE_REFUND, f"{source}/refund", [(Account.CASH_PROVIDER, -total), (Account.GUEST, total)]
        )
    return rows


def _others(count: int, village_ids: list[int], span: int, rng: random.Random) -> list:
    """Producer payouts and household dividends: in the sector index, not sales."""
    from bookings.ledger import Account, Kind

    rows = []
    for n in range(count):
        on, village_id = FIRST_ARRIVAL + timedelta(days=rng.randrange(span)), rng.choice(village_ids)
        amount = Decimal(rng.randrange(10000, 100000)) * CENT
        if n % 2:
            lines = [(Account.PRODUCER_PAYABLE, amount), (Account.CASH_PROVIDER, -amount)]
            rows += _posting(f"producer_payout:{n}", "shop", village_id, on, f"producer:{n % 200}",
                             Kind.PRODUCER_PAYOUT, f"pp{n}", lines)  # fmt: skip
        else:
            lines = [(Account.VILLAGE_COLLECTIVE, amount), (Account.HOUSEHOLD_PAYABLE, -amount)]
            rows += _posting(f"household_dividend:{n}", "dividends", village_id, on, f"household:{n % 500}",
                             Kind.HOUSEHOLD_DIVIDEND, f"hd{n}", lines)  # fmt: skip
    return rows


def _sales(orders: int, tickets: int, rng: random.Random) -> None:
    from bookings.ledger import LedgerEntry
    from villages.models import Village

    village_ids = list(Village.objects.values_list("pk", flat=True))
    span = (LAST_ARRIVAL - FIRST_ARRIVAL).days + 1
    plan = [("shop", n) for n in range(orders)] + [("tickets", n) for n in range(tickets)]
    rows: list = []
    for sector, n in plan:
        on = FIRST_ARRIVAL + timedelta(days=rng.randrange(span))
        rows += _sale(n, sector, rng.choice(village_ids), on, rng)
        if len(rows) >= BATCH:
            LedgerEntry.objects.bulk_create(rows, batch_size=BATCH)
            rows = []
    rows += _others(4000, village_ids, span, rng)
    LedgerEntry.objects.bulk_create(rows, batch_size=BATCH)


def _explain(period) -> str:
    from bookings.revenue.sectors import _sale_entries
    from villages.models import Village

    query = _sale_entries(period, list(Village.objects.values_list("pk", flat=True)))
    return query.values_list("sector").order_by().explain()


def _busy(count: int) -> None:
    """A site at work: ``count`` bookings arriving in the last three months of the data (October to
    December 2026) saved just now, and rooms closed on a few of their nights, so those months' booking
    figures, unsold nights and inventory are read live on every request (``bookings.revenue.quiet``)
    for the next ten minutes. The saves change nothing else (the status is written back as it was)."""
    from django.db.models import F

    from bookings.models import Booking, RoomNight

    recent = Booking.objects.filter(check_in__gte=date(2026, 10, 1), check_in__lte=date(2026, 12, 31))
    chosen = list(recent.order_by("?").values_list("pk", flat=True)[:count])
    Booking.objects.filter(pk__in=chosen).update(status=F("status"))
    nights = RoomNight.objects.filter(night__gte=date(2026, 10, 1), night__lte=date(2026, 12, 31))
    RoomNight.objects.filter(pk__in=list(nights.order_by("?").values_list("pk", flat=True)[:3])).update(
        rooms_closed=F("rooms_closed")
    )


def run(
    database_url: str | None,
    booking_count: int,
    orders: int,
    tickets: int,
    runs: int,
    keep: bool,
    busy: int = 0,
) -> None:
    database_url = setup_django(database_url, fresh=not keep)
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client

    from bookings.ledger import LedgerEntry
    from bookings.models import Booking
    from bookings.revenue.periods import Period
    from bookings.revenue.sectors import sector_sales
    from bookings.revenue.selectors import dashboard
    from villages.roles import GROUP_STAFF

    settings.ALLOWED_HOSTS = ["testserver"]
    if keep and Booking.objects.exists():
        print("reusing the data already in the database")
    else:
        _build(booking_count)
        _sales(orders, tickets, random.Random(2027))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    staff = User.objects.get_or_create(username="staff")[0]
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    client = Client()
    client.force_login(staff)

    print(f"machine: {machine()}")
    print(f"database: {connection.vendor} ({database_url.split('@')[-1]})")
    sources = LedgerEntry.objects.exclude(source="")
    shop, tickets = (
        sources.filter(source__startswith=f"{what}:").values("source").distinct().count()
        for what in ("shop_order", "ticket_order")
    )
    print(
        f"data: {Booking.objects.count():,} bookings, {shop:,} shop orders, {tickets:,} ticket orders, "
        f"{LedgerEntry.objects.count():,} ledger entries ({sources.count():,} of them sales, payouts and "
        "dividends)"
    )
    whole = Period(date(2025, 1, 1), date(2026, 12, 31))
    print("sector query plan (two years):", " | ".join(_explain(whole).splitlines()))
    pages = {
        "this month": "/group/?preset=this_month",
        "this year (2026)": "/group/?preset=this_year",
        "two years": "/group/?start=2025-01-01&end=2026-12-31",
    }
    from django.core.cache import cache

    from bookings.revenue.selectors import MONEY_TALLY, NIGHTS_TALLY
    from bookings.revenue.tally import settled_mark

    # The ledger's sums kept between requests (``bookings.revenue.tally``): the first request after
    # they were dropped sums every month; the ones after it add only what was written since.
    print(f"marks: ledger {settled_mark(MONEY_TALLY)}, booked nights {settled_mark(NIGHTS_TALLY)}")
    for url in pages.values():  # templates and code warmed up: what the first request costs is the sums
        assert client.get(url).status_code == 200
    cache.clear()
    for label, url in pages.items():
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        first = 1000 * (time.perf_counter() - started)
        print(f"/group/ {label:<17} first request, nothing kept: {first:7.1f} ms")
    worst = 0.0
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200
        assert 'id="sector-shop"' in response.content.decode()
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(url)
        page = summary(timed(functools.partial(client.get, url), repeat=runs))
        worst = max(worst, page["median"])
        print(
            f"/group/ {label:<17} median {page['median']:7.1f} ms  p95 {page['p95']:7.1f} ms  "
            f"({queries.count} queries, n={runs})"
        )
    if busy:
        _busy(busy)
        for label, url in pages.items():
            page = summary(timed(functools.partial(client.get, url), repeat=runs))
            worst = max(worst, page["median"])
            print(
                f"/group/ {label:<17} median {page['median']:7.1f} ms  p95 {page['p95']:7.1f} ms  "
                f"(busy: {busy} bookings of the last three months saved and nights closed just now; n={runs})"
            )
    # The selectors alone, lodging and sales taking turns so that the machine's load falls on both alike:
    # what the shop and tickets add to the lodging dashboard.
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    for label, period in (("this year", year), ("two years", whole)):
        lodging: list[float] = []
        sales: list[float] = []
        for _ in range(runs):
            lodging += timed(functools.partial(dashboard, period=period), repeat=1, warmup=0)
            sales += timed(functools.partial(sector_sales, period=period), repeat=1, warmup=0)
        first, second = summary(lodging)["median"], summary(sales)["median"]
        print(
            f"selectors, {label:<9}  lodging median {first:7.1f} ms, shop and tickets median "
            f"{second:7.1f} ms (+{100 * second / first:.0f}%)"
        )
    print(f"target {TARGET_MS} ms (slowest page median): {'met' if worst < TARGET_MS else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data of a named database (see bench_dashboard)"
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=30,
        help="then time the pages again with this many bookings of the last three months saved just now",
    )
    arguments = parser.parse_args()
    sizes = (arguments.bookings, arguments.orders, arguments.tickets, arguments.runs)
    if arguments.database_url:
        url = None if arguments.database_url == "sqlite" else arguments.database_url
        run(url, *sizes, keep=arguments.keep and url is not None, busy=arguments.busy)
        return 0
    failed = 0
    for url in ("sqlite", POSTGRES_URL):
        if url != "sqlite" and not _postgres_answers(url):
            print(f"\nPostgreSQL at {url.split('@')[-1]} does not answer: skipped")
            continue
        print(f"\n--- {url.split('@')[-1]}", flush=True)
        command = [sys.executable, __file__, "--database-url", url]
        command += ["--bookings", str(arguments.bookings), "--orders", str(arguments.orders)]
        command += ["--tickets", str(arguments.tickets), "--runs", str(arguments.runs)]
        command += ["--busy", str(arguments.busy)]
        failed += subprocess.call(command) != 0  # noqa: S603
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
