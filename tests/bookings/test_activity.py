"""The activity log: one append-only event per change of a booking, naming who did it, in which role and
through which entry point, and the status before and after; nothing for a repeat. Guests see the events
meant for them (their booking page, the API); owners see all of them.

The clock is frozen at Tuesday 1 September 2026, 10:00 Beijing time (tests/bookings/conftest.py)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from bookings import usecases
from bookings.activity import Action, BookingEvent, Role, Source
from bookings.guests import GuestDetails, resident_id_check_character
from bookings.models import Booking
from bookings.payments.models import Payment
from bookings.payments.services import payment_succeeded
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, as_guest, as_owner
from tests.bookings.payments import conftest as payments
from tests.bookings.payments.conftest import start_online
from tests.bookings.payments.fakes import session_object

pytestmark = pytest.mark.django_db
send_event = payments.send_event  # the signed Stripe webhook delivery fixture
Status = Booking.Status
AT_HOMESTAY, ONLINE = Booking.Payment.AT_HOMESTAY, Booking.Payment.ONLINE
RESIDENT_ID = "11010119900307123" + resident_id_check_character("11010119900307123")


@pytest.fixture
def room(owner):
    return factories.room_type(homestay=factories.homestay(owner=owner), room_count=2)


@pytest.fixture
def request_room(owner):
    return factories.room_type(homestay=factories.homestay(owner=owner, instant_book=False), room_count=2)


def place(room_type, user, *, payment=AT_HOMESTAY, source=Source.WEB) -> Booking:
    return usecases.booking_place(
        actor=as_guest(user, source),
        room_type=room_type,
        check_in=ARRIVAL,
        check_out=DEPARTURE,
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
        payment=payment,
    ).booking


def log(booking) -> list[tuple]:
    return [
        (event.action, event.role, event.source, event.from_status, event.to_status)
        for event in BookingEvent.objects.filter(booking=booking)
    ]


def test_every_change_of_a_stay_is_one_event_naming_who_how_and_the_states(room, guest, owner, clock):
    booking = place(room, guest)
    usecases.guests_register(
        booking=booking, actor=as_owner(owner), guests=[GuestDetails("张三", "resident_id", RESIDENT_ID)]
    )
    usecases.booking_paid_at_homestay(booking=booking, actor=as_owner(owner))
    clock.set("2026-09-08 15:00")
    usecases.booking_check_in(booking=booking, actor=as_owner(owner))
    clock.set("2026-09-10 11:00")
    usecases.booking_check_out(booking=booking, actor=as_owner(owner))

    assert log(booking) == [
        (Action.PLACED, Role.GUEST, Source.WEB, "", Status.CONFIRMED),
        (Action.GUESTS_REGISTERED, Role.OWNER, Source.CONSOLE, Status.CONFIRMED, Status.CONFIRMED),
        (Action.PAID_AT_HOMESTAY, Role.OWNER, Source.CONSOLE, Status.CONFIRMED, Status.CONFIRMED),
        (Action.CHECKED_IN, Role.OWNER, Source.CONSOLE, Status.CONFIRMED, Status.CHECKED_IN),
        (Action.CHECKED_OUT, Role.OWNER, Source.CONSOLE, Status.CHECKED_IN, Status.COMPLETED),
    ]
    events = list(BookingEvent.objects.filter(booking=booking))
    assert [event.actor for event in events] == [guest, owner, owner, owner, owner]


def test_the_registration_event_counts_the_guests_and_never_names_them(room, guest, owner):
    booking = place(room, guest)

    usecases.guests_register(
        booking=booking, actor=as_owner(owner), guests=[GuestDetails("李四", "resident_id", RESIDENT_ID)]
    )

    event = BookingEvent.objects.get(action=Action.GUESTS_REGISTERED)
    assert event.note == "1位入住人 1 guest(s)"
    assert "李四" not in event.note and RESIDENT_ID[-4:] not in event.note


def test_a_request_paid_online_and_approved_records_the_system_then_the_owner(
    request_room, guest, owner, stripe_api, send_event
):
    booking, payment = start_online(request_room, user=guest)
    send_event("checkout.session.completed", session_object(Payment.objects.get(pk=payment.pk)))
    usecases.booking_approve(booking=booking, actor=as_owner(owner))

    assert log(booking) == [
        (Action.PAID, Role.SYSTEM, Source.WEBHOOK, Status.HELD, Status.HELD),
        (Action.APPROVED, Role.OWNER, Source.CONSOLE, Status.HELD, Status.CONFIRMED),
    ]


def test_a_declined_request_records_the_owners_reason(request_room, guest, owner):
    booking = place(request_room, guest)

    usecases.booking_decline(booking=booking, actor=as_owner(owner), reason="家里有事")

    [_placed, declined] = BookingEvent.objects.filter(booking=booking)
    assert (declined.action, declined.from_status, declined.to_status, declined.note) == (
        Action.DECLINED,
        Status.HELD,
        Status.CANCELLED,
        "家里有事",
    )


def test_the_expire_job_records_the_expiry_as_the_system(room, guest, clock):
    booking = place(room, guest, payment=ONLINE)
    clock.advance(minutes=16)

    call_command("expire_holds", stdout=StringIO())
    call_command("expire_holds", stdout=StringIO())

    assert log(booking) == [
        (Action.PLACED, Role.GUEST, Source.WEB, "", Status.HELD),
        (Action.EXPIRED, Role.SYSTEM, Source.SYSTEM, Status.HELD, Status.EXPIRED),
    ]


def test_an_expiry_found_by_another_guests_booking_is_recorded_too(room_type, guest, clock):
    first = place(room_type, guest, payment=ONLINE)
    clock.advance(minutes=16)

    second = place(room_type, factories.user(), source=Source.API)

    assert log(first)[-1] == (Action.EXPIRED, Role.SYSTEM, Source.SYSTEM, Status.HELD, Status.EXPIRED)
    assert log(second) == [(Action.PLACED, Role.GUEST, Source.API, "", Status.CONFIRMED)]


def test_repeating_a_change_records_nothing_more(request_room, guest, owner, stripe_api):
    booking, payment = start_online(request_room, user=guest)
    payment = Payment.objects.get(pk=payment.pk)
    for _ in range(2):
        payment_succeeded(payment=payment, provider_payment_reference="pi_1")
    for _ in range(2):
        outcome = usecases.booking_approve(booking=booking, actor=as_owner(owner))
    assert outcome.changed is False
    for _ in range(2):
        outcome = usecases.booking_cancel(booking=booking, actor=as_guest(guest))
    assert outcome.changed is False

    assert [action for action, *_rest in log(booking)] == [
        Action.PAID,
        Action.APPROVED,
        Action.CANCELLED,
        Action.REFUND_SENT,
    ]


def test_marking_paid_at_the_homestay_twice_records_it_once(room, guest, owner):
    booking = place(room, guest)

    first = usecases.booking_paid_at_homestay(booking=booking, actor=as_owner(owner))
    second = usecases.booking_paid_at_homestay(booking=booking, actor=as_owner(owner))

    assert (first.changed, second.changed) == (True, False)
    assert BookingEvent.objects.filter(action=Action.PAID_AT_HOMESTAY).count() == 1


def test_a_refused_change_records_nothing(room, guest, owner):
    booking = place(room, guest)

    with pytest.raises(Exception, match="还没到入住日期"):
        usecases.booking_check_in(booking=booking, actor=as_owner(owner))

    assert [action for action, *_rest in log(booking)] == [Action.PLACED]


# Append-only


def test_events_can_be_neither_changed_nor_deleted(room, guest):
    booking = place(room, guest)
    event = BookingEvent.objects.get(booking=booking)

    event.note = "改写历史"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        BookingEvent.objects.filter(booking=booking).update(note="改写历史")
    with pytest.raises(TypeError):
        BookingEvent.objects.filter(booking=booking).delete()
    with pytest.raises(TypeError), transaction.atomic():
        BookingEvent.objects.bulk_update([event], ["note"])

    assert BookingEvent.objects.get(pk=event.pk).note == ""


# Who sees what


def events_section(html: str) -> str:
    """The text of the page's activity list."""
    match = re.search(r'<ol class="events">(.*?)</ol>', html, re.S)
    assert match, "the page lists no events"
    return match.group(1)


