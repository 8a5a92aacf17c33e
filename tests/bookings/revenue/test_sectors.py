"""The shop's and tickets' figures from the ledger's source entries (``bookings.revenue.sectors``)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from bookings.ledger import Account, Kind, Sector, Source, ledger_post
from bookings.revenue.periods import Period
from bookings.revenue.sectors import SectorFigures, _sale_entries, sector_sales
from tests import factories

pytestmark = pytest.mark.django_db

SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))


def sell(village, n: int, on: date, *, producer: str, margin: str, sector=Sector.SHOP, collective="0"):
    """A paid and earned order: the guest pays producer + margin (+ the collective's part, tickets)."""
    producer_part, margin_part, collective_part = Decimal(producer), Decimal(margin), Decimal(collective)
    total = producer_part + margin_part + collective_part
    source = Source(
        reference=f"{sector}_order:{n}", sector=sector, village=village, on=on, party=f"producer:{n}"
    )
    ledger_post(
        source=source,
        kind=Kind.PAYMENT_RECEIVED_SALE,
        key=f"{sector}-{n}-paid",
        lines=[(Account.CASH_PROVIDER, total), (Account.GUEST, -total)],
        provider="stripe_checkout",
    )
    lines = [(Account.GUEST, total), (Account.PRODUCER_PAYABLE, -producer_part)]
    lines.append((Account.PLATFORM_COMMISSION, -margin_part))
    if collective_part:
        lines.append((Account.VILLAGE_COLLECTIVE, -collective_part))
    ledger_post(source=source, kind=Kind.SALE, key=f"{sector}-{n}-sale", lines=lines)
    return source


def give_back(source: Source, n: int, *, producer: str, margin: str) -> None:
    """The order (or part of it) is returned and refunded."""
    producer_part, margin_part = Decimal(producer), Decimal(margin)
    total = producer_part + margin_part
    ledger_post(
        source=source,
        kind=Kind.SALE_REVERSED,
        key=f"return-{n}",
        lines=[
            (Account.GUEST, -total),
            (Account.PRODUCER_PAYABLE, producer_part),
            (Account.PLATFORM_COMMISSION, margin_part),
        ],
    )
    ledger_post(
        source=source,
        kind=Kind.SALE_REFUND,
        key=f"return-{n}-refund",
        lines=[(Account.CASH_PROVIDER, -total), (Account.GUEST, total)],
    )


def money(*amounts: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(amount) for amount in amounts)


def by_sector(period=SEPTEMBER, **kwargs) -> dict[str, SectorFigures]:
    return {report.sector: report.total for report in sector_sales(period=period, **kwargs)}


def test_a_sale_shows_its_gross_margin_producers_and_cash():
    village = factories.village()
    sell(village, 1, date(2026, 9, 3), producer="80.00", margin="20.00")
    shop = by_sector()[Sector.SHOP]
    assert (shop.gross, shop.margin, shop.producers, shop.collectives) == money(100, 20, 80, 0)
    assert (shop.sales, shop.returns) == (1, 0)
    assert (shop.received, shop.refunded) == money(100, 0)


def test_a_return_takes_its_sale_back_but_still_counts_as_a_return():
    village = factories.village()
    order = sell(village, 1, date(2026, 9, 3), producer="80.00", margin="20.00")
    sell(village, 2, date(2026, 9, 4), producer="40.00", margin="10.00")
    give_back(order, 1, producer="40.00", margin="10.00")  # half of the first order comes back
    shop = by_sector()[Sector.SHOP]
    assert (shop.gross, shop.margin, shop.producers) == money(100, 20, 80)
    assert (shop.sales, shop.returns) == (2, 1)
    assert (shop.received, shop.refunded) == money(150, 50)


def test_tickets_pay_the_collective_and_are_kept_apart_from_the_shop():
    village = factories.village()
    sell(
        village,
        1,
        date(2026, 9, 3),
        producer="30.00",
        margin="5.00",
        collective="15.00",
        sector=Sector.TICKETS,
    )
    sell(village, 2, date(2026, 9, 3), producer="80.00", margin="20.00")
    figures = by_sector()
    assert (figures[Sector.TICKETS].gross, figures[Sector.TICKETS].collectives) == money(50, 15)
    assert (figures[Sector.SHOP].gross, figures[Sector.SHOP].collectives) == money(100, 0)


def test_only_the_period_counts_by_the_day_each_posting_counts_on():
    village = factories.village()
    sell(village, 1, date(2026, 8, 31), producer="80.00", margin="20.00")
    sell(village, 2, date(2026, 9, 30), producer="8.00", margin="2.00")
    sell(village, 3, date(2026, 10, 1), producer="800.00", margin="200.00")
    assert by_sector()[Sector.SHOP].gross == 10


def test_village_by_village_and_one_village_alone():
    first, second, quiet = factories.village(order=1), factories.village(order=2), factories.village(order=3)
    sell(second, 1, date(2026, 9, 3), producer="80.00", margin="20.00")
    sell(first, 2, date(2026, 9, 3), producer="8.00", margin="2.00")
    (shop, _tickets) = sector_sales(period=SEPTEMBER)
    assert [(line.village, line.figures.gross) for line in shop.villages] == [
        (first, Decimal(10)),
        (second, Decimal(100)),
    ]
    assert quiet not in [line.village for line in shop.villages]
    assert by_sector(village=second)[Sector.SHOP].gross == 100


def test_dividends_to_households_are_not_sales():
    village = factories.village()
    source = Source(
        reference="household_dividend:1", sector=Sector.DIVIDENDS, village=village, on=date(2026, 9, 3)
    )
    ledger_post(
        source=source,
        kind=Kind.HOUSEHOLD_DIVIDEND,
        key="dividend-1",
        lines=[(Account.VILLAGE_COLLECTIVE, Decimal(500)), (Account.HOUSEHOLD_PAYABLE, Decimal(-500))],
    )
    assert all(figures.is_empty for figures in by_sector().values())


def test_one_query_for_the_figures_however_many_sales():
    village = factories.village()
    for n in range(30):
        sell(village, n, date(2026, 9, 1 + n % 30), producer="8.00", margin="2.00")
    with CaptureQueriesContext(connection) as queries:
        (shop, _tickets) = sector_sales(period=SEPTEMBER)
    assert shop.total.sales == 30
    assert len(queries) == 2  # the villages, the sums


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's plan; PostgreSQL's depends on its statistics"
)
def test_the_figures_are_read_from_the_sales_index_alone():
    """No table row: SQLite reads the covering index ``ledger_entry_sales`` in the order it groups."""
    villages = [factories.village().pk]
    query = (
        _sale_entries(SEPTEMBER, villages)
        .values_list("sector", "village_id", "kind", "account")
        .annotate(amount=Sum("amount"))
        .order_by("sector", "village_id", "kind", "account")
    )
    plan = query.explain()
    assert "USING COVERING INDEX ledger_entry_sales (" in plan
    assert "TEMP B-TREE" not in plan
