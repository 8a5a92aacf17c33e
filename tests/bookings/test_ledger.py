"""The ledger: balanced postings, written once, never changed."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from bookings.ledger import LedgerAppendOnly, LedgerEntry, ledger_balances, ledger_post
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db
Account = LedgerEntry.Account
Kind = LedgerEntry.Kind


@pytest.fixture
def booking(room_type):
    return hold(room_type)


def post_payment(booking, key="payment-1", amount=Decimal("400.00")):
    return ledger_post(
        booking=booking,
        kind=Kind.PAYMENT_RECEIVED,
        key=key,
        lines=[(Account.CASH_PROVIDER, amount), (Account.GUEST, -amount)],
        provider="stripe_checkout",
    )


def test_a_posting_writes_one_entry_per_account_summing_to_zero(booking):
    entries = post_payment(booking)
    assert [(entry.account, entry.amount) for entry in entries] == [
        ("cash_provider", Decimal("400.00")),
        ("guest", Decimal("-400.00")),
    ]
    assert sum(entry.amount for entry in LedgerEntry.objects.filter(booking=booking)) == 0
    assert {entry.currency for entry in entries} == {"CNY"}


def test_a_posting_that_does_not_balance_is_refused(booking):
    with pytest.raises(ValueError, match="sum to zero"):
        ledger_post(
            booking=booking,
            kind=Kind.PAYMENT_RECEIVED,
            key="bad",
            lines=[(Account.CASH_PROVIDER, Decimal("400.00")), (Account.GUEST, Decimal("-399.99"))],
        )
    assert not LedgerEntry.objects.exists()


def test_a_posting_needs_two_different_accounts(booking):
    with pytest.raises(ValueError):
        ledger_post(booking=booking, kind=Kind.REFUND, key="one", lines=[(Account.GUEST, Decimal("0.00"))])
    with pytest.raises(ValueError):
        ledger_post(
            booking=booking,
            kind=Kind.REFUND,
            key="same",
            lines=[(Account.GUEST, Decimal("1.00")), (Account.GUEST, Decimal("-1.00"))],
        )


def test_amounts_are_rounded_to_fen_half_up(booking):
    entries = post_payment(booking, amount=Decimal("10.005"))
    assert entries[0].amount == Decimal("10.01")


def test_posting_the_same_key_twice_records_it_once(booking):
    first = post_payment(booking)
    second = post_payment(booking)
    assert [entry.pk for entry in first] == [entry.pk for entry in second]
    assert LedgerEntry.objects.count() == 2


def test_balances_add_up_per_account(booking):
    post_payment(booking, key="payment-1")
    ledger_post(
        booking=booking,
        kind=Kind.REFUND,
        key="refund-1",
        lines=[(Account.CASH_PROVIDER, Decimal("-150.00")), (Account.GUEST, Decimal("150.00"))],
    )
    balances = ledger_balances(booking=booking)
    assert balances == {"cash_provider": Decimal("250.00"), "guest": Decimal("-250.00")}


def test_an_entry_cannot_be_changed(booking):
    entry = post_payment(booking)[0]
    entry = LedgerEntry.objects.get(pk=entry.pk)
    entry.amount = Decimal("1.00")
    with pytest.raises(LedgerAppendOnly):
        entry.save()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("400.00")


def test_an_entry_cannot_be_deleted(booking):
    entry = post_payment(booking)[0]
    with pytest.raises(LedgerAppendOnly):
        entry.delete()
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_changed_or_deleted_in_bulk(booking):
    post_payment(booking)
    with pytest.raises(LedgerAppendOnly):
        LedgerEntry.objects.filter(booking=booking).update(amount=Decimal("1.00"))
    with pytest.raises(LedgerAppendOnly):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement", ["UPDATE bookings_ledgerentry SET amount = 1", "DELETE FROM bookings_ledgerentry"]
)
def test_postgresql_itself_refuses_to_change_entries(booking, statement):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    post_payment(booking)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement)
    assert LedgerEntry.objects.count() == 2


def sale_source(village, reference="shop_order:1"):
    from datetime import date

    from bookings.ledger import Sector, Source

    return Source(
        reference=reference, sector=Sector.SHOP, village=village, on=date(2026, 10, 3), party="producer:1"
    )


def test_a_sale_posts_to_its_source_with_the_village_day_and_receiver_and_once(booking):
    village = booking.homestay.village
    lines = [
        (Account.GUEST, Decimal("58.00")),
        (Account.PRODUCER_PAYABLE, Decimal("-49.30")),
        (Account.PLATFORM_COMMISSION, Decimal("-8.70")),
    ]
    first = ledger_post(source=sale_source(village), kind=Kind.SALE, key="shop-sale-1", lines=lines)
    again = ledger_post(source=sale_source(village), kind=Kind.SALE, key="shop-sale-1", lines=lines)
    assert {entry.pk for entry in first} == {entry.pk for entry in again}
    stored = LedgerEntry.objects.filter(source="shop_order:1")
    assert sum(entry.amount for entry in stored) == 0
    assert {(e.sector, e.village_id, str(e.occurred_on), e.party) for e in stored} == {
        ("shop", village.pk, "2026-10-03", "producer:1")
    }
    # Nothing of the sale reaches the booking's balances or the lodging entries.
    assert not stored.filter(booking__isnull=False).exists()
    assert ledger_balances(booking=booking) == {}


def test_a_posting_belongs_to_exactly_one_booking_payout_or_source(booking):
    with pytest.raises(ValueError):
        ledger_post(
            booking=booking,
            source=sale_source(booking.homestay.village),
            kind=Kind.SALE,
            key="both",
            lines=[(Account.GUEST, Decimal("1.00")), (Account.PRODUCER_PAYABLE, Decimal("-1.00"))],
        )


def test_the_database_refuses_a_source_entry_without_its_village(booking):
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.create(
            source="shop_order:9",
            sector="shop",
            kind=Kind.SALE,
            account=Account.GUEST,
            amount=Decimal("1.00"),
            idempotency_key="no-village",
        )
