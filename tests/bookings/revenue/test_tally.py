"""Sums kept between requests (``bookings.revenue.tally``): the dashboard's money, booked nights and
sales come out the same as summed afresh, whatever is written after a month was kept.

These tests commit (``transaction=True``): inside a transaction nothing is kept, by design."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.revenue import tally as tally_module
from bookings.revenue.periods import Period
from bookings.revenue.sectors import sector_sales
from bookings.revenue.selectors import dashboard
from bookings.revenue.tally import tallies_forget
from tests import factories
from tests.bookings.revenue.helpers import cancel, paid_online, rule
from tests.bookings.revenue.test_sectors import give_back, sell

pytestmark = pytest.mark.django_db(transaction=True)

# August from its 15th to October: a partial month, then two whole months that can be kept.
PERIOD = Period(date(2026, 8, 15), date(2026, 10, 31))


@pytest.fixture
def settled(monkeypatch):
    """Every entry counts as settled as soon as it is written (as if ``SETTLE`` had passed)."""
    monkeypatch.setattr(tally_module, "SETTLE", timedelta(0))


def _kept(name: str = "sector-sales") -> dict[str, dict]:
    """The kept months of a tally, by their cache keys."""
    keys = [key.split(":", 2)[-1] for key in cache._cache if f"tally:{name}:" in key]  # type: ignore[attr-defined]
    return cache.get_many(keys)


def _kept_months(generation: int = 0) -> list[str]:
    return sorted(key.rsplit(":", 1)[-1] for key in _kept() if key.split(":")[-2] == str(generation))


def _fresh(period=PERIOD):
    """The figures summed afresh, without the cache: inside a transaction nothing is kept or read."""
    with transaction.atomic():
        return sector_sales(period=period)


def _figures(reports):
    return [
        (report.sector, report.total, [(line.village.pk, line.figures) for line in report.villages])
        for report in reports
    ]


def test_kept_months_give_the_same_figures_and_add_what_is_written_after(settled):
    village, other = factories.village(), factories.village()
    for n in range(6):
        sell(village, n, date(2026, 8, 10) + timedelta(days=10 * n), producer="8.00", margin="2.00")
    sell(other, 100, date(2026, 10, 5), producer="50.00", margin="5.00")
    first = sector_sales(period=PERIOD)
    assert _kept_months() == ["2026-09-01", "2026-10-01"]  # August is partial: read live
    assert _figures(first) == _figures(_fresh())
    assert first[0].total.sales == 6  # 20 and 30 Aug, 9, 19 and 29 Sep, and the other village's 5 Oct
    source = sell(village, 200, date(2026, 9, 3), producer="30.00", margin="3.00")
    give_back(source, 200, producer="30.00", margin="3.00")
    sell(other, 201, date(2026, 10, 31), producer="1.00", margin="0.10")
    second = sector_sales(period=PERIOD)
    assert _figures(second) == _figures(_fresh())
    assert second[0].total.sales == first[0].total.sales + 2
    assert second[0].total.returns == 1
    assert second[0].total.gross == first[0].total.gross + Decimal("1.10")


def test_a_kept_month_is_not_summed_again_while_its_mark_stands(settled):
    village = factories.village()
    for n in range(5):
        sell(village, n, date(2026, 9, 1 + n), producer="8.00", margin="2.00")
    september = Period(date(2026, 9, 1), date(2026, 9, 30))
    sector_sales(period=september)
    with CaptureQueriesContext(connection) as queries:
        again = sector_sales(period=september)
    # the villages, the mark, its check, the entries after it: not the month's sums
    assert len(queries) == 4
    assert not any("GROUP BY" in query["sql"] for query in queries)
    assert again[0].total.sales == 5


def test_entries_not_yet_settled_are_read_live():
    """With the real ``SETTLE``: entries written just now are above any mark and still counted."""
    village = factories.village()
    sell(village, 1, date(2026, 9, 10), producer="8.00", margin="2.00")
    reports = sector_sales(period=Period(date(2026, 9, 1), date(2026, 9, 30)))
    assert reports[0].total.sales == 1
    assert _kept_months() == []  # nothing is ten minutes old: no mark, nothing kept


def test_a_month_kept_from_another_database_is_summed_afresh(settled):
    """A backup restored or a test rolled back: the mark's id now names another entry (or none)."""
    village = factories.village()
    sell(village, 1, date(2026, 9, 10), producer="8.00", margin="2.00")
    september = Period(date(2026, 9, 1), date(2026, 9, 30))
    sector_sales(period=september)
    ((key, kept),) = _kept().items()
    mark_id, (_key, created_at) = kept["mark"]
    kept["mark"] = (mark_id, ("an entry of another database", created_at))
    kept["rows"] = [(*row[:-2], Decimal("999999.00"), 999) for row in kept["rows"]]
    cache.set(key, kept)
    assert sector_sales(period=september)[0].total.sales == 1


