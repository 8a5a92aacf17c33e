from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bookings.ledger import Account, Kind, LedgerEntry, Sector
from events import services
from events.errors import (
    AlreadyCheckedIn,
    PaymentNotCollected,
    SlotClosed,
    SoldOut,
    TicketCancelled,
    TooLate,
    WrongDay,
)
from events.models import Ticket, TicketSlot
from notifications.models import Notification
from tests import factories
from tests.bookings.revenue.helpers import rule
from tests.events.helpers import TODAY, event, register, slot

pytestmark = pytest.mark.django_db


def taken(slot_: TicketSlot) -> int:
    return TicketSlot.objects.get(pk=slot_.pk).taken


# Registering


def test_registering_takes_the_places_and_prices_the_ticket(paid_slot):
    ticket = register(paid_slot, quantity=3)

    assert taken(paid_slot) == 3
    assert ticket.status == Ticket.Status.ISSUED
    assert ticket.amount == Decimal("90.00")
    assert ticket.holder_phone == "+8613800138000"
    assert len(ticket.code) >= 16


def test_codes_are_different_for_every_ticket(free_slot):
    codes = {register(free_slot).code for _ in range(5)}

    assert len(codes) == 5


def test_the_last_places_go_to_one_registration_and_the_next_is_refused_changing_nothing(free_slot):
    register(free_slot, quantity=8)

    with pytest.raises(SoldOut):
        register(free_slot, quantity=3)

    assert taken(free_slot) == 8
    assert Ticket.objects.count() == 1
    register(free_slot, quantity=2)
    assert taken(free_slot) == 10


def test_a_slot_that_has_started_takes_no_registration(free_slot, clock):
    clock.set("2026-09-01 14:00")

    with pytest.raises(SlotClosed):
        register(free_slot)

    assert taken(free_slot) == 0


def test_an_unpublished_event_takes_no_registration(db):
    hidden = slot(event_=event(is_published=False))

    with pytest.raises(TicketSlot.DoesNotExist):
        register(hidden)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": 11}, "quantity"),
        ({"name": "  "}, "name"),
        ({"phone": "12345"}, "invalid_phone"),
    ],
)
def test_bad_registrations_are_refused_and_take_nothing(free_slot, fields, code):
    with pytest.raises(ValidationError) as refused:
        register(free_slot, **fields)

    assert refused.value.code == code
    assert taken(free_slot) == 0


def test_the_same_registration_sent_twice_is_one_ticket(free_slot):
    user = factories.user()
    first = services.ticket_register(
        slot=free_slot, holder=user, holder_name="王小明", holder_phone="13800138000", quantity=2
    )
    again = services.ticket_register(
        slot=free_slot, holder=user, holder_name="王小明", holder_phone="138 0013 8000", quantity=2
    )

    assert (first.created, again.created) == (True, False)
    assert again.ticket.pk == first.ticket.pk
    assert taken(free_slot) == 2


def test_the_holder_is_told_once_registered(free_slot, committed, mailoutbox):
    user = factories.user(email="holder@example.com")
    with committed():
        ticket = register(free_slot, user=user, quantity=2)

    notification = Notification.objects.get(key=f"ticket.registered:{ticket.pk}")
    assert notification.recipient == user
    assert notification.status == Notification.Status.SENT
    assert [message.to for message in mailoutbox] == [["holder@example.com"]]
    assert "活动登记成功" in mailoutbox[0].subject
    assert ticket.code in mailoutbox[0].body
    assert "13800138000" not in mailoutbox[0].body


# Cancelling


def test_cancelling_gives_the_places_back_once(free_slot):
    ticket = register(free_slot, quantity=4)

    assert services.ticket_cancel(ticket=ticket) is True
    assert services.ticket_cancel(ticket=ticket) is False

    assert taken(free_slot) == 0
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CANCELLED


def test_a_ticket_cannot_be_cancelled_once_its_slot_started(free_slot, clock):
    ticket = register(free_slot, quantity=2)
    clock.set("2026-09-01 14:00")

    with pytest.raises(TooLate):
        services.ticket_cancel(ticket=ticket)

    assert taken(free_slot) == 2


# Checking in at the door


def test_staff_check_a_ticket_in_on_its_day(free_slot, staff, clock):
    ticket = register(free_slot, quantity=2)
    clock.set("2026-09-01 13:50")

    services.ticket_check_in(ticket=ticket, by=staff)

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CHECKED_IN
    assert ticket.checked_in_by == staff
    assert ticket.checked_in_at is not None


