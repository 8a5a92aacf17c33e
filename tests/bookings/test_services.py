from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from bookings.errors import IllegalTransition, NightsUnavailable
from bookings.guests import GuestDetails
from bookings.models import REFERENCE_ALPHABET, Booking, BookingNight, Guest
from bookings.services import (
    booking_approve,
    booking_cancel,
    booking_check_in,
    booking_check_out,
    booking_confirm,
    booking_decline,
    booking_expire,
    booking_mark_no_show,
    bookings_expire_due,
    guests_register,
)
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, counters, hold, table_counts

Status = Booking.Status
Party = Booking.Party
AT_HOMESTAY = Booking.Payment.AT_HOMESTAY
PASSPORT = Guest.DocumentType.PASSPORT
SECOND_NIGHT = date(2026, 9, 9)

pytestmark = pytest.mark.django_db


# Holding rooms


def test_instant_booking_paid_online_is_held_for_fifteen_minutes(room_type, clock):
    booking = hold(room_type)
    assert booking.status == Status.HELD
    assert booking.awaiting_payment
    assert booking.hold_expires_at == clock.now + timedelta(minutes=15)
    assert counters(room_type) == (0, 1, 0)


def test_payment_hold_length_comes_from_settings(room_type, clock, settings):
    settings.BOOKING_PAYMENT_HOLD_MINUTES = 30
    assert hold(room_type).hold_expires_at == clock.now + timedelta(minutes=30)


def test_hold_records_the_price_of_each_night_and_the_total(room_type):
    booking = hold(room_type, check_in=date(2026, 9, 4), check_out=date(2026, 9, 7))  # Fri, Sat, Sun
    prices = list(BookingNight.objects.filter(booking=booking).values_list("night", "price"))
    assert prices == [
        (date(2026, 9, 4), Decimal("300.00")),
        (date(2026, 9, 5), Decimal("300.00")),
        (date(2026, 9, 6), Decimal("200.00")),
    ]
    assert booking.total == Decimal("800.00")


def test_hold_prices_holiday_nights_by_the_day_after(room_type, holidays_2026):
    """The booking reads the calendar with the room type (``PriceBook.columns``): the days after its nights,
    so National Day's eve is a holiday night and the break's last night, before work, is not."""
    eve = hold(room_type, check_in=date(2026, 9, 29), check_out=date(2026, 10, 1))
    assert list(BookingNight.objects.filter(booking=eve).values_list("night", "price")) == [
        (date(2026, 9, 29), Decimal("200.00")),
        (date(2026, 9, 30), Decimal("500.00")),
    ]
    end_of_break = hold(room_type, check_in=date(2026, 10, 6), check_out=date(2026, 10, 11))
    assert list(BookingNight.objects.filter(booking=end_of_break).values_list("price", flat=True)) == [
        Decimal("500.00"),  # 6 October, the 7th is a day off
        Decimal("200.00"),  # 7 October, work on the 8th
        Decimal("200.00"),
        Decimal("200.00"),  # Friday 9 October, work on Saturday the 10th
        Decimal("300.00"),  # the make-up Saturday, Sunday off
    ]
    assert end_of_break.total == Decimal("1400.00")


def test_reference_is_eight_unambiguous_characters(room_type):
    reference = hold(room_type).reference
    assert len(reference) == 8
    assert set(reference) <= set(REFERENCE_ALPHABET)
    assert not set(reference) & set("01IO")


def test_instant_booking_paid_at_the_homestay_is_confirmed_at_once(room_type):
    booking = hold(room_type, payment=AT_HOMESTAY)
    assert booking.status == Status.CONFIRMED
    assert booking.hold_expires_at is None
    assert counters(room_type) == (1, 0, 0)


def test_on_request_booking_waits_a_day_for_the_owner(on_request_room_type, clock):
    booking = hold(on_request_room_type, payment=AT_HOMESTAY)
    assert booking.status == Status.HELD
    assert booking.awaiting_approval
    assert booking.hold_expires_at == clock.now + timedelta(hours=24)


def test_request_hold_length_comes_from_settings(on_request_room_type, clock, settings):
    settings.BOOKING_REQUEST_HOLD_HOURS = 48
    booking = hold(on_request_room_type, payment=AT_HOMESTAY)
    assert booking.hold_expires_at == clock.now + timedelta(hours=48)


def test_check_out_day_is_free_for_the_next_guest(room_type):
    hold(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10))
    following = hold(room_type, check_in=date(2026, 9, 10), check_out=date(2026, 9, 12))
    assert following.status == Status.HELD