def test_a_month_far_behind_its_mark_is_summed_again(settled, monkeypatch):
    monkeypatch.setattr(tally_module, "REFRESH_AFTER", 3)
    village = factories.village()
    sell(village, 1, date(2026, 9, 10), producer="8.00", margin="2.00")
    september = Period(date(2026, 9, 1), date(2026, 9, 30))
    sector_sales(period=september)
    ((_key, first),) = _kept().items()
    for n in range(2, 5):  # six more entries: past REFRESH_AFTER
        sell(village, n, date(2026, 9, 10), producer="8.00", margin="2.00")
    assert sector_sales(period=september)[0].total.sales == 4
    ((_key, entry),) = _kept().items()
    assert entry["mark"][0] > first["mark"][0]


def test_nothing_is_kept_inside_a_transaction(settled):
    village = factories.village()
    sell(village, 1, date(2026, 9, 10), producer="8.00", margin="2.00")
    with transaction.atomic():
        assert sector_sales(period=PERIOD)[0].total.sales == 1
    assert _kept_months() == []


def test_the_lodging_money_is_the_same_kept_or_summed_afresh(settled):
    room_type = factories.room_type(room_count=3)
    rule(room_type.homestay.village, "0.10", "0.05")
    march = dict(check_in=date(2027, 3, 5), check_out=date(2027, 3, 7))
    paid_online(room_type, **march)
    kept_cancelled = paid_online(room_type, check_in=date(2027, 4, 10), check_out=date(2027, 4, 11))
    period = Period(date(2027, 3, 1), date(2027, 4, 30))
    before = dashboard(period=period).total
    assert before.net_revenue > 0
    cancel(kept_cancelled)  # after April was kept: the reversal and refund are read live
    paid_online(room_type, check_in=date(2027, 3, 20), check_out=date(2027, 3, 22))
    after = dashboard(period=period).total
    with transaction.atomic():
        fresh = dashboard(period=period).total
    assert after == fresh
    assert after.refunds > before.refunds
    for name in ("lodging-money", "booked-nights"):
        assert sorted(key.rsplit(":", 1)[-1] for key in _kept(name)) == ["2027-03-01", "2027-04-01"]
    assert after.room_nights == fresh.room_nights == 4  # the cancelled stay's night taken off


def test_forgotten_sums_are_summed_afresh(settled):
    """A command that wrote rows dated in the past in a long transaction forgets every kept sum."""
    village = factories.village()
    sell(village, 1, date(2026, 9, 10), producer="8.00", margin="2.00")
    september = Period(date(2026, 9, 1), date(2026, 9, 30))
    sector_sales(period=september)
    ((key, kept),) = _kept().items()
    kept["rows"] = [(*row[:-2], Decimal("999999.00"), 999) for row in kept["rows"]]
    cache.set(key, kept)  # a sum that missed rows (or is wrong): only forgetting it mends it
    assert sector_sales(period=september)[0].total.sales == 999
    tallies_forget()
    assert sector_sales(period=september)[0].total.sales == 1
    assert _kept_months(generation=1) == ["2026-09-01"]


def test_a_month_summed_while_rows_are_still_unsettled_counts_them_once(clock):
    """Rows written after the mark are left out of the kept sums (on PostgreSQL: taken off the month's
    sums in the same snapshot) and read live, so each counts once, now and once settled."""
    from bookings.ledger import LedgerEntry
    from bookings.revenue.sectors import SALES_TALLY
    from bookings.revenue.tally import tally

    village = factories.village()
    sell(village, 1, date(2026, 9, 10), producer="8.00", margin="2.00")
    first = LedgerEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    clock.advance(minutes=20)  # the first sale is settled; the next two, written now, are not yet
    sell(village, 2, date(2026, 9, 11), producer="30.00", margin="3.00")
    sell(village, 3, date(2026, 10, 1), producer="5.00", margin="1.00")
    september = Period(date(2026, 9, 1), date(2026, 9, 30))

    def totals(parts):
        sums: dict[tuple, list] = {}
        for month, *keys, amount, count in parts:
            cell = sums.setdefault((month, *keys), [Decimal(0), 0])
            cell[0] += amount
            cell[1] += count
        return {key: cell for key, cell in sums.items() if cell[1]}

    with transaction.atomic():
        fresh = totals(tally(SALES_TALLY, september))
    assert totals(tally(SALES_TALLY, september)) == fresh
    ((_key, kept),) = _kept().items()
    assert kept["mark"][0] == first
    # the first sale's lines the figures read (payment: cash and guest; sale: guest and margin), no more
    assert sum(row[-1] for row in kept["rows"]) == 4
    assert totals(tally(SALES_TALLY, september)) == fresh  # kept, and the rest live
