"""The transition table is what the services enforce and what the console offers: for every booking state,
at every moment worth looking (before arrival, the arrival day, during the stay, after it), an action is
listed by ``actions_for`` exactly when its use case does it. The console must never offer what the service
refuses, nor hide what it would do.

The clock is the bookings' frozen clock (tests/bookings/conftest.py); states are built as real bookings
(tests/bookings/booking_states.py)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from bookings import usecases
from bookings.errors import BookingError, IllegalTransition
from bookings.guests import GuestDetails, resident_id_check_character
from bookings.models import Booking
from bookings.transitions import GUEST, OWNER, STAFF, SYSTEM, TRANSITIONS, Moment, actions_for, refusal
from tests.bookings.booking_states import MOMENTS, STATES, Maker, at, build, state_moments
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db
Status = Booking.Status
RESIDENT_ID = "11010119900307123" + resident_id_check_character("11010119900307123")

OWNER_USE_CASES = {
    "approve": lambda booking, actor: usecases.booking_approve(booking=booking, actor=actor),
    "decline": lambda booking, actor: usecases.booking_decline(booking=booking, actor=actor, reason="客满"),
    "cancel": lambda booking, actor: usecases.booking_cancel(booking=booking, actor=actor, reason="漏水"),
    "check_in": lambda booking, actor: usecases.booking_check_in(booking=booking, actor=actor),
    "check_out": lambda booking, actor: usecases.booking_check_out(booking=booking, actor=actor),
    "no_show": lambda booking, actor: usecases.booking_no_show(booking=booking, actor=actor),
    "register": lambda booking, actor: usecases.guests_register(
        booking=booking, actor=actor, guests=[GuestDetails("张三", "resident_id", RESIDENT_ID)]
    ),
    "paid": lambda booking, actor: usecases.booking_paid_at_homestay(booking=booking, actor=actor),
    "cash_refunded": lambda booking, actor: usecases.cash_refund_handed_back(booking=booking, actor=actor),
}
GUEST_USE_CASES = {
    "cancel": lambda booking, actor: usecases.booking_cancel(booking=booking, actor=actor),
}


@pytest.fixture(autouse=True)
def _online_payment(stripe_api):
    """Some states are paid online (the fake Stripe API)."""


class _Undo(Exception):
    """Undoes what one attempt changed, so every action is tried on the same booking."""


def does_it(use_case, booking: Booking, actor: usecases.Actor) -> bool:
    """Whether the use case changes the booking now (refused, or nothing left to do: ``False``). The
    change is rolled back."""
    try:
        with transaction.atomic():
            outcome = use_case(Booking.objects.get(pk=booking.pk), actor)
            raise _Undo(outcome.changed)
    except _Undo as undo:
        return undo.args[0]
    except (BookingError, ValidationError):
        return False


def test_the_use_cases_cover_every_action_an_owner_or_a_guest_may_take():
    assert set(OWNER_USE_CASES) == {action for action, t in TRANSITIONS.items() if OWNER in t.roles}
    assert {action for action, t in TRANSITIONS.items() if GUEST in t.roles} == {"cancel", "pay"}


@pytest.mark.parametrize(("state", "moment"), state_moments())
def test_the_owner_is_offered_exactly_what_the_use_cases_do(state, moment, owner, clock):
    booking = build(state, owner=owner, clock=clock)
    clock.set(MOMENTS[moment])
    offered = set(actions_for(booking, role=OWNER))
    actor = Maker(owner, clock).owner_actor()

    done = {action for action, use_case in OWNER_USE_CASES.items() if does_it(use_case, booking, actor)}

    assert offered == done, f"offered but refused: {offered - done}; done but not offered: {done - offered}"


@pytest.mark.parametrize(("state", "moment"), state_moments())
def test_the_guest_may_cancel_exactly_when_cancelling_works(state, moment, owner, clock):
    booking = build(state, owner=owner, clock=clock)
    clock.set(MOMENTS[moment])
    actor = usecases.Actor(GUEST, "web", booking.user)

    offered = "cancel" in actions_for(booking, role=GUEST)

    assert offered == does_it(GUEST_USE_CASES["cancel"], booking, actor)


def test_the_states_looked_at_give_every_owner_action_its_yes_and_its_no(owner, clock):
    """So the comparison above is never empty: each owner action is offered somewhere and refused
    somewhere."""
    offered, refused = set(), set()
    for state, (_builder, built_at) in STATES.items():
        clock.set(MOMENTS["booked"])
        booking = build(state, owner=owner, clock=clock)
        for moment in MOMENTS:
            if at(moment) >= at(built_at):
                clock.set(MOMENTS[moment])
                actions = set(actions_for(booking, role=OWNER))
                offered |= actions
                refused |= set(OWNER_USE_CASES) - actions

    assert offered == refused == set(OWNER_USE_CASES)


# A few rows of the table, spelled out


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("booked", {"cancel", "register", "paid"}),
        ("arrival_morning", {"cancel", "register", "paid", "check_in"}),  # Beijing's 8th, UTC's 7th
        ("second_morning", {"register", "paid", "check_in", "no_show"}),  # Beijing's 9th, UTC's 8th
        ("departure_day", {"register", "paid", "no_show"}),
    ],
)
def test_a_confirmed_unpaid_stay_through_the_days(moment, expected, owner, clock):
    booking = build("confirmed_unpaid", owner=owner, clock=clock)
    clock.set(MOMENTS[moment])

    assert set(actions_for(booking, role=OWNER)) == expected


def test_a_request_is_answered_by_the_owner_only_once_it_is_paid(owner, clock):
    unpaid = build("request_awaiting_payment", owner=owner, clock=clock)
    paid = build("request_paid_online", owner=owner, clock=clock)

    assert set(actions_for(unpaid, role=OWNER)) == {"decline", "cancel"}
    assert set(actions_for(paid, role=OWNER)) == {"approve", "decline", "cancel"}
    assert actions_for(unpaid, role=GUEST) == ["pay", "cancel"]
    assert actions_for(paid, role=GUEST) == ["cancel"]


def test_the_cash_refund_button_is_offered_only_while_cash_is_owed(owner, clock):
    owed = build("cancelled_cash_to_hand_back", owner=owner, clock=clock)
    returned = build("cancelled_cash_handed_back", owner=owner, clock=clock)
    online = build("cancelled_online_refunded", owner=owner, clock=clock)

    assert actions_for(owed, role=OWNER) == ["cash_refunded"]
    assert actions_for(returned, role=OWNER) == []
    assert actions_for(online, role=OWNER) == []


def test_the_system_expires_a_hold_only_once_it_is_over(room_type, clock):
    booking = hold(room_type)

    assert actions_for(booking, role=SYSTEM) == ["confirm"]
    clock.advance(minutes=15)
    assert actions_for(booking, role=SYSTEM) == ["confirm", "expire"]


def test_a_late_payment_for_an_expired_hold_is_taken_until_the_arrival_day(room_type, clock):
    booking = hold(room_type, check_in=date(2026, 9, 2), check_out=date(2026, 9, 3))
    clock.advance(minutes=16)
    booking = usecases.booking_expire(booking=booking).booking

    assert "confirm" in actions_for(booking, role=SYSTEM)
    clock.set("2026-09-03 00:30")
    assert "confirm" not in actions_for(booking, role=SYSTEM)


def test_staff_may_do_what_owners_may(owner, clock):
    booking = build("request_paid_online", owner=owner, clock=clock)

    assert actions_for(booking, role=STAFF) == actions_for(booking, role=OWNER)


# Refusals say why, in both languages, and the services raise them


def test_a_refusal_names_the_state_and_the_action_in_both_languages(room_type):
    booking = usecases.booking_cancel(
        booking=hold(room_type), actor=usecases.Actor(GUEST, "web", None)
    ).booking

    assert refusal(booking, "check_in") == (
        "预订已取消,不能办理入住 The booking is cancelled and cannot be checked in"
    )


def test_the_service_refuses_what_the_table_refuses_with_the_tables_reason(owner, clock):
    booking = build("confirmed_unpaid", owner=owner, clock=clock)
    actor = Maker(owner, clock).owner_actor()

    with pytest.raises(IllegalTransition) as refused:
        usecases.booking_check_in(booking=booking, actor=actor)

    assert refused.value.message == refusal(booking, "check_in", Moment.current())
    assert "还没到入住日期 It is not the arrival day yet" in refused.value.message
    assert refused.value.status == Status.CONFIRMED


def test_a_role_the_table_does_not_name_cannot_take_the_action(owner, clock):
    booking = build("request_paid_online", owner=owner, clock=clock)

    with pytest.raises(ValueError, match="guest"):
        usecases.booking_approve(booking=booking, actor=usecases.Actor(GUEST, "web", booking.user))

    assert Booking.objects.get(pk=booking.pk).status == Status.HELD
