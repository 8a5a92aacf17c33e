"""Bookings in every state the transition table knows, built the way real ones are (through the use cases
and the payment services), and the moments worth looking at them. For the tests that compare what the
table offers with what the use cases do (tests/bookings/test_transitions.py) and what the owner console
shows (tests/bookings/owner/test_bookings_console_actions.py).

Every builder starts on the frozen clock (Tuesday 1 September 2026, 10:00 Beijing time) and books the stay
of 8 to 10 September; some move the clock on to get there (a check-in needs the arrival day). Online
payments need the ``stripe_api`` fixture.
"""

from collections.abc import Callable
from datetime import datetime

from bookings import usecases
from bookings.activity import Source
from bookings.models import Booking
from bookings.payments.models import Payment
from bookings.payments.services import payment_succeeded
from bookings.services import bookings_expire_due
from bookings.transitions import GUEST, OWNER
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, SHANGHAI
from tests.bookings.payments.conftest import start_online

AT_HOMESTAY, ONLINE = Booking.Payment.AT_HOMESTAY, Booking.Payment.ONLINE

# Beijing time. 07:00 on a day is still the day before in UTC: "today" must be Beijing's.
MOMENTS = {
    "booked": "2026-09-01 10:00",
    "payment_hold_over": "2026-09-01 10:30",
    "request_hold_over": "2026-09-02 11:00",
    "arrival_morning": "2026-09-08 07:00",
    "second_morning": "2026-09-09 07:00",
    "departure_day": "2026-09-10 10:00",
    "after_the_stay": "2026-09-12 10:00",
}


def at(moment: str) -> datetime:
    return datetime.fromisoformat(MOMENTS[moment]).replace(tzinfo=SHANGHAI)


class Maker:
    """Builds bookings of one owner's homestays; ``clock`` is the tests' clock fixture."""

    def __init__(self, owner, clock):
        self.owner, self.clock = owner, clock
        self.guest = factories.user(email="guest@example.com")

    def room(self, *, instant_book: bool = True):
        homestay = factories.homestay(owner=self.owner, instant_book=instant_book)
        return factories.room_type(homestay=homestay, room_count=2)

    def owner_actor(self) -> usecases.Actor:
        return usecases.Actor(OWNER, Source.CONSOLE, self.owner)

    def guest_actor(self) -> usecases.Actor:
        return usecases.Actor(GUEST, Source.WEB, self.guest)

    def place(self, room, payment: str) -> Booking:
        return usecases.booking_place(
            actor=self.guest_actor(),
            room_type=room,
            check_in=ARRIVAL,
            check_out=DEPARTURE,
            guests=2,
            lead_guest_name="张三",
            lead_guest_phone="13800138000",
            payment=payment,
        ).booking

    def paid_online(self, room) -> Booking:
        booking, payment = start_online(room, user=self.guest)
        payment_succeeded(payment=Payment.objects.get(pk=payment.pk), provider_payment_reference="pi_1")
        return fresh(booking)

    def paid_at_homestay(self, booking) -> Booking:
        return usecases.booking_paid_at_homestay(booking=booking, actor=self.owner_actor()).booking

    def checked_in(self, booking) -> Booking:
        self.clock.set(MOMENTS["arrival_morning"])
        return usecases.booking_check_in(booking=booking, actor=self.owner_actor()).booking

    def cancelled_by_owner(self, booking) -> Booking:
        return usecases.booking_cancel(booking=booking, actor=self.owner_actor(), reason="房屋漏水").booking


def fresh(booking) -> Booking:
    return Booking.objects.get(pk=booking.pk)


def _held_for_payment(m: Maker) -> Booking:
    return m.place(m.room(), ONLINE)


def _request_awaiting_payment(m: Maker) -> Booking:
    return m.place(m.room(instant_book=False), ONLINE)


def _request_at_homestay(m: Maker) -> Booking:
    return m.place(m.room(instant_book=False), AT_HOMESTAY)


def _request_paid_online(m: Maker) -> Booking:
    return m.paid_online(m.room(instant_book=False))


def _confirmed_unpaid(m: Maker) -> Booking:
    return m.place(m.room(), AT_HOMESTAY)