@pytest.fixture
def registered_and_cancelled(request_room, guest, owner):
    """A request approved, its guests registered (owner only), then cancelled by the owner."""
    booking = place(request_room, guest)
    usecases.booking_approve(booking=booking, actor=as_owner(owner))
    usecases.guests_register(
        booking=booking, actor=as_owner(owner), guests=[GuestDetails("张三", "resident_id", RESIDENT_ID)]
    )
    usecases.booking_cancel(booking=booking, actor=as_owner(owner), reason="房屋漏水")
    return booking


def test_the_guests_page_shows_the_events_meant_for_guests(client, guest, registered_and_cancelled):
    client.force_login(guest)

    response = client.get(
        reverse("bookings:detail", kwargs={"reference": registered_and_cancelled.reference})
    )

    events = events_section(response.text)
    assert [label in events for label in ("下单 Booked", "经营户同意", "取消 Cancelled", "房屋漏水")] == [
        True
    ] * 4
    assert "入住登记 Guests registered" not in events
    assert "1位入住人" not in events


def test_the_owners_page_shows_every_event(client, owner, registered_and_cancelled):
    client.force_login(owner)

    response = client.get(
        reverse("owner:booking_detail", kwargs={"reference": registered_and_cancelled.reference})
    )

    events = events_section(response.text)
    for label in ("下单 Booked", "经营户同意", "入住登记 Guests registered", "1位入住人", "取消 Cancelled"):
        assert label in events
    assert events.index("下单 Booked") < events.index("取消 Cancelled")


