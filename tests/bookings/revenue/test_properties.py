"""Property test: whatever bookings, payments (online and at the homestay), approvals, cancellations,
refund answers, expiries and dividend payouts happen, in any order, the ledger stays balanced per
booking and per payout, each booking's revenue is exactly its split of what it keeps, and the
dashboard's totals agree with the villages' dividend statements."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.errors import BookingError
from bookings.ledger import Account, LedgerEntry
from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.payments.services import (
    payment_mark_paid_at_homestay,
    payment_start,
    payment_succeeded,
    refund_for_cancellation,
    refund_status_set,
    refunds_send_due,
)
from bookings.payments.stripe_checkout import StripeCheckout
from bookings.revenue.models import DividendPayout
from bookings.revenue.periods import Period
from bookings.revenue.rules import booked_on
from bookings.revenue.selectors import dashboard, dividend_statement
from bookings.revenue.services import dividend_payout_record
from bookings.revenue.split import split
from bookings.services import booking_approve, booking_cancel, bookings_expire_due
from common.clock import local_today
from common.money import ZERO
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL
from tests.bookings.revenue.helpers import REVENUE, rule

pytestmark = pytest.mark.django_db
D = Decimal
START = "2026-09-01 10:00"
CHANGE = date(2026, 9, 3)  # village B's rule changes for bookings made from this day
PERIOD = Period(date(2026, 9, 1), date(2026, 12, 31))
RULES = {  # village index -> [(from, commission, collective)], newest last
    0: [(date(2020, 1, 1), D("0.10"), D("0.05"))],
    1: [(date(2020, 1, 1), D("0.125"), D("0.075")), (CHANGE, D("0.20"), D("0"))],
}

index = st.integers(min_value=0, max_value=50)
book = st.tuples(
    st.just("book"),
    st.integers(min_value=0, max_value=2),  # homestay
    st.booleans(),  # pay online
    st.integers(min_value=1, max_value=40),  # days ahead
    st.integers(min_value=1, max_value=3),  # nights
    st.integers(min_value=1, max_value=2),  # rooms
    st.booleans(),  # paid at once (online), or by the owner at once (at the homestay)
)
pay = st.tuples(st.just("pay"), index)
operations = st.lists(
    st.one_of(
        book,
        pay,
        pay,  # twice: paying is the common case
        st.tuples(st.just("pay_again"), index),
        st.tuples(st.just("approve"), index),
        st.tuples(st.just("cancel"), index, st.sampled_from(list(Booking.Party))),
        st.tuples(
            st.just("refund_answer"), index, st.sampled_from([Refund.Status.SUCCEEDED, Refund.Status.FAILED])
        ),
        st.tuples(st.just("later"), st.integers(min_value=1, max_value=20 * 24 * 60)),  # minutes
        st.tuples(
            st.just("payout"), st.integers(min_value=0, max_value=1), st.integers(min_value=1, max_value=100)
        ),
    ),
    min_size=4,
    max_size=30,
)


def _world():
    villages = [factories.village(), factories.village()]
    for number, village in enumerate(villages):
        for effective_from, commission, collective in RULES[number]:
            rule(village, str(commission), str(collective), effective_from=effective_from)
    homestays = [
        factories.homestay(village=villages[0], cancellation_policy="strict"),
        factories.homestay(village=villages[1], cancellation_policy="moderate"),
        factories.homestay(village=villages[1], cancellation_policy="flexible", instant_book=False),
    ]
    room_types = [factories.room_type(homestay=homestay, room_count=3, capacity=2) for homestay in homestays]
    return villages, room_types


def _pay(booking: Booking, again: bool = False) -> None:
    booking = Booking.objects.get(pk=booking.pk)
    if booking.payment == Booking.Payment.AT_HOMESTAY:
        payment_mark_paid_at_homestay(booking=booking)
    elif again:
        payment = Payment.objects.create(
            booking=booking,
            provider=StripeCheckout.identifier,
            amount=booking.total,
            idempotency_key=uuid.uuid4().hex,
        )
        payment_succeeded(payment=payment)
    else:
        payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
        payment_succeeded(payment=payment)


def _attempt(action) -> None:
    """Run one action in its own savepoint; an action the rules refuse changes nothing."""
    try:
        with transaction.atomic():
            action()
    except (BookingError, ValidationError):
        pass


def _run(operation, villages, room_types, bookings, clock) -> None:
    kind, *args = operation
    if kind == "book":
        homestay, online, ahead, nights, rooms, paid = args
        check_in = local_today() + timedelta(days=ahead)
        booking = hold(
            room_types[homestay],
            check_in=check_in,
            check_out=check_in + timedelta(days=nights),
            rooms=rooms,
            payment=Booking.Payment.ONLINE if online else Booking.Payment.AT_HOMESTAY,
        )
        bookings.append(booking)
        if paid:
            _attempt(lambda: _pay(booking))
    elif kind == "later":
        clock.advance(minutes=args[0])
        bookings_expire_due()
        refunds_send_due()
    elif kind == "payout":  # a share of what is owed for the days already over
        village, percent = args
        today = local_today()
        period = Period(PERIOD.start, max(PERIOD.start, today - timedelta(days=1)))
        statement = dividend_statement(village=villages[village], period=period)
        amount = (statement.outstanding * percent / 100).quantize(D("0.01"))
        dividend_payout_record(village=villages[village], period=period, amount=amount, paid_on=today)
    elif bookings:
        booking = bookings[args[0] % len(bookings)]
        if kind in ("pay", "pay_again"):
            _pay(booking, again=kind == "pay_again")
        elif kind == "approve":
            booking_approve(booking=booking)
        elif kind == "cancel":
            refund_for_cancellation(booking=booking_cancel(booking=booking, by=args[1]))
        elif kind == "refund_answer":
            for refund in Refund.objects.filter(booking=booking).order_by("id"):
                refund_status_set(refund=refund, status=args[1])


def _rates(booking: Booking, village_number: int) -> tuple[Decimal, Decimal]:
    made = booked_on(booking)
    _from, commission, collective = [entry for entry in RULES[village_number] if entry[0] <= made][-1]
    return commission, collective


def _check_booking(booking: Booking, village_number: int) -> Decimal:
    entries = LedgerEntry.objects.filter(booking=booking)
    assert sum(entries.values_list("amount", flat=True), ZERO) == 0
    balances = dict(entries.values("account").annotate(total=Sum("amount")).values_list("account", "total"))
    assert balances.get(Account.GUEST, ZERO) <= 0, "the guest never owes the platform"
    applied = booking.payments.filter(applied=True).first()
    kept = applied.amount if applied else ZERO
    if (
        applied
        and booking.status in (Booking.Status.CANCELLED, Booking.Status.EXPIRED)
        and booking.refund_due is not None
    ):
        kept -= booking.refund_due
    earned = tuple(-balances.get(account, ZERO) for account in REVENUE)
    assert earned == split(kept, *_rates(booking, village_number))
    return kept


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.tuples(st.lists(book, min_size=1, max_size=6), operations),
    final_payouts=st.tuples(*[st.integers(min_value=0, max_value=100)] * 2),
)
def test_the_ledger_and_the_reports_agree_whatever_happens(clock, steps, final_payouts):
    clock.set(START)
    with transaction.atomic():
        villages, room_types = _world()
        bookings: list[Booking] = []
        for operation in steps[0] + steps[1]:
            _attempt(lambda operation=operation: _run(operation, villages, room_types, bookings, clock))
        clock.set("2027-01-01 10:00")  # the period is over: pay each collective a share of what is left
        for village, percent in enumerate(final_payouts):
            _attempt(
                lambda village=village, percent=percent: _run(
                    ("payout", village, percent), villages, [], [], clock
                )
            )
        kept = ZERO
        for booking in Booking.objects.all():
            village_number = [village.pk for village in villages].index(booking.homestay.village_id)
            kept += _check_booking(booking, village_number)
        for payout_id in LedgerEntry.objects.filter(payout__isnull=False).values_list("payout", flat=True):
            assert sum(LedgerEntry.objects.filter(payout=payout_id).values_list("amount", flat=True)) == 0
        report = dashboard(period=PERIOD)
        statements = [dividend_statement(village=village, period=PERIOD) for village in villages]
        assert report.total.net_revenue == kept
        assert report.total.collective == sum(statement.owed for statement in statements)
        for village, statement in zip(villages, statements, strict=True):
            payouts = DividendPayout.objects.filter(village=village).aggregate(total=Sum("amount"))["total"]
            assert statement.paid == (payouts or ZERO) == sum(payout.amount for payout in statement.payouts)
        for rows in (report.villages, report.homestays, report.months):
            assert sum((row.figures for row in rows), type(report.total)()) == report.total
        transaction.set_rollback(True)
