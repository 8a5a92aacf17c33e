"""Paid tickets paid online before the day, through the same providers and services as bookings
(Stripe's fake HTTP client and signed webhooks here): the places are held until paid or expired, a
cancelled ticket is refunded, money for a ticket that expired meanwhile goes back by itself, and the sale
is earned at the door as for a ticket paid there."""

import json
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from bookings.ledger import Kind, LedgerEntry
from bookings.payments.models import Payment, Refund
from bookings.payments.payable_services import PayableRefused, payable_payment_start
from events.models import Ticket, TicketSlot
from events.services import ticket_cancel, ticket_check_in, ticket_register, tickets_expire_due
from tests import factories
from tests.bookings.payments import fakes
from tests.events.helpers import slot

pytestmark = pytest.mark.django_db
BACK = "https://lishi.example/events/tickets/back/"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def register_online(slot_: TicketSlot, quantity: int = 2) -> Ticket:
    return ticket_register(
        slot=slot_,
        holder=factories.user(),
        holder_name="王小明",
        holder_phone="13800138000",
        quantity=quantity,
        pay_online=True,
    ).ticket


def start(ticket: Ticket) -> Payment:
    payment = payable_payment_start(payable=ticket.source_reference, success_url=BACK, cancel_url=BACK)
    return fresh(payment)


def balances(ticket: Ticket) -> dict[str, Decimal]:
    rows = LedgerEntry.objects.filter(source=ticket.source_reference).values("account")
    return {row["account"]: row["s"] for row in rows.annotate(s=Sum("amount"))}


@pytest.fixture
def webhook(client, committed):
    def send(payment: Payment, *, amount_fen: int | None = None):
        session = {
            "id": payment.provider_reference,
            "object": "checkout.session",
            "payment_status": "paid",
            "payment_intent": f"pi_ticket_{payment.pk}",
            "amount_total": int(payment.amount * 100) if amount_fen is None else amount_fen,
            "currency": "cny",
            "metadata": {"payable": payment.payable, "payment": str(payment.pk)},
        }
        payload = json.dumps(fakes.event("checkout.session.completed", session))
        with committed():
            return client.post(
                fakes.WEBHOOK_URL,
                data=payload,
                content_type="application/json",
                headers={"Stripe-Signature": fakes.signed(payload)},
            )

    return send


def test_a_ticket_paid_online_holds_its_places_and_is_let_in_without_taking_money_again(
    paid_slot, stripe_api, webhook, staff
):
    ticket = register_online(paid_slot)
    assert fresh(paid_slot).taken == 2
    assert ticket.awaiting_payment and ticket.pay_by is not None
    payment = start(ticket)
    [sent] = stripe_api.calls("/v1/checkout/sessions")
    assert sent.params["metadata[payable]"] == ticket.source_reference
    assert sent.params["line_items[0][price_data][unit_amount]"] == "6000"
    assert webhook(payment).status_code == 200
    assert fresh(ticket).paid_at is not None and fresh(payment).applied
    checked = ticket_check_in(ticket=fresh(ticket), by=staff)
    assert checked.status == Ticket.Status.CHECKED_IN
    assert balances(ticket)["cash_provider"] == Decimal("60.00")
    assert balances(ticket)["guest"] == Decimal("0.00")
    sale = LedgerEntry.objects.filter(source=ticket.source_reference, kind=Kind.SALE)
    assert {entry.provider for entry in sale} == {"stripe_checkout"}


def test_cancelling_a_ticket_paid_online_refunds_it_and_gives_the_places_back(
    paid_slot, stripe_api, webhook, committed
):
    ticket = register_online(paid_slot)
    webhook(start(ticket))
    with committed():
        assert ticket_cancel(ticket=fresh(ticket))
    assert fresh(paid_slot).taken == 0
    [refund] = Refund.objects.all()
    assert (refund.amount, refund.reason, refund.payable) == (
        Decimal("60.00"),
        Refund.Reason.CANCELLATION,
        ticket.source_reference,
    )
    [call] = stripe_api.calls("/v1/refunds")
    assert call.params["amount"] == "6000"


def test_an_unpaid_ticket_gives_its_places_back_when_its_time_is_over(clock, stripe_api):
    full = slot(capacity=2, price="30.00")
    ticket = register_online(full)
    clock.advance(minutes=31)
    other = register_online(full)  # no job ran: the overdue ticket gave its places back first
    assert fresh(ticket).status == Ticket.Status.CANCELLED
    assert fresh(other).status == Ticket.Status.ISSUED
    assert fresh(full).taken == 2
    with pytest.raises(PayableRefused):
        start(fresh(ticket))


def test_money_for_a_ticket_that_expired_meanwhile_goes_back_by_itself(paid_slot, stripe_api, webhook, clock):
    ticket = register_online(paid_slot)
    payment = start(ticket)
    clock.advance(minutes=40)
    assert tickets_expire_due() == 1
    webhook(payment)
    assert fresh(ticket).paid_at is None
    payment = fresh(payment)
    assert (payment.applied, payment.needs_attention) == (False, True)
    [refund] = Refund.objects.all()
    assert refund.reason == Refund.Reason.PAYABLE_UNAVAILABLE


def test_a_free_slot_is_never_paid_online(free_slot, stripe_api):
    ticket = register_online(free_slot)
    assert not ticket.pays_online and ticket.pay_by is None


def test_the_ticket_page_offers_the_providers_and_sends_the_holder_to_pay(client, paid_slot, stripe_api):
    ticket = register_online(paid_slot)
    client.force_login(ticket.holder)
    page = client.get(reverse("events:ticket", kwargs={"code": ticket.code})).content.decode()
    assert 'value="stripe_checkout"' in page
    response = client.post(reverse("events:ticket_pay", kwargs={"code": ticket.code}))
    assert response.url.startswith("https://checkout.stripe.com/")


def test_the_api_registers_a_ticket_to_pay_online_and_opens_its_payment_once(client, paid_slot, stripe_api):
    holder = factories.user()
    client.force_login(holder)
    registered = client.post(
        "/api/events/tickets",
        data={
            "slot_id": paid_slot.pk,
            "quantity": 1,
            "holder_name": "王小明",
            "holder_phone": "13800138000",
            "pay_online": True,
        },
        content_type="application/json",
    )
    assert registered.status_code == 201
    body = registered.json()
    assert body["pays_online"] and body["pay_by"] and not body["paid"]
    path = f"/api/events/tickets/{body['code']}/pay"
    headers = {"Idempotency-Key": "ticket-pay-1"}
    first = client.post(path, data={}, content_type="application/json", headers=headers)
    again = client.post(path, data={}, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["checkout_url"].startswith("https://checkout.stripe.com/")
    assert len(stripe_api.calls("/v1/checkout/sessions")) == 1