def test_a_second_scan_says_already_checked_in_and_changes_nothing(free_slot, staff, clock):
    ticket = register(free_slot)
    services.ticket_check_in(ticket=ticket, by=staff)
    first = Ticket.objects.get(pk=ticket.pk)
    clock.advance(minutes=5)

    with pytest.raises(AlreadyCheckedIn):
        services.ticket_check_in(ticket=ticket, by=factories.user())

    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.checked_in_at, after.checked_in_by_id) == (first.checked_in_at, staff.pk)


def test_a_cancelled_ticket_is_refused_at_the_door(free_slot, staff):
    ticket = register(free_slot)
    services.ticket_cancel(ticket=ticket)

    with pytest.raises(TicketCancelled):
        services.ticket_check_in(ticket=ticket, by=staff)


def test_a_ticket_for_another_day_is_refused_at_the_door(db, staff):
    tomorrow = slot(day=TODAY + timedelta(days=1))
    ticket = register(tomorrow)

    with pytest.raises(WrongDay):
        services.ticket_check_in(ticket=ticket, by=staff)

    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.ISSUED


def test_the_ticket_day_is_beijings_day_not_utcs(db, staff, clock):
    """A slot at 07:00 Beijing time starts on the UTC day before: the door checks Beijing's day."""
    early = slot(day=date(2026, 9, 2), hour=7)
    ticket = register(early)
    clock.set("2026-09-02 06:30")

    services.ticket_check_in(ticket=ticket, by=staff)

    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CHECKED_IN


def test_a_checked_in_ticket_cannot_be_cancelled(free_slot, staff):
    ticket = register(free_slot)
    services.ticket_check_in(ticket=ticket, by=staff)

    with pytest.raises(AlreadyCheckedIn):
        services.ticket_cancel(ticket=ticket)

    assert taken(free_slot) == 1


# Paid at the door, and the ledger


def test_a_paid_ticket_is_let_in_only_once_the_money_is_taken(paid_slot, staff):
    ticket = register(paid_slot)

    with pytest.raises(PaymentNotCollected):
        services.ticket_check_in(ticket=ticket, by=staff)

    assert not LedgerEntry.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.ISSUED


def test_money_taken_at_the_door_posts_the_payment_and_the_sale_split_by_the_villages_rule(paid_slot, staff):
    rule(paid_slot.event.village, "0.1", "0.05", effective_from=date(2020, 1, 1))
    ticket = register(paid_slot, quantity=3)  # ¥90

    services.ticket_check_in(ticket=ticket, by=staff, paid=True)

    entries = LedgerEntry.objects.filter(source=f"ticket:{ticket.pk}")
    lines = {(entry.kind, entry.account): entry.amount for entry in entries}
    assert lines == {
        (Kind.PAYMENT_RECEIVED_SALE, Account.CASH_PROVIDER): Decimal("90.00"),
        (Kind.PAYMENT_RECEIVED_SALE, Account.GUEST): Decimal("-90.00"),
        (Kind.SALE, Account.GUEST): Decimal("90.00"),
        (Kind.SALE, Account.PLATFORM_COMMISSION): Decimal("-9.00"),
        (Kind.SALE, Account.VILLAGE_COLLECTIVE): Decimal("-81.00"),
    }
    assert {(e.sector, e.village_id, e.occurred_on) for e in entries} == {
        (Sector.TICKETS, paid_slot.event.village_id, TODAY)
    }
    assert Ticket.objects.get(pk=ticket.pk).paid_at is not None


def test_without_a_rule_the_village_collective_gets_the_whole_ticket(paid_slot, staff):
    ticket = register(paid_slot)

    services.ticket_check_in(ticket=ticket, by=staff, paid=True)

    sale = LedgerEntry.objects.filter(source=f"ticket:{ticket.pk}", kind=Kind.SALE)
    assert {entry.account: entry.amount for entry in sale} == {
        Account.GUEST: Decimal("30.00"),
        Account.VILLAGE_COLLECTIVE: Decimal("-30.00"),
    }


def test_posting_a_tickets_sale_twice_writes_it_once(paid_slot, staff):
    ticket = register(paid_slot)
    services.ticket_check_in(ticket=ticket, by=staff, paid=True)
    posted = list(LedgerEntry.objects.filter(source=f"ticket:{ticket.pk}").values_list("pk", flat=True))

    services.ticket_sale_post(ticket=Ticket.objects.get(pk=ticket.pk))

    assert len(posted) == 4
    assert (
        list(LedgerEntry.objects.filter(source=f"ticket:{ticket.pk}").values_list("pk", flat=True)) == posted
    )


def test_a_free_ticket_posts_nothing(free_slot, staff):
    services.ticket_check_in(ticket=register(free_slot), by=staff, paid=True)

    assert not LedgerEntry.objects.exists()
