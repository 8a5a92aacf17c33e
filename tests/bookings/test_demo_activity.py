"""The demo year (``bookings.demo_activity``, ``manage.py seed_demo_activity``): real bookings through
the use cases, on a moved clock, that keep every invariant. The booking tests' clock is frozen at
1 September 2026, 10:00 Beijing time."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Sum
from django.utils import timezone

from bookings.activity import BookingEvent
from bookings.demo_activity import (
    DEMO_GUEST_PREFIX,
    REGIONS,
    activity_seed,
    demand,
    demo_bookings,
    moved_clock,
    resident_id,
)
from bookings.guests import validate_resident_id
from bookings.ledger import Account, LedgerEntry
from bookings.models import Booking, Guest, RoomNight
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db
Status = Booking.Status
TODAY = date(2026, 9, 1)


@pytest.fixture
def demo_rooms(owner):
    """Two demo homestays: one books at once (3 rooms), one takes requests (1 room)."""
    instant = factories.room_type(room_count=3, capacity=3, homestay=factories.homestay(owner=owner))
    requests = factories.room_type(room_count=1, homestay=factories.homestay(owner=owner, instant_book=False))
    return instant, requests


def seeded_month(scale: int = 1):
    return activity_seed(scale=scale, days=30)


def test_the_month_behind_is_lived_through_and_the_days_ahead_are_booked(demo_rooms):
    report = seeded_month(scale=3)
    bookings = demo_bookings()
    assert report.made == bookings.count() > 10
    assert report.completed == bookings.filter(status=Status.COMPLETED).count() > 0
    assert report.cancelled == bookings.filter(status=Status.CANCELLED).count()
    assert not bookings.filter(status=Status.COMPLETED, check_out__gt=TODAY).exists()
    assert not bookings.filter(status=Status.CONFIRMED, check_in__lt=TODAY).exists()
    assert not bookings.filter(status=Status.HELD).exists()  # requests were approved
    assert all(b.created_at < timezone.now() for b in bookings)
    assert all(b.user.username.startswith(DEMO_GUEST_PREFIX) and not b.user.email for b in bookings)


def test_each_step_is_recorded_when_it_happened(demo_rooms):
    seeded_month(scale=3)
    stay = demo_bookings().filter(status=Status.COMPLETED).order_by("check_in").first()
    assert stay is not None
    events = list(
        BookingEvent.objects.filter(booking=stay).order_by("created_at").values_list("action", "created_at")
    )
    actions = [action for action, _at in events]
    assert actions[0] == "placed" and actions[-1] == "checked_out" and "paid_at_homestay" in actions
    check_in_at = dict(events)["checked_in"]
    assert timezone.localtime(check_in_at).date() == stay.check_in


def test_the_ledger_sums_to_zero_and_completed_stays_earned_their_price(demo_rooms):
    seeded_month(scale=3)
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == 0
    unbalanced = LedgerEntry.objects.values("booking").annotate(total=Sum("amount")).exclude(total=0)
    assert not unbalanced.exists()
    completed = demo_bookings().filter(status=Status.COMPLETED)
    earned = LedgerEntry.objects.filter(
        booking__in=completed,
        account__in=(Account.PLATFORM_COMMISSION, Account.VILLAGE_COLLECTIVE, Account.OWNER_PAYABLE),
    ).aggregate(total=Sum("amount"))["total"]
    assert -earned == completed.aggregate(total=Sum("total"))["total"] > 0
    assert not LedgerEntry.objects.filter(booking__status=Status.CANCELLED).exists()  # never paid


def test_no_night_is_oversold_even_when_demand_passes_the_rooms(demo_rooms):
    report = seeded_month(scale=12)
    assert report.refused > 0
    oversold = RoomNight.objects.filter(
        rooms_booked__gt=F("rooms_total") - F("rooms_closed") - F("rooms_held")
    )
    assert not oversold.exists()


def test_guests_are_registered_with_valid_resident_ids(demo_rooms):
    report = seeded_month(scale=3)
    guests = Guest.objects.filter(booking__in=demo_bookings())
    assert guests.count() == report.guests_registered > 0
    for guest in guests:
        validate_resident_id(guest.document_number)
    assert guests.values("booking").distinct().count() == guests.filter(is_lead=True).count()


def test_resident_ids_come_from_several_provinces_with_valid_check_digits():
    rng = random.Random(7)
    numbers = [resident_id(rng, TODAY) for _ in range(300)]
    for number in numbers:
        validate_resident_id(number)
    assert len({number[:2] for number in numbers}) == len({region[:2] for region in REGIONS}) >= 8


def test_nothing_is_sent_to_anybody(demo_rooms):
    report = seeded_month(scale=3)
    notices = Notification.objects.all()
    assert report.notices_not_sent == notices.filter(role="owner").count() > 0  # guests have no address
    assert set(notices.values_list("status", flat=True)) == {Notification.Status.SKIPPED}


def test_a_second_run_changes_nothing(demo_rooms):
    seeded_month()
    counts = (Booking.objects.count(), LedgerEntry.objects.count(), Guest.objects.count())
    report = seeded_month()
    assert report.already_seeded and report.made == 0
    assert (Booking.objects.count(), LedgerEntry.objects.count(), Guest.objects.count()) == counts


def test_homestays_that_are_not_demo_get_no_bookings(demo_rooms, owner):
    real = factories.room_type(homestay=factories.homestay(owner=owner, is_demo=False), room_count=5)
    seeded_month(scale=3)
    assert not Booking.objects.filter(room_type=real).exists()


def test_the_clock_is_back_afterwards(demo_rooms):
    before = timezone.now()
    with moved_clock() as clock:
        clock.now = before - timedelta(days=100)
        assert timezone.now() == before - timedelta(days=100)
    assert timezone.now() == before


def test_national_day_and_summer_weekends_are_busier_than_a_winter_weekday():
    holidays = {date(2026, 10, day) for day in range(1, 8)}
    winter_weekday = demand(date(2026, 12, 9), holidays)
    assert demand(date(2026, 10, 3), holidays) > demand(date(2026, 8, 8), holidays) > winter_weekday
    assert demand(date(2026, 8, 8), holidays) > demand(date(2026, 8, 5), holidays)


def test_the_command_makes_the_year_once(demo_rooms, capsys):
    call_command("seed_demo_activity")
    first = capsys.readouterr().out
    made = demo_bookings().count()
    assert "Demo bookings made" in first and made > 0
    assert demo_bookings().filter(check_in__lt=TODAY - timedelta(days=200)).exists()
    call_command("seed_demo_activity")
    assert "nothing changed" in capsys.readouterr().out
    assert demo_bookings().count() == made


def test_the_command_refuses_a_scale_below_one(demo_rooms):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo_activity", "--scale", "0")
    assert not Booking.objects.exists()


def test_money_is_decimal_everywhere(demo_rooms):
    seeded_month()
    assert all(isinstance(b.total, Decimal) for b in demo_bookings())
