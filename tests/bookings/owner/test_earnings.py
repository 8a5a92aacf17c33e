from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.ledger import Account, Kind, ledger_post
from bookings.models import Booking
from bookings.owner.earnings import owner_earnings
from bookings.payments.services import payment_mark_paid_at_homestay
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.revenue.helpers import rule

pytestmark = pytest.mark.django_db

SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)


def paid_stay(room, check_in, check_out, rooms=1) -> Booking:
    booking = hold(room, check_in=check_in, check_out=check_out, rooms=rooms, payment="at_homestay")
    payment_mark_paid_at_homestay(booking=booking)
    return Booking.objects.get(pk=booking.pk)


def refund(booking, amount: str) -> None:
    ledger_post(
        booking=booking,
        kind=Kind.REFUND,
        key=f"test-refund-{booking.pk}",
        lines=[(Account.CASH_PROVIDER, -Decimal(amount)), (Account.GUEST, Decimal(amount))],
    )


def test_months_add_up_bookings_room_nights_and_money_by_month_of_arrival(owner, room, holidays_2026):
    paid_stay(room, date(2026, 9, 8), date(2026, 9, 10))  # ¥400, 2 room-nights
    # ¥1200, 4 room-nights: National Day's eve and 1 October are holiday nights (the weekend price, ¥300)
    paid_stay(room, date(2026, 9, 30), date(2026, 10, 2), rooms=2)
    paid_stay(room, date(2026, 10, 13), date(2026, 10, 14))  # a Tuesday
    october, september = owner_earnings(owner=owner).months
    assert (september.month, september.bookings, september.room_nights) == (SEPTEMBER, 2, 6)
    assert september.gross == Decimal("1600.00")
    assert (october.month, october.bookings, october.room_nights, october.gross) == (
        OCTOBER,
        1,
        1,
        Decimal("200.00"),
    )


def test_refunds_are_taken_off(owner, room):
    booking = paid_stay(room, date(2026, 9, 8), date(2026, 9, 10))
    refund(booking, "150.00")
    (month,) = owner_earnings(owner=owner).months
    assert (month.gross, month.refunds, month.received) == (
        Decimal("400.00"),
        Decimal("150.00"),
        Decimal("250.00"),
    )


def test_cancelled_stay_counts_no_booking_but_keeps_its_money_movements(owner, room):
    booking = paid_stay(room, date(2026, 9, 8), date(2026, 9, 10))
    booking_cancel(booking=booking, by=Booking.Party.OWNER)
    refund(booking, "400.00")
    (month,) = owner_earnings(owner=owner).months
    assert (month.bookings, month.room_nights, month.received) == (0, 0, Decimal("0.00"))


def test_earnings_show_the_village_split_posted_with_the_payment(owner, room):
    rule(room.homestay.village, "0.10", "0.05")
    paid_stay(room, date(2026, 9, 8), date(2026, 9, 10))
    earnings = owner_earnings(owner=owner)
    (month,) = earnings.months
    assert earnings.split_posted is True
    assert (month.commission, month.collective, month.payout) == (
        Decimal("40.00"),
        Decimal("20.00"),
        Decimal("340.00"),
    )


def test_other_owners_money_is_not_counted(owner, room):
    someone_else = factories.room_type(homestay=factories.homestay(owner=factories.user()))
    paid_stay(someone_else, date(2026, 9, 8), date(2026, 9, 10))
    assert owner_earnings(owner=owner).months == []


def test_page_shows_commission_share_and_payout_once_paid(owner_client, room):
    paid_stay(room, date(2026, 9, 8), date(2026, 9, 10))
    page = owner_client.get(reverse("owner:earnings")).content.decode()
    assert "2026年9月" in page and "¥400.00" in page
    assert "平台佣金</th>" in page
    assert "还没有结算" not in page
