"""A village's dividend statement and an owner's earnings, read from the ledger."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.owner.earnings import owner_earnings
from bookings.revenue.periods import Period
from bookings.revenue.selectors import dividend_statement
from bookings.revenue.services import dividend_payout_record
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.revenue.helpers import cancel, paid_online, rule

pytestmark = pytest.mark.django_db
D = Decimal
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))


def stay(day: int, month: int = 9, nights: int = 1) -> dict:
    check_in = date(2026, month, day)
    return {"check_in": check_in, "check_out": date.fromordinal(check_in.toordinal() + nights)}


@pytest.fixture
def village(db):
    village = factories.village(slug="dujiashan")
    rule(village, "0.10", "0.05")
    return village


@pytest.fixture
def rooms(village):
    return factories.room_type(
        room_count=3, homestay=factories.homestay(village=village, name_zh_hans="山居")
    )


def test_the_statement_lists_the_village_bookings_of_the_period_by_arrival(village, rooms):
    later = paid_online(rooms, **stay(22))  # ¥200 → ¥10
    earlier = paid_online(rooms, **stay(8))
    paid_online(rooms, **stay(6, month=10))  # another period
    paid_online(factories.room_type(), **stay(8))  # another village
    statement = dividend_statement(village=village, period=SEPTEMBER)
    assert [line.reference for line in statement.lines] == [earlier.reference, later.reference]
    assert [(line.homestay, line.revenue, line.collective) for line in statement.lines] == [
        ("山居", D("200.00"), D("10.00")),
        ("山居", D("200.00"), D("10.00")),
    ]
    assert (statement.owed, statement.revenue) == (D("20.00"), D("400.00"))


def test_a_cancelled_booking_owes_its_share_of_the_fee_only(village):
    strict = factories.room_type(homestay=factories.homestay(village=village, cancellation_policy="strict"))
    booking = cancel(paid_online(strict, **stay(22)))  # 21 days ahead: half of ¥200 refunded
    [line] = dividend_statement(village=village, period=SEPTEMBER).lines
    assert (line.reference, line.status, line.revenue, line.collective) == (
        booking.reference,
        "cancelled",
        D("100.00"),
        D("5.00"),
    )


def test_a_booking_refunded_in_full_is_not_listed(village, rooms):
    cancel(paid_online(rooms, **stay(22)))
    assert dividend_statement(village=village, period=SEPTEMBER).lines == []


def test_a_booking_not_paid_yet_owes_nothing_yet(village, rooms):
    hold(rooms, payment=Booking.Payment.AT_HOMESTAY, **stay(8))
    assert dividend_statement(village=village, period=SEPTEMBER).owed == 0


def test_payouts_count_for_the_period_they_settle_and_to_date(village, rooms, clock):
    paid_online(rooms, **stay(2))  # ¥10 owed for 2 September
    paid_online(rooms, **stay(8))  # ¥10 owed for 8 September
    clock.set("2026-09-10 09:00")
    first_week = Period(date(2026, 9, 1), date(2026, 9, 7))
    dividend_payout_record(village=village, period=first_week, amount=D("10.00"), paid_on=date(2026, 9, 10))
    week = dividend_statement(village=village, period=first_week)
    assert (week.owed, week.paid, week.outstanding) == (D("10.00"), D("10.00"), D("0.00"))
    month = dividend_statement(village=village, period=SEPTEMBER)
    assert (month.owed, month.paid, month.outstanding) == (D("20.00"), D("10.00"), D("10.00"))
    assert [payout.amount for payout in month.payouts] == [D("10.00")]
    assert (month.owed_to_date, month.paid_to_date, month.outstanding_to_date) == (
        D("20.00"),
        D("10.00"),
        D("10.00"),
    )


def test_the_statement_shows_the_village_rules(village):
    newer = rule(village, "0.12", "0.06", effective_from=date(2026, 9, 15))
    assert dividend_statement(village=village, period=SEPTEMBER).rules[0] == newer


# An owner's earnings (the owner console's page reads the same ledger postings)


def test_an_owner_sees_their_own_earnings_after_the_split(village, rooms):
    owner = factories.user()
    mine = factories.room_type(homestay=factories.homestay(village=village, owner=owner))
    paid_online(mine, **stay(8))  # ¥200: ¥20 commission, ¥10 collective, ¥170 owner
    paid_online(rooms, **stay(9))  # somebody else's
    (september,) = owner_earnings(owner=owner).months
    assert (
        september.gross,
        september.refunds,
        september.commission,
        september.collective,
        september.payout,
    ) == (D("200.00"), D("0.00"), D("20.00"), D("10.00"), D("170.00"))


def test_an_owner_earns_the_share_of_the_cancellation_fee(village):
    owner = factories.user()
    strict = factories.room_type(
        homestay=factories.homestay(village=village, owner=owner, cancellation_policy="strict")
    )
    cancel(paid_online(strict, **stay(22)))
    (september,) = owner_earnings(owner=owner).months
    assert (september.gross, september.refunds, september.payout) == (D("200.00"), D("100.00"), D("85.00"))