def test_a_booking_with_no_events_says_so(client, guest, room):
    booking = factories_booking_without_events(room, guest)
    client.force_login(guest)

    response = client.get(reverse("bookings:detail", kwargs={"reference": booking.reference}))

    assert "暂无动态。" in response.text


def factories_booking_without_events(room, guest) -> Booking:
    """A booking made before the activity log existed (straight through the service)."""
    from tests.bookings.helpers import hold

    return hold(room, user=guest, payment=AT_HOMESTAY)


def test_the_api_answer_lists_the_guests_events_and_what_they_may_do(client, guest, registered_and_cancelled):
    client.force_login(guest)

    body = client.get(f"/api/bookings/{registered_and_cancelled.reference}").json()

    assert [
        (event["action"], event["role"], event["from_status"], event["to_status"]) for event in body["events"]
    ] == [
        ("placed", "guest", None, "held"),
        ("approved", "owner", "held", "confirmed"),
        ("cancelled", "owner", "confirmed", "cancelled"),
    ]
    assert body["events"][2]["note"] == "房屋漏水"
    assert body["events"][0]["created_at"] == "2026-09-01T02:00:00Z"
    assert body["actions"] == []


def test_the_api_lists_pay_and_cancel_while_a_hold_waits_for_payment(client, guest, room, clock):
    booking = place(room, guest, payment=ONLINE)
    client.force_login(guest)

    assert client.get(f"/api/bookings/{booking.reference}").json()["actions"] == ["pay", "cancel"]
    [listed] = client.get("/api/bookings").json()["items"]
    assert listed["actions"] == ["pay", "cancel"]

    clock.advance(minutes=15)  # lapsed: it counts as expired, nothing is left to do with it
    assert client.get(f"/api/bookings/{booking.reference}").json()["actions"] == []
    assert client.post(f"/api/bookings/{booking.reference}/cancel").status_code == 409


def test_the_api_stops_offering_cancel_once_the_arrival_day_has_passed(client, guest, room, clock):
    booking = place(room, guest)
    client.force_login(guest)

    clock.set("2026-09-08 23:59")
    assert client.get(f"/api/bookings/{booking.reference}").json()["actions"] == ["cancel"]
    clock.set("2026-09-09 00:00")
    assert client.get(f"/api/bookings/{booking.reference}").json()["actions"] == []
    assert client.post(f"/api/bookings/{booking.reference}/cancel").status_code == 409


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    ["UPDATE bookings_bookingevent SET note = 'rewritten'", "DELETE FROM bookings_bookingevent"],
)
def test_postgresql_itself_refuses_to_change_events(room, guest, statement):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    place(room, guest)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(statement)
    assert BookingEvent.objects.get().note == ""


def test_deleting_an_account_keeps_its_events_and_forgets_who(room, guest):
    booking = place(room, guest)

    guest.delete()

    event = BookingEvent.objects.get(booking=booking)
    assert (event.action, event.actor, event.role) == (Action.PLACED, None, Role.GUEST)
