"""Revenue-share rules and dividend payouts: the writes and the rules the database keeps."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError

from bookings.ledger import Kind, LedgerEntry, ledger_post
from bookings.revenue.models import DividendPayout, RevenueShareRule
from bookings.revenue.periods import Period
from bookings.revenue.services import (
    dividend_payout_record,
    revenue_rule_create,
    revenue_rule_delete,
    revenue_rules_seed_demo,
)
from tests import factories
from tests.bookings.revenue.helpers import paid_online, rule

pytestmark = pytest.mark.django_db
D = Decimal
TOMORROW = date(2026, 9, 2)
UP_TO_ARRIVAL = Period(date(2026, 9, 1), date(2026, 9, 8))


@pytest.fixture
def village(room_type):
    return room_type.homestay.village


@pytest.fixture
def owed(room_type, village, clock):
    """¥20 owed to the collective for 1-8 September (a ¥400 stay from the 8th), paid from the 9th."""
    rule(village, "0.10", "0.05")
    paid_online(room_type)
    clock.set("2026-09-09 10:00")
    return village


def pay(village, amount, period=UP_TO_ARRIVAL, **fields):
    fields.setdefault("paid_on", date(2026, 9, 9))
    return dividend_payout_record(village=village, period=period, amount=amount, **fields)


def test_a_payout_is_one_balanced_ledger_posting(owed):
    payout = pay(owed, D("20.00"), reference="TR-1")
    entries = LedgerEntry.objects.filter(payout=payout)
    assert {(entry.kind, entry.account, entry.amount, entry.provider) for entry in entries} == {
        (Kind.COLLECTIVE_PAYOUT, "village_collective", D("20.00"), "bank_transfer"),
        (Kind.COLLECTIVE_PAYOUT, "cash_provider", D("-20.00"), "bank_transfer"),
    }
    assert all(entry.booking is None for entry in entries)


def test_payouts_add_up_to_at_most_what_is_owed(owed):
    pay(owed, D("15.00"))
    with pytest.raises(ValidationError) as refused:
        pay(owed, D("5.01"))
    assert refused.value.code == "overpaid"
    pay(owed, D("5.00"))
    assert DividendPayout.objects.count() == 2


def test_nothing_can_be_paid_for_a_period_without_bookings(owed):
    with pytest.raises(ValidationError) as refused:
        pay(owed, D("1.00"), period=Period(date(2026, 8, 1), date(2026, 8, 31)))
    assert refused.value.code == "overpaid"


def test_a_period_can_be_paid_only_once_it_is_over(owed):
    with pytest.raises(ValidationError) as refused:
        pay(owed, D("1.00"), period=Period(date(2026, 9, 1), date(2026, 9, 9)))
    assert refused.value.code == "period_open"


@pytest.mark.parametrize("amount", [D("0"), D("-5.00"), D("0.004")])
def test_a_payout_must_be_positive(owed, amount):
    with pytest.raises(ValidationError) as refused:
        pay(owed, amount)
    assert refused.value.code == "amount"


def test_a_payout_amount_is_never_a_float(owed):
    with pytest.raises(TypeError):
        pay(owed, 5.0)


def test_a_payout_cannot_be_dated_in_the_future(owed):
    with pytest.raises(ValidationError) as refused:
        pay(owed, D("5.00"), paid_on=date(2026, 9, 10))
    assert refused.value.code == "paid_on"


def test_the_database_keeps_every_entry_on_a_booking_or_a_payout(owed):
    with pytest.raises(IntegrityError):
        LedgerEntry.objects.create(
            kind=Kind.COLLECTIVE_PAYOUT, account="cash_provider", amount=1, idempotency_key="x"
        )


def test_a_posting_names_a_booking_or_a_payout_not_both(owed, room_type):
    payout = pay(owed, D("1.00"))
    with pytest.raises(ValueError):
        ledger_post(
            booking=room_type.bookings.first(),
            payout=payout,
            kind=Kind.COLLECTIVE_PAYOUT,
            key="both",
            lines=[("village_collective", D("1")), ("cash_provider", D("-1"))],
        )


# Rules


def create(village, **fields):
    fields.setdefault("effective_from", TOMORROW)
    fields.setdefault("commission_rate", D("0.1"))
    fields.setdefault("collective_rate", D("0.05"))
    return revenue_rule_create(village=village, **fields)


def test_a_rule_starts_tomorrow_at_the_earliest(village):
    with pytest.raises(ValidationError) as refused:
        create(village, effective_from=date(2026, 9, 1))
    assert refused.value.code == "effective_from"
    assert create(village).effective_from == TOMORROW


@pytest.mark.parametrize(
    "commission, collective, code",
    [
        (D("-0.01"), D("0"), "rate"),
        (D("1.5"), D("0"), "rate"),
        (D("0.6"), D("0.41"), "rates_total"),
        (D("0.12345"), D("0"), "rate_places"),
        ("NaN", D("0"), "rate"),
    ],
)
def test_rates_are_fractions_that_fit_in_the_whole(village, commission, collective, code):
    with pytest.raises(ValidationError) as refused:
        create(village, commission_rate=commission, collective_rate=collective)
    assert refused.value.code == code


def test_rates_can_take_everything(village):
    new = create(village, commission_rate=D("0.3"), collective_rate=D("0.7"))
    assert new.owner_rate == 0


def test_the_database_refuses_rates_above_the_whole(village):
    with pytest.raises(IntegrityError):
        RevenueShareRule.objects.create(
            village=village, effective_from=TOMORROW, commission_rate=D("0.6"), collective_rate=D("0.4001")
        )


def test_the_database_refuses_negative_rates(village):
    with pytest.raises(IntegrityError):
        RevenueShareRule.objects.create(
            village=village, effective_from=TOMORROW, commission_rate=D("-0.1"), collective_rate=D("0")
        )


def test_only_a_rule_not_yet_in_effect_can_be_removed(village):
    current = rule(village, "0.1", "0.05")
    with pytest.raises(ValidationError):
        revenue_rule_delete(rule=current)
    revenue_rule_delete(rule=create(village))
    assert list(RevenueShareRule.objects.all()) == [current]


def test_the_demo_rules_are_marked_and_added_once(village):
    other = factories.village()
    rule(other, "0.2", "0.1")
    assert revenue_rules_seed_demo() == 1
    assert revenue_rules_seed_demo() == 0
    demo = RevenueShareRule.objects.get(village=village)
    assert (demo.commission_rate, demo.collective_rate, demo.is_demo) == (D("0.1"), D("0.05"), True)
    assert "演示数据" in demo.note
    assert not RevenueShareRule.objects.get(village=other).is_demo


def test_the_seed_command_reports_what_it_added(village, capsys):
    call_command("seed_revenue_rules")
    call_command("seed_revenue_rules")
    out = capsys.readouterr().out
    assert "Added 1 demo rules" in out and "Added 0 demo rules" in out
