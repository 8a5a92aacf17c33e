"""The database itself refuses what must never happen, whatever code writes to it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bookings.inventory import ensure_nights
from bookings.models import Booking, BookingNight, Guest, PriceRule, RoomNight
from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db
NIGHT = date(2026, 9, 8)


def refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def night(room_type):
    return RoomNight.objects.create(room_type=room_type, night=NIGHT, rooms_total=2)


def test_database_refuses_to_sell_more_rooms_than_exist(night):
    night.rooms_booked = 3
    refused(night.save)


def test_database_refuses_an_oversell_made_with_a_relative_update(night):
    RoomNight.objects.filter(pk=night.pk).update(
        rooms_booked=F("rooms_booked") + 1, rooms_held=F("rooms_held") + 1
    )
    refused(lambda: RoomNight.objects.filter(pk=night.pk).update(rooms_closed=F("rooms_closed") + 1))
    night.refresh_from_db()
    assert (night.rooms_booked, night.rooms_held, night.rooms_closed) == (1, 1, 0)


def test_database_refuses_a_negative_counter(night):
    refused(lambda: RoomNight.objects.filter(pk=night.pk).update(rooms_held=F("rooms_held") - 1))


def test_database_refuses_a_second_row_for_the_same_night(night):
    refused(lambda: RoomNight.objects.create(room_type=night.room_type, night=NIGHT, rooms_total=2))


def test_database_refuses_a_zero_price_for_a_night(night):
    night.price_override = Decimal("0")
    refused(night.save)


@pytest.fixture
def booking(room_type):
    return hold(room_type)


@pytest.mark.parametrize(
    "change",
    [
        {"check_out": NIGHT},
        {"check_out": NIGHT - timedelta(days=1)},
        {"guests": 0},
        {"rooms": 0},
        {"total": Decimal("-0.01")},
        {"hold_expires_at": None},
        {"refund_due": Decimal("10000")},
    ],
)
def test_database_refuses_an_impossible_booking(booking, change):
    refused(lambda: Booking.objects.filter(pk=booking.pk).update(**change))


def test_database_refuses_a_duplicate_reference(booking, room_type):
    other = hold(room_type, check_in=date(2026, 9, 20), check_out=date(2026, 9, 21))
    refused(lambda: Booking.objects.filter(pk=other.pk).update(reference=booking.reference))


def test_database_refuses_the_same_night_twice_in_a_booking(booking):
    refused(
        lambda: BookingNight.objects.create(
            booking=booking, room_type=booking.room_type, night=NIGHT, rooms=1, price=Decimal("1")
        )
    )


def test_database_refuses_two_lead_guests(booking):
    Guest.objects.create(
        booking=booking, name="甲", document_type="passport", document_number="E1", is_lead=True
    )
    refused(
        lambda: Guest.objects.create(
            booking=booking, name="乙", document_type="passport", document_number="E2", is_lead=True
        )
    )


def test_database_refuses_a_price_rule_ending_before_it_starts(room_type):
    refused(
        lambda: PriceRule.objects.create(
            room_type=room_type, first_night=NIGHT, last_night=NIGHT - timedelta(days=1), price=Decimal("100")
        )
    )


def test_booking_survives_its_user_deleting_the_account(room_type):
    user = factories.user()
    booking = hold(room_type, user=user)
    user.delete()
    booking.refresh_from_db()
    assert booking.user is None


def test_booking_shows_its_reference(booking):
    assert str(booking) == booking.reference
    assert booking.nights == 2


def test_held_booking_says_what_it_waits_for(booking, on_request_room_type):
    assert booking.awaiting_payment
    assert not booking.awaiting_approval
    request = hold(on_request_room_type, payment=Booking.Payment.AT_HOMESTAY)
    assert request.awaiting_approval
    assert not request.awaiting_payment
    assert request.hold_expires_at is not None and request.hold_expires_at > timezone.now()


# Booked nights are written once (the dashboard keeps sums of them: bookings.revenue.tally).


def test_a_booked_night_cannot_be_changed_or_deleted(booking):
    from bookings.models import BookedNightWrittenOnce

    booked = BookingNight.objects.filter(booking=booking)[0]
    booked.price = Decimal("1.00")
    with pytest.raises(BookedNightWrittenOnce):
        booked.save()
    with pytest.raises(BookedNightWrittenOnce):
        booked.delete()
    with pytest.raises(BookedNightWrittenOnce):
        BookingNight.objects.filter(booking=booking).update(price=Decimal("1.00"))
    with pytest.raises(BookedNightWrittenOnce):
        BookingNight.objects.all().delete()
    assert BookingNight.objects.get(pk=booked.pk).price != Decimal("1.00")


def test_a_booking_with_nights_cannot_be_deleted(booking):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Booking.objects.filter(pk=booking.pk).delete()
    assert Booking.objects.filter(pk=booking.pk).exists()


@pytest.mark.parametrize(
    "statement", ["UPDATE bookings_bookingnight SET price = 1", "DELETE FROM bookings_bookingnight"]
)
def test_postgresql_itself_refuses_to_change_booked_nights(booking, statement):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    count = BookingNight.objects.count()
    with pytest.raises(DatabaseError, match="written once"), transaction.atomic():
        connection.cursor().execute(statement)
    assert BookingNight.objects.count() == count


@pytest.mark.parametrize(
    "change",
    [
        lambda booking: booking.save(update_fields=["status"]),
        lambda booking: Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED),
        lambda booking: Booking.objects.bulk_update([booking], ["status"]),
    ],
    ids=["save of some fields", "update", "bulk update"],
)
def test_every_change_of_a_booking_stamps_its_time(booking, clock, change):
    """The dashboard keeps a month's booking sums while none of its bookings was saved since
    (``bookings.revenue.quiet``): a change that left ``updated_at`` behind would go unseen."""
    clock.advance(minutes=30)
    booking.status = Booking.Status.CANCELLED
    change(booking)
    assert Booking.objects.get(pk=booking.pk).updated_at == timezone.now()


@pytest.mark.parametrize(
    ("change", "stamped"),
    [
        (lambda rows: rows.update(rooms_closed=1), True),
        (lambda rows: rows.update(rooms_total=F("rooms_total") + 1), True),
        (lambda rows: rows.update(rooms_booked=F("rooms_booked") + 1), False),
        (lambda rows: rows.update(price_override=Decimal("99.00")), False),
        (lambda rows: RoomNight.objects.bulk_update([_closed(rows.get())], ["rooms_closed"]), True),
        (lambda rows: _closed(rows.get()).save(update_fields=["rooms_closed"]), True),
    ],
    ids=["close", "room count", "booked", "price", "bulk update", "save"],
)
def test_a_change_of_the_rooms_for_sale_stamps_its_time(night, clock, change, stamped):
    """The dashboard keeps a month's available room-nights until one of its nights changes its rooms
    for sale (``bookings.revenue.quiet``); the booking counters change often and change nothing there."""
    clock.advance(minutes=30)
    change(RoomNight.objects.filter(pk=night.pk))
    changed_at = RoomNight.objects.get(pk=night.pk).capacity_changed_at
    assert (changed_at == timezone.now()) is stamped


def _closed(row: RoomNight) -> RoomNight:
    row.rooms_closed = 1
    return row


def test_rows_inserted_in_bulk_are_stamped(room_type, clock):
    ensure_nights(room_type, [NIGHT, NIGHT + timedelta(days=1)])
    assert set(RoomNight.objects.values_list("capacity_changed_at", flat=True)) == {timezone.now()}


def test_a_stay_taken_stamps_the_rows_it_inserts_and_not_those_it_counts_on(room_type, clock):
    """``take_stay``'s own INSERT ... ON CONFLICT: a new night is stamped, an existing one keeps its time."""
    ensure_nights(room_type, [NIGHT])
    clock.advance(minutes=30)
    hold(room_type, check_in=NIGHT, check_out=NIGHT + timedelta(days=2))
    stamps = dict(RoomNight.objects.values_list("night", "capacity_changed_at"))
    assert stamps[NIGHT] == timezone.now() - timedelta(minutes=30)
    assert stamps[NIGHT + timedelta(days=1)] == timezone.now()