def _confirmed_paid_at_homestay(m: Maker) -> Booking:
    return m.paid_at_homestay(_confirmed_unpaid(m))


def _confirmed_paid_online(m: Maker) -> Booking:
    return m.paid_online(m.room())


def _checked_in_unpaid(m: Maker) -> Booking:
    return m.checked_in(_confirmed_unpaid(m))


def _checked_in_paid(m: Maker) -> Booking:
    return m.checked_in(_confirmed_paid_at_homestay(m))


def _completed_unpaid(m: Maker) -> Booking:
    booking = _checked_in_unpaid(m)
    m.clock.set(MOMENTS["second_morning"])
    return usecases.booking_check_out(booking=booking, actor=m.owner_actor()).booking


def _no_show(m: Maker) -> Booking:
    booking = _confirmed_unpaid(m)
    m.clock.set(MOMENTS["second_morning"])
    return usecases.booking_no_show(booking=booking, actor=m.owner_actor()).booking


def _cancelled_unpaid(m: Maker) -> Booking:
    return usecases.booking_cancel(booking=_confirmed_unpaid(m), actor=m.guest_actor()).booking


def _cancelled_cash_to_hand_back(m: Maker) -> Booking:
    return m.cancelled_by_owner(_confirmed_paid_at_homestay(m))


def _cancelled_cash_handed_back(m: Maker) -> Booking:
    booking = _cancelled_cash_to_hand_back(m)
    return usecases.cash_refund_handed_back(booking=fresh(booking), actor=m.owner_actor()).booking


def _cancelled_online_refunded(m: Maker) -> Booking:
    return usecases.booking_cancel(booking=_confirmed_paid_online(m), actor=m.guest_actor()).booking


def _declined(m: Maker) -> Booking:
    booking = _request_at_homestay(m)
    return usecases.booking_decline(booking=booking, actor=m.owner_actor(), reason="客满").booking


def _expired_unpaid(m: Maker) -> Booking:
    booking = _held_for_payment(m)
    m.clock.set(MOMENTS["payment_hold_over"])
    bookings_expire_due()
    return fresh(booking)


def _expired_paid_request(m: Maker) -> Booking:
    booking = _request_paid_online(m)
    m.clock.set(MOMENTS["request_hold_over"])
    return usecases.booking_expire(booking=booking).booking


# name -> (builder, the moment the builder leaves the clock at: earlier moments cannot be looked at)
STATES: dict[str, tuple[Callable[[Maker], Booking], str]] = {
    "held_for_payment": (_held_for_payment, "booked"),
    "request_awaiting_payment": (_request_awaiting_payment, "booked"),
    "request_at_homestay": (_request_at_homestay, "booked"),
    "request_paid_online": (_request_paid_online, "booked"),
    "confirmed_unpaid": (_confirmed_unpaid, "booked"),
    "confirmed_paid_at_homestay": (_confirmed_paid_at_homestay, "booked"),
    "confirmed_paid_online": (_confirmed_paid_online, "booked"),
    "checked_in_unpaid": (_checked_in_unpaid, "arrival_morning"),
    "checked_in_paid": (_checked_in_paid, "arrival_morning"),
    "completed_unpaid": (_completed_unpaid, "second_morning"),
    "no_show": (_no_show, "second_morning"),
    "cancelled_unpaid": (_cancelled_unpaid, "booked"),
    "cancelled_cash_to_hand_back": (_cancelled_cash_to_hand_back, "booked"),
    "cancelled_cash_handed_back": (_cancelled_cash_handed_back, "booked"),
    "cancelled_online_refunded": (_cancelled_online_refunded, "booked"),
    "declined": (_declined, "booked"),
    "expired_unpaid": (_expired_unpaid, "payment_hold_over"),
    "expired_paid_request": (_expired_paid_request, "request_hold_over"),
}


def state_moments() -> list[tuple[str, str]]:
    """Every state at every moment from the one it is built at on."""
    return [
        (state, moment)
        for state, (_builder, built_at) in STATES.items()
        for moment in MOMENTS
        if at(moment) >= at(built_at)
    ]


def build(state: str, *, owner, clock) -> Booking:
    builder, _built_at = STATES[state]
    booking = fresh(builder(Maker(owner, clock)))
    return booking
