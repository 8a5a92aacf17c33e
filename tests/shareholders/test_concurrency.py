"""Two staff members at once: declaring overlapping dividends for a village, or recording the same
household's payout. The village's lock lets exactly one through; the other is told (real threads, real
connections; skipped on an in-memory SQLite database, where nothing can race)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bookings.ledger import LedgerEntry
from bookings.revenue.periods import Period
from shareholders.models import Allocation, DividendDeclaration, HouseholdPayout
from shareholders.services import (
    declaration_declare,
    declaration_draft,
    holding_add,
    household_payout_record,
    shareholder_add,
)
from tests import factories
from tests.bookings.test_concurrency import race, real_database  # noqa: F401

AUGUST = Period(date(2026, 8, 1), date(2026, 8, 31))


@pytest.fixture
def village(real_database):  # noqa: F811
    village = factories.village()
    household = shareholder_add(village=village, kind="household", name="张大山")
    holding_add(shareholder=household, shares=3, entered_on=date(2026, 1, 1))
    return village


def draft(village):
    return declaration_draft(
        village=village, period=AUGUST, collective_amount=Decimal("0"), group_amount=Decimal("9.00")
    )


def test_overlapping_declarations_declared_at_once_declare_one(village):
    drafts = [draft(village), draft(village)]

    def declare(i, barrier):
        barrier.wait()
        return declaration_declare(declaration=drafts[i])

    results = race(2, declare)
    declared = [result for result in results if not isinstance(result, Exception)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(declared) == 1 and len(refused) == 1, results
    assert refused[0].code == "overlap"
    assert DividendDeclaration.objects.filter(status="declared").count() == 1
    assert Allocation.objects.count() == 1
    assert LedgerEntry.objects.filter(sector="dividends").count() == 2


def test_the_same_payout_recorded_at_once_is_recorded_once(village):
    declaration_declare(declaration=draft(village))
    allocation = Allocation.objects.get()

    def pay(i, barrier):
        barrier.wait()
        return household_payout_record(allocation=allocation, paid_on=date(2026, 9, 1), reference=f"R{i}")

    results = race(2, pay)
    assert sorted(result.changed for result in results) == [False, True], results
    assert HouseholdPayout.objects.count() == 1
    assert LedgerEntry.objects.filter(kind="household_payout").count() == 2
    assert DividendDeclaration.objects.get().status == "paid"