def test_full_night_is_refused_and_named(room_type):
    hold(room_type, check_in=date(2026, 9, 9), check_out=date(2026, 9, 10))
    before = table_counts()
    with pytest.raises(NightsUnavailable) as refused:
        hold(room_type, check_in=ARRIVAL, check_out=DEPARTURE)
    assert refused.value.nights == [date(2026, 9, 9)]
    assert "2026-09-09" in refused.value.message
    assert table_counts() == before
    assert counters(room_type, date(2026, 9, 8)) == (0, 0, 0)


def test_two_rooms_of_a_type_can_be_booked_by_two_guests(room_type):
    room_type.room_count = 2
    room_type.save()
    hold(room_type)
    hold(room_type)
    with pytest.raises(NightsUnavailable):
        hold(room_type)
    assert counters(room_type) == (0, 2, 0)


def test_expired_hold_never_blocks_a_sale_even_without_the_clean_up(room_type, clock):
    first = hold(room_type)
    clock.advance(minutes=16)
    second = hold(room_type)
    assert second.status == Status.HELD
    first.refresh_from_db()
    assert first.status == Status.EXPIRED
    assert counters(room_type) == (0, 1, 0)


def test_hold_that_has_not_expired_still_blocks(room_type, clock):
    hold(room_type)
    clock.advance(minutes=14)
    with pytest.raises(NightsUnavailable):
        hold(room_type)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"check_in": date(2026, 9, 10), "check_out": date(2026, 9, 8)}, "dates_order"),
        ({"check_in": date(2026, 9, 8), "check_out": date(2026, 9, 8)}, "dates_order"),
        ({"check_in": date(2026, 8, 30), "check_out": date(2026, 9, 2)}, "past"),
        ({"guests": 0}, "guests"),
        ({"guests": 3}, "capacity"),
        ({"rooms": 0}, "rooms"),
        ({"rooms": 2, "guests": 2}, "rooms"),
        ({"check_in": date(2029, 9, 8), "check_out": date(2029, 9, 10)}, "booking_window"),
        ({"lead_guest_name": "  "}, "name"),
        ({"lead_guest_phone": "12345"}, "phone"),
    ],
)
def test_bad_request_is_refused_and_changes_nothing(room_type, fields, code):
    hold(room_type, check_in=date(2026, 9, 20), check_out=date(2026, 9, 21))
    before = table_counts()
    with pytest.raises(ValidationError) as refused:
        hold(room_type, **fields)
    assert refused.value.code == code
    assert table_counts() == before


def test_phone_number_is_stored_normalized(room_type):
    assert hold(room_type, lead_guest_phone="+86 138-0013-8000").lead_guest_phone == "13800138000"


# Payment and approval


def test_payment_confirms_an_instant_booking(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    assert booking.status == Status.CONFIRMED
    assert booking.paid_at == clock.now
    assert counters(room_type) == (1, 0, 0)


def test_payment_on_a_request_waits_a_day_for_the_owner(on_request_room_type, clock):
    booking = hold(on_request_room_type)
    assert booking.awaiting_payment
    clock.advance(minutes=5)
    booking = booking_confirm(booking=booking)
    assert booking.status == Status.HELD
    assert booking.awaiting_approval
    assert booking.hold_expires_at == clock.now + timedelta(hours=24)
    assert counters(on_request_room_type) == (0, 1, 0)


def test_owner_approval_of_a_paid_request_confirms_it(on_request_room_type):
    booking = booking_confirm(booking=hold(on_request_room_type))
    booking = booking_approve(booking=booking)
    assert booking.status == Status.CONFIRMED
    assert counters(on_request_room_type) == (1, 0, 0)


def test_owner_cannot_approve_before_the_guest_paid(on_request_room_type):
    booking = hold(on_request_room_type)
    with pytest.raises(IllegalTransition, match="尚未付款"):
        booking_approve(booking=booking)
    assert Booking.objects.get(pk=booking.pk).status == Status.HELD


def test_owner_declining_a_paid_request_refunds_it_in_full(on_request_room_type):
    booking = booking_decline(booking=booking_confirm(booking=hold(on_request_room_type)), reason="家中有事")
    assert booking.status == Status.CANCELLED
    assert booking.cancelled_by == Party.OWNER
    assert booking.refund_due == booking.total
    assert counters(on_request_room_type) == (0, 0, 0)


def test_late_payment_revives_an_expired_booking_when_the_room_is_still_free(room_type, clock):
    booking = hold(room_type)
    clock.advance(minutes=20)
    booking_expire(booking=booking)
    booking = booking_confirm(booking=booking)
    assert booking.status == Status.CONFIRMED
    assert counters(room_type) == (1, 0, 0)


def test_late_payment_for_a_room_sold_meanwhile_is_refused(room_type, clock):
    late = hold(room_type)
    clock.advance(minutes=20)
    hold(room_type)
    with pytest.raises(NightsUnavailable):
        booking_confirm(booking=late)
    assert Booking.objects.get(pk=late.pk).status == Status.EXPIRED
    assert counters(room_type) == (0, 1, 0)


def test_payment_for_a_cancelled_booking_is_refused(room_type):
    booking = booking_cancel(booking=hold(room_type), by=Party.GUEST)
    with pytest.raises(IllegalTransition):
        booking_confirm(booking=booking)


# Cancelling


def test_cancelling_gives_the_rooms_back(room_type):
    booking_cancel(booking=booking_confirm(booking=hold(room_type)), by=Party.GUEST)
    assert counters(room_type) == (0, 0, 0)
    assert hold(room_type).status == Status.HELD


def test_guest_cancelling_early_gets_everything_back(room_type):
    booking = booking_cancel(
        booking=booking_confirm(booking=hold(room_type)), by=Party.GUEST, reason="改行程"
    )
    assert booking.refund_due == Decimal("400.00")
    assert booking.cancel_reason == "改行程"


def test_guest_cancelling_late_gets_what_the_policy_gives(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))  # moderate policy, arrival 8 September
    clock.set("2026-09-05 09:00")
    assert booking_cancel(booking=booking, by=Party.GUEST).refund_due == Decimal("200.00")


