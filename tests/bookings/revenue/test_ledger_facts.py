"""Ledger entries carry their booking's homestay and arrival date (what the dashboard's money is
grouped by), copied when they are written and, for entries written before, by migration 0006."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from bookings.ledger import Kind, LedgerEntry
from bookings.revenue.periods import Period
from bookings.revenue.services import dividend_payout_record
from tests.bookings.helpers import hold
from tests.bookings.revenue.helpers import cancel, paid_online, rule

pytestmark = pytest.mark.django_db
BEFORE = [("bookings", "0005_revenue")]
COPIED = [("bookings", "0006_ledger_booking_facts")]


def facts(entries) -> set[tuple]:
    return set(entries.values_list("homestay_id", "arrival"))


def test_every_entry_of_a_booking_carries_its_homestay_and_arrival(room_type):
    rule(room_type.homestay.village, "0.10", "0.05")
    booking = cancel(paid_online(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10)))
    entries = LedgerEntry.objects.filter(booking=booking)
    assert {entry.kind for entry in entries} >= {Kind.PAYMENT_RECEIVED, Kind.COMMISSION, Kind.REFUND}
    assert facts(entries) == {(room_type.homestay_id, date(2026, 9, 8))}


def test_a_payouts_entries_have_no_homestay_or_arrival(room_type, clock):
    rule(room_type.homestay.village, "0.10", "0.05")
    paid_online(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    clock.set("2026-09-09 10:00")
    payout = dividend_payout_record(
        village=room_type.homestay.village,
        period=Period(date(2026, 9, 1), date(2026, 9, 8)),
        amount=Decimal("10.00"),
        paid_on=date(2026, 9, 9),
    )
    assert facts(LedgerEntry.objects.filter(payout=payout)) == {(None, None)}


@pytest.mark.parametrize("missing", ["homestay", "arrival"])
def test_the_database_refuses_a_booking_entry_without_them(room_type, missing):
    booking = hold(room_type)
    entry = LedgerEntry(
        booking=booking,
        homestay_id=booking.homestay_id,
        arrival=booking.check_in,
        kind=Kind.PAYMENT_RECEIVED,
        account="cash_provider",
        amount=Decimal("1.00"),
        idempotency_key="no-facts",
    )
    setattr(entry, missing, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_them_onto_the_entries_written_before(room_type):
    booking = hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10))
    try:
        executor = _migrate(BEFORE)
        old_entry = executor.loader.project_state(BEFORE).apps.get_model("bookings", "LedgerEntry")
        for account, amount in (("cash_provider", 400), ("guest", -400)):
            old_entry.objects.create(
                booking_id=booking.pk,
                kind=Kind.PAYMENT_RECEIVED,
                account=account,
                amount=Decimal(amount),
                idempotency_key=f"before/{account}",
            )
        _migrate(COPIED)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    entries = LedgerEntry.objects.filter(booking=booking)
    assert entries.count() == 2
    assert facts(entries) == {(room_type.homestay_id, date(2026, 9, 8))}
