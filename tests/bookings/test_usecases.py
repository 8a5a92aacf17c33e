"""The use cases every entry point calls: each does the whole job (state, money, activity event, notices),
says whether it changed anything, is safe to repeat, and leaves no trace when its transaction is undone.

The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time (tests/bookings/conftest.py)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from bookings import usecases
from bookings.activity import Action, BookingEvent, Source
from bookings.errors import IllegalTransition
from bookings.ledger import ledger_balances
from bookings.models import Booking
from bookings.payments.models import Payment, Refund
from bookings.payments.services import payment_succeeded
from bookings.transitions import GUEST, OWNER
from notifications.models import Notification
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, as_guest, as_owner, counters
from tests.bookings.payments.conftest import start_online
from tests.notifications.fakes import REFUSING_MAILER

pytestmark = pytest.mark.django_db
Status = Booking.Status
AT_HOMESTAY, ONLINE = Booking.Payment.AT_HOMESTAY, Booking.Payment.ONLINE


@pytest.fixture
def room(owner):
    return factories.room_type(homestay=factories.homestay(owner=owner), room_count=3)


@pytest.fixture
def request_room(owner):
    return factories.room_type(homestay=factories.homestay(owner=owner, instant_book=False), room_count=2)


def place(room_type, user, **fields) -> usecases.Outcome:
    fields.setdefault("check_in", ARRIVAL)
    fields.setdefault("check_out", DEPARTURE)
    fields.setdefault("guests", 2)
    fields.setdefault("lead_guest_name", "张三")
    fields.setdefault("lead_guest_phone", "13800138000")
    fields.setdefault("payment", AT_HOMESTAY)
    return usecases.booking_place(actor=as_guest(user), room_type=room_type, **fields)


def fresh(booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)


# Placing a booking


def test_the_same_stay_sent_again_moments_later_is_the_same_booking(room, guest, clock, committed):
    with committed():
        first = place(room, guest)
    clock.advance(minutes=9)
    with committed():
        again = place(room, guest, lead_guest_name=" 张三 ")  # the same name, as the form cleans it

    assert (first.changed, again.changed) == (True, False)
    assert again.booking.pk == first.booking.pk
    assert Booking.objects.count() == 1
    assert counters(room) == (1, 0, 0)
    assert BookingEvent.objects.count() == 1
    assert len([email for email in mail.outbox if email.to == [guest.email]]) == 1


def test_the_same_stay_booked_again_later_or_for_another_guest_is_a_new_booking(room, guest, clock):
    first = place(room, guest).booking
    other_lead = place(room, guest, lead_guest_name="李四").booking
    clock.advance(minutes=10, seconds=1)
    later = place(room, guest).booking

    assert len({first.pk, other_lead.pk, later.pk}) == 3
    assert counters(room) == (3, 0, 0)


def test_a_cancelled_booking_is_not_answered_for_the_same_stay_again(room, guest):
    first = place(room, guest).booking
    usecases.booking_cancel(booking=first, actor=as_guest(guest))

    again = place(room, guest)

    assert again.changed and again.booking.pk != first.pk


def test_bookings_without_an_account_are_never_taken_for_duplicates(room):
    first = usecases.booking_place(
        actor=usecases.Actor(GUEST, Source.WEB, None),
        room_type=room,
        check_in=ARRIVAL,
        check_out=DEPARTURE,
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
        payment=AT_HOMESTAY,
    )
    second = usecases.booking_place(
        actor=usecases.Actor(GUEST, Source.WEB, None),
        room_type=room,
        check_in=ARRIVAL,
        check_out=DEPARTURE,
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
        payment=AT_HOMESTAY,
    )

    assert first.changed and second.changed and first.booking.pk != second.booking.pk


def test_a_refused_booking_records_and_tells_nothing(room, guest, committed):
    with committed(), pytest.raises(ValidationError):
        place(room, guest, lead_guest_phone="12345")

    assert not Booking.objects.exists()
    assert not BookingEvent.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


# Undone, refused, or failing to send


def test_a_change_rolled_back_by_its_caller_leaves_no_event_and_sends_nothing(room, guest, committed):
    with committed():
        booking = place(room, guest).booking
    mail.outbox.clear()

    class Undo(Exception):
        pass

    with committed(), pytest.raises(Undo), transaction.atomic():
        usecases.booking_cancel(booking=booking, actor=as_guest(guest))
        raise Undo

    assert fresh(booking).status == Status.CONFIRMED
    assert [event.action for event in BookingEvent.objects.all()] == [Action.PLACED]
    assert not Notification.objects.filter(
        event__in=["booking.cancelled", "booking.owner_cancelled"]
    ).exists()
    assert mail.outbox == []


def test_a_refused_change_queues_nothing(room, guest, owner, committed):
    with committed():
        booking = place(room, guest).booking
    notifications = Notification.objects.count()

    with committed(), pytest.raises(IllegalTransition):
        usecases.booking_no_show(booking=booking, actor=as_owner(owner))

    assert Notification.objects.count() == notifications


def test_a_failing_mail_server_never_undoes_the_booking_and_the_job_sends_it_later(
    room, guest, settings, clock, committed
):
    settings.EMAIL_BACKEND = REFUSING_MAILER
    with committed():
        booking = place(room, guest).booking

    assert fresh(booking).status == Status.CONFIRMED
    waiting = Notification.objects.get(event="booking.confirmed")
    assert (waiting.status, waiting.attempts) == (Notification.Status.PENDING, 1)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.advance(minutes=1)
    call_command("send_notifications", stdout=StringIO())

    assert [email.to for email in mail.outbox] == [[guest.email], ["owner@example.com"]]
    assert Notification.objects.get(event="booking.confirmed").status == Notification.Status.SENT


# Money


def test_cancelling_a_paid_booking_refunds_it_once_however_often_it_is_asked(room, guest, stripe_api):
    booking, payment = start_online(room, user=guest)
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk), provider_payment_reference="pi_1")

    first = usecases.booking_cancel(booking=booking, actor=as_guest(guest))
    second = usecases.booking_cancel(booking=booking, actor=as_guest(guest))

    assert (first.changed, second.changed) == (True, False)
    assert first.booking.refund_due == Decimal("400.00")
    assert len(stripe_api.calls("/v1/refunds")) == 1
    assert BookingEvent.objects.filter(action=Action.REFUND_SENT).count() == 1


def test_declining_a_paid_request_refunds_all_of_it(request_room, guest, owner, stripe_api):
    booking, payment = start_online(request_room, user=guest)
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk), provider_payment_reference="pi_1")

    outcome = usecases.booking_decline(booking=booking, actor=as_owner(owner), reason="客满")

    assert (outcome.booking.status, outcome.booking.refund_due) == (Status.CANCELLED, Decimal("400.00"))
    [sent] = stripe_api.calls("/v1/refunds")
    assert sent.params["amount"] == "40000"


def test_expiring_a_paid_request_nobody_answered_refunds_it(request_room, guest, clock, stripe_api):
    booking, payment = start_online(request_room, user=guest)
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk), provider_payment_reference="pi_1")
    clock.advance(hours=25)

    outcome = usecases.booking_expire(booking=booking)
    again = usecases.booking_expire(booking=booking)

    assert (outcome.changed, again.changed) == (True, False)
    assert outcome.booking.status == Status.EXPIRED
    assert len(stripe_api.calls("/v1/refunds")) == 1
    assert counters(request_room) == (0, 0, 0)


def test_a_hold_cannot_be_expired_before_its_time(room, guest):
    booking = place(room, guest, payment=ONLINE).booking

    with pytest.raises(IllegalTransition, match="保留时间未到"):
        usecases.booking_expire(booking=booking)


def test_handing_cash_back_completes_the_refund_in_the_ledger(room, guest, owner):
    booking = place(room, guest).booking
    usecases.booking_paid_at_homestay(booking=booking, actor=as_owner(owner))
    usecases.booking_cancel(booking=booking, actor=as_owner(owner))
    [refund] = Refund.objects.all()
    assert refund.status == Refund.Status.PENDING

    outcome = usecases.cash_refund_handed_back(booking=fresh(booking), actor=as_owner(owner))

    assert outcome.changed
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    assert ledger_balances(booking=booking)["cash_provider"] == Decimal("0.00")
    completed = BookingEvent.objects.get(action=Action.REFUND_COMPLETED)
    assert (completed.role, completed.source, completed.actor, completed.note) == (
        OWNER,
        Source.CONSOLE,
        owner,
        "400.00 CNY",
    )


def test_handing_back_cash_nobody_is_owed_is_refused(room, guest, owner):
    booking = place(room, guest).booking
    usecases.booking_cancel(booking=booking, actor=as_guest(guest))

    with pytest.raises(IllegalTransition, match="没有待退还的现金"):
        usecases.cash_refund_handed_back(booking=fresh(booking), actor=as_owner(owner))


def test_handing_cash_back_works_on_the_booking_as_stored(room, guest, owner):
    booking = place(room, guest).booking
    usecases.booking_paid_at_homestay(booking=booking, actor=as_owner(owner))
    usecases.booking_cancel(booking=booking, actor=as_owner(owner))

    usecases.cash_refund_handed_back(booking=booking, actor=as_owner(owner))

    assert Refund.objects.get().status == Refund.Status.SUCCEEDED


# Reminders


def test_reminders_are_queued_for_confirmed_stays_starting_tomorrow_in_beijing(
    room, request_room, guest, clock
):
    confirmed = place(room, guest).booking
    place(request_room, guest)  # a request still held: nobody to remind yet
    cancelled = place(room, guest, lead_guest_name="李四").booking
    usecases.booking_cancel(booking=cancelled, actor=as_guest(guest))
    clock.set("2026-09-07 00:30")  # 6 September in UTC

    assert usecases.reminders_queue_due() == 1
    assert list(Notification.objects.filter(event="booking.reminder").values_list("subject", flat=True)) == [
        f"booking:{confirmed.reference}"
    ]