def test_days_before_arrival_count_in_beijing_time(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))  # moderate: full refund from 5 days before
    clock.set("2026-09-03 23:30")  # 15:30 UTC: still 3 September in Beijing, 5 days before
    assert booking_cancel(booking=booking, by=Party.GUEST).refund_due == Decimal("400.00")


def test_owner_cancelling_refunds_in_full_whatever_the_policy(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-08 08:00")
    assert booking_cancel(booking=booking, by=Party.OWNER).refund_due == Decimal("400.00")


def test_unpaid_booking_cancelled_refunds_nothing(room_type):
    booking = booking_cancel(booking=hold(room_type, payment=AT_HOMESTAY), by=Party.GUEST)
    assert booking.refund_due == Decimal("0.00")


def test_booking_cannot_be_cancelled_after_the_arrival_day(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-09 08:00")
    with pytest.raises(IllegalTransition, match="入住日期已过"):
        booking_cancel(booking=booking, by=Party.GUEST)
    assert counters(room_type) == (1, 0, 0)


def test_cancel_refuses_an_unknown_party(room_type):
    with pytest.raises(ValueError, match="unknown party"):
        booking_cancel(booking=hold(room_type), by="neighbour")


# Expiry


def test_expiring_a_hold_gives_the_rooms_back(room_type, clock):
    booking = hold(room_type)
    clock.advance(minutes=15)
    assert booking_expire(booking=booking).status == Status.EXPIRED
    assert counters(room_type) == (0, 0, 0)


def test_a_hold_cannot_be_expired_early(room_type):
    booking = hold(room_type)
    with pytest.raises(IllegalTransition, match="保留时间未到"):
        booking_expire(booking=booking)
    assert counters(room_type) == (0, 1, 0)


def test_expired_paid_request_is_refunded_in_full(on_request_room_type, clock):
    booking = booking_confirm(booking=hold(on_request_room_type))
    clock.advance(hours=25)
    assert booking_expire(booking=booking).refund_due == booking.total


def test_clean_up_expires_only_holds_that_are_over(room_type, clock):
    room_type.room_count = 2
    room_type.save()
    old = hold(room_type)
    clock.advance(minutes=10)
    recent = hold(room_type)
    clock.advance(minutes=6)
    assert bookings_expire_due() == 1
    assert Booking.objects.get(pk=old.pk).status == Status.EXPIRED
    assert Booking.objects.get(pk=recent.pk).status == Status.HELD
    assert counters(room_type) == (0, 1, 0)


def test_expire_holds_command_reports_what_it_did(room_type, clock, capsys):
    hold(room_type)
    clock.advance(hours=1)
    call_command("expire_holds")
    assert "Expired 1 bookings" in capsys.readouterr().out
    assert counters(room_type) == (0, 0, 0)


# Stay


def test_guest_checks_in_on_the_arrival_day(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-08 15:00")
    assert booking_check_in(booking=booking).status == Status.CHECKED_IN


def test_guest_cannot_check_in_before_the_arrival_day(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-07 23:59")
    with pytest.raises(IllegalTransition, match="还没到入住日期"):
        booking_check_in(booking=booking)


def test_checking_out_completes_the_stay_and_keeps_the_nights_sold(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-08 15:00")
    booking = booking_check_in(booking=booking)
    clock.set("2026-09-10 11:00")
    assert booking_check_out(booking=booking).status == Status.COMPLETED
    assert counters(room_type, date(2026, 9, 9)) == (1, 0, 0)


def test_leaving_early_gives_the_remaining_nights_back(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-08 15:00")
    booking = booking_check_in(booking=booking)
    clock.set("2026-09-09 09:00")
    booking_check_out(booking=booking)
    assert counters(room_type, date(2026, 9, 8)) == (1, 0, 0)
    assert counters(room_type, date(2026, 9, 9)) == (0, 0, 0)


def test_no_show_gives_the_remaining_nights_back_and_refunds_nothing(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-09 09:00")
    booking = booking_mark_no_show(booking=booking)
    assert booking.status == Status.NO_SHOW
    assert booking.refund_due == Decimal("0.00")
    assert counters(room_type, date(2026, 9, 8)) == (1, 0, 0)
    assert counters(room_type, date(2026, 9, 9)) == (0, 0, 0)


def test_no_show_cannot_be_marked_on_the_arrival_day(room_type, clock):
    booking = booking_confirm(booking=hold(room_type))
    clock.set("2026-09-08 22:00")
    with pytest.raises(IllegalTransition, match="次日起"):
        booking_mark_no_show(booking=booking)


# Every state change is safe to repeat


def _confirmed(room_type, clock):
    return booking_confirm(booking=hold(room_type))


def _checked_in(room_type, clock):
    booking = _confirmed(room_type, clock)
    clock.set("2026-09-08 15:00")
    return booking_check_in(booking=booking)


def _at_arrival(room_type, clock):
    booking = _confirmed(room_type, clock)
    clock.set("2026-09-09 09:00")
    return booking


def _expired(room_type, clock):
    booking = hold(room_type)
    clock.advance(minutes=30)
    return booking


def _request(room_type, clock):
    room_type.homestay.instant_book = False
    room_type.homestay.save()
    return hold(room_type, payment=AT_HOMESTAY)


REPEATABLE = {
    "confirm": (lambda room_type, clock: hold(room_type), lambda b: booking_confirm(booking=b)),
    "cancel": (_confirmed, lambda b: booking_cancel(booking=b, by=Party.GUEST)),
    "decline": (_request, lambda b: booking_decline(booking=b)),
    "expire": (_expired, lambda b: booking_expire(booking=b)),
    "check_in": (_checked_in, lambda b: booking_check_in(booking=b)),
    "check_out": (_checked_in, lambda b: booking_check_out(booking=b)),
    "no_show": (_at_arrival, lambda b: booking_mark_no_show(booking=b)),
}


@pytest.mark.parametrize("action", REPEATABLE)
def test_repeating_a_state_change_changes_nothing_more(room_type, clock, action):
    prepare, change = REPEATABLE[action]
    booking = change(prepare(room_type, clock))
    state = (booking.status, booking.refund_due, counters(room_type), counters(room_type, date(2026, 9, 9)))
    again = change(booking)
    assert (
        again.status,
        again.refund_due,
        counters(room_type),
        counters(room_type, date(2026, 9, 9)),
    ) == state


def test_repeating_an_approval_changes_nothing_more(on_request_room_type):
    booking = booking_approve(booking=hold(on_request_room_type, payment=AT_HOMESTAY))
    again = booking_approve(booking=booking)
    assert again.status == Status.CONFIRMED
    assert counters(on_request_room_type) == (1, 0, 0)


def test_repeated_payment_webhook_after_approval_changes_nothing(on_request_room_type):
    booking = booking_approve(booking=booking_confirm(booking=hold(on_request_room_type)))
    again = booking_confirm(booking=booking)
    assert (again.status, again.paid_at) == (Status.CONFIRMED, booking.paid_at)
    assert counters(on_request_room_type) == (1, 0, 0)


# Illegal transitions


@pytest.mark.parametrize(
    ("action", "change"),
    [
        ("check_in", lambda b: booking_check_in(booking=b)),
        ("check_out", lambda b: booking_check_out(booking=b)),
        ("no_show", lambda b: booking_mark_no_show(booking=b)),
        ("approve", lambda b: booking_approve(booking=b)),
        ("confirm", lambda b: booking_confirm(booking=b)),
        ("expire", lambda b: booking_expire(booking=b)),
    ],
)
def test_a_cancelled_booking_refuses_every_other_change(room_type, action, change):
    booking = booking_cancel(booking=hold(room_type), by=Party.GUEST)
    with pytest.raises(IllegalTransition) as refused:
        change(booking)
    assert refused.value.status == Status.CANCELLED
    assert refused.value.action == action
    assert refused.value.message.startswith("预订已取消")
    assert "The booking is cancelled" in refused.value.message
    assert counters(room_type) == (0, 0, 0)


def test_a_held_booking_cannot_be_checked_in(room_type, clock):
    booking = hold(room_type)
    clock.set("2026-09-08 15:00")
    with pytest.raises(IllegalTransition):
        booking_check_in(booking=booking)


def test_a_completed_stay_cannot_be_cancelled(room_type, clock):
    booking = _checked_in(room_type, clock)
    clock.set("2026-09-10 10:00")
    booking = booking_check_out(booking=booking)
    with pytest.raises(IllegalTransition):
        booking_cancel(booking=booking, by=Party.OWNER)


def test_a_confirmed_booking_cannot_be_declined(room_type):
    booking = booking_confirm(booking=hold(room_type))
    with pytest.raises(IllegalTransition):
        booking_decline(booking=booking)


# Guest registration (实名登记)


def _guest(name="李四", number="11010519491231002X", document_type=Guest.DocumentType.RESIDENT_ID, **fields):
    return GuestDetails(name=name, document_type=document_type, document_number=number, **fields)


def test_owner_registers_the_guests_at_check_in(room_type):
    owner = factories.user()
    booking = booking_confirm(booking=hold(room_type))
    guests = guests_register(
        booking=booking,
        guests=[_guest(), _guest("Anna Schmidt", "c01x00t47", PASSPORT)],
        by=owner,
    )
    assert [(g.name, g.document_number, g.is_lead) for g in guests] == [
        ("李四", "11010519491231002X", True),
        ("Anna Schmidt", "C01X00T47", False),
    ]
    assert Guest.objects.filter(booking=booking, registered_by=owner).count() == 2


def test_registering_again_replaces_the_earlier_registration(room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[_guest()])
    guests_register(booking=booking, guests=[_guest("王五", "E12345678", PASSPORT)])
    assert list(Guest.objects.filter(booking=booking).values_list("name", flat=True)) == ["王五"]


def test_malformed_id_number_is_refused_without_showing_it(room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[_guest()])
    with pytest.raises(ValidationError) as refused:
        guests_register(booking=booking, guests=[_guest(), _guest("王五", "110105194912310029")])
    assert refused.value.message.startswith("第2位入住人")
    assert "110105194912310029" not in str(refused.value)
    assert Guest.objects.filter(booking=booking).count() == 1


def test_more_guests_than_booked_cannot_be_registered(room_type):
    booking = booking_confirm(booking=hold(room_type, guests=1))
    with pytest.raises(ValidationError) as refused:
        guests_register(booking=booking, guests=[_guest(), _guest("王五", "E12345678", PASSPORT)])
    assert refused.value.code == "guest_count"


def test_the_same_document_twice_is_refused(room_type):
    booking = booking_confirm(booking=hold(room_type))
    with pytest.raises(ValidationError) as refused:
        guests_register(booking=booking, guests=[_guest(), _guest("李四四")])
    assert refused.value.code == "duplicate"


def test_only_one_lead_guest(room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests = [_guest(is_lead=True), _guest("王五", "E12345678", PASSPORT, is_lead=True)]
    with pytest.raises(ValidationError) as refused:
        guests_register(booking=booking, guests=guests)
    assert refused.value.code == "lead"


def test_guests_of_an_unconfirmed_booking_cannot_be_registered(room_type):
    with pytest.raises(IllegalTransition):
        guests_register(booking=hold(room_type), guests=[_guest()])


def test_tonight_cannot_be_held_after_the_cut_off_in_beijing_time(room_type, clock):
    clock.set("2026-09-01 23:30")  # 15:30 UTC
    with pytest.raises(ValidationError) as refused:
        hold(room_type, check_in=date(2026, 9, 1), check_out=date(2026, 9, 2))
    assert refused.value.code == "same_day_cutoff"
    assert table_counts() == (0, 0, 0)


def test_expired_pay_at_homestay_request_cannot_be_confirmed(on_request_room_type, clock):
    booking = hold(on_request_room_type, payment=AT_HOMESTAY)
    clock.advance(hours=25)
    booking = booking_expire(booking=booking)
    with pytest.raises(IllegalTransition):
        booking_confirm(booking=booking)
