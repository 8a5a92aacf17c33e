"""Every write about tickets: one use case per action, called by the pages, the API and the commands.

* ``ticket_register``: take places in a slot (the conditional UPDATE of ``TicketSlot.taken`` inside the
  ticket's transaction; the CHECK constraint behind it) and issue the ticket; the holder is told.
* ``ticket_cancel``: the holder gives the places back before the slot starts.
* ``ticket_check_in``: staff at the door let the people in, once, on the slot's day; for a paid ticket
  they record the money taken at the door, which posts the sale to the ledger.
* A paid ticket may instead be paid online before the day (``pay_online``, through the providers of
  ``bookings.payments``: ``events.payables``): its places are held until ``pay_by`` (``PAY_WINDOW``,
  never past the slot's start); unpaid then, it is cancelled and its places return
  (``tickets_expire_due``: by the ``expire_holds`` job, and before any registration for the slot).
  Cancelling a ticket paid online refunds it through its provider; the sale is earned at check-in.

Each is atomic and safe to call twice: a second cancel or check-in changes nothing (a repeated check-in
says so with ``AlreadyCheckedIn``), and the same registration sent twice within ``REPEAT_WINDOW`` is the
first ticket, not a second one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.ledger import Account, Kind, Sector, Source, ledger_post
from bookings.payments.base import ANY_CLIENT
from bookings.payments.models import Payment
from bookings.payments.payable_services import payable_cancelled, payable_online_choices
from bookings.revenue.rules import rule_in_effect
from common.clock import local_today
from common.money import ZERO, quantize, share
from common.phones import phone_normalize
from events import notices
from events.errors import (
    AlreadyCheckedIn,
    PaymentNotCollected,
    SlotClosed,
    SoldOut,
    TicketCancelled,
    TooLate,
    WrongDay,
)
from events.models import MAX_PEOPLE_PER_TICKET, Ticket, TicketSlot

REPEAT_WINDOW = timedelta(minutes=10)
PAY_WINDOW = timedelta(minutes=30)  # a ticket paid online holds its places this long
PAID_AT_DOOR = "cash_at_door"  # the ledger's ``provider`` for money staff take at the door


@dataclass(frozen=True)
class Registration:
    ticket: Ticket
    created: bool


def _clean_holder(*, holder_name: str, holder_phone: str, quantity: int) -> tuple[str, str]:
    name = (holder_name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError(_("请填写姓名 Enter the name of the person registering"), code="name")
    if not 1 <= quantity <= MAX_PEOPLE_PER_TICKET:
        raise ValidationError(
            _("每张票1至%(n)s人 From 1 to %(n)s people per ticket") % {"n": MAX_PEOPLE_PER_TICKET},
            code="quantity",
        )
    return name, phone_normalize(holder_phone)


def _places_take(*, slot_id: int, quantity: int) -> bool:
    """Take ``quantity`` places if that many are left: one relative UPDATE, so two racing transactions
    cannot both see the same free places. The CHECK constraint is the second line: an UPDATE that would
    pass the capacity fails (IntegrityError) and is reported the same way."""
    try:
        with transaction.atomic():
            return bool(
                TicketSlot.objects.filter(pk=slot_id, taken__lte=F("capacity") - quantity).update(
                    taken=F("taken") + quantity
                )
            )
    except IntegrityError:
        return False


def ticket_register(
    *,
    slot: TicketSlot | int,
    holder: User,
    holder_name: str,
    holder_phone: str,
    quantity: int,
    language: str = "",
    pay_online: bool = False,
) -> Registration:
    """Take the places and issue the ticket. ``pay_online`` (a paid slot): it waits for the holder's
    online payment until ``pay_by``. Unpaid online tickets of the slot whose time is over give their
    places back first."""
    tickets_expire_due(slot_id=slot.pk if isinstance(slot, TicketSlot) else slot)
    return _ticket_register(
        slot=slot,
        holder=holder,
        holder_name=holder_name,
        holder_phone=holder_phone,
        quantity=quantity,
        language=language,
        pay_online=pay_online,
    )


@transaction.atomic
def _ticket_register(
    *,
    slot: TicketSlot | int,
    holder: User,
    holder_name: str,
    holder_phone: str,
    quantity: int,
    language: str,
    pay_online: bool,
) -> Registration:
    name, phone = _clean_holder(holder_name=holder_name, holder_phone=holder_phone, quantity=quantity)
    slot_id = slot.pk if isinstance(slot, TicketSlot) else slot
    found = TicketSlot.objects.select_related("event__village").filter(pk=slot_id, event__is_published=True)
    current = found.first()
    if current is None:
        raise TicketSlot.DoesNotExist
    if current.starts_at <= timezone.now():
        raise SlotClosed()
    repeat = Ticket.objects.filter(
        slot=current,
        holder=holder,
        holder_name=name,
        holder_phone=phone,
        quantity=quantity,
        status=Ticket.Status.ISSUED,
        created_at__gte=timezone.now() - REPEAT_WINDOW,
    ).first()
    if repeat is not None:
        return Registration(repeat, created=False)
    pay_online = pay_online and not current.is_free
    if pay_online and not payable_online_choices(client=ANY_CLIENT, language=language):
        raise ValidationError(
            _("暂时无法在线支付,请到现场付款 Online payment is not available: pay at the door"),
            code="online_unavailable",
        )
    if not _places_take(slot_id=current.pk, quantity=quantity):
        raise SoldOut()
    ticket = Ticket.objects.create(
        slot=current,
        holder=holder,
        holder_name=name,
        holder_phone=phone,
        quantity=quantity,
        amount=quantize(current.price * quantity),
        language=language,
        pays_online=pay_online,
        pay_by=min(timezone.now() + PAY_WINDOW, current.starts_at) if pay_online else None,
    )
    notices.ticket_registered_queue(ticket=ticket)
    return Registration(ticket, created=True)


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("slot__event__village").get(pk=ticket.pk)


@transaction.atomic
def ticket_cancel(*, ticket: Ticket) -> bool:
    """Cancel and give the places back; False when it was cancelled already (nothing changes)."""
    current = _locked(ticket)
    if current.status == Ticket.Status.CANCELLED:
        return False
    if current.status == Ticket.Status.CHECKED_IN:
        raise AlreadyCheckedIn()
    if current.slot.starts_at <= timezone.now():
        raise TooLate()
    _release(current)
    ticket.status, ticket.cancelled_at = current.status, current.cancelled_at
    return True


def _release(current: Ticket) -> None:
    """Cancel the locked ticket: its places go back, and money paid online goes back to the holder."""
    TicketSlot.objects.filter(pk=current.slot_id).update(taken=F("taken") - current.quantity)
    current.status = Ticket.Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "cancelled_at"])
    if current.pays_online:
        payable_cancelled(payable=current.source_reference)


def tickets_expire_due(*, slot_id: int | None = None) -> int:
    """Cancel the tickets to be paid online and not paid by their ``pay_by`` (only the slot's when
    ``slot_id`` is given), giving their places back, each in its own transaction. A payment that
    arrives afterwards is refunded automatically (``events.payables``). Returns how many expired."""
    overdue = Ticket.objects.filter(
        pays_online=True, paid_at__isnull=True, status=Ticket.Status.ISSUED, pay_by__lte=timezone.now()
    )
    if slot_id is not None:
        overdue = overdue.filter(slot_id=slot_id)
    return sum(1 for pk in overdue.order_by("pk").values_list("pk", flat=True) if _ticket_expire(pk=pk))


@transaction.atomic
def _ticket_expire(*, pk: int) -> bool:
    current = Ticket.objects.select_for_update().get(pk=pk)
    if not current.payment_overdue(timezone.now()):
        return False  # paid or cancelled meanwhile
    _release(current)
    return True


@transaction.atomic
def ticket_paid_online(*, ticket_id: int, paid_at: datetime) -> str | None:
    """The money of a ticket paid online arrived (``events.payables``, in the payment's transaction):
    the ticket is paid; or why it cannot take the money (the payment is then refunded automatically)."""
    current = Ticket.objects.select_for_update().get(pk=ticket_id)
    if current.paid_at is not None:
        return str(_("门票已付款 The ticket was already paid"))
    if current.status != Ticket.Status.ISSUED:
        return str(_("门票已取消,付款自动退回 The ticket was cancelled: the payment goes back"))
    if not current.pays_online:
        return str(_("这张门票在现场付款 This ticket is paid at the door"))
    current.paid_at = paid_at
    current.save(update_fields=["paid_at"])
    return None


def ticket_day(ticket: Ticket):
    """The slot's day in Beijing time: the day the ticket lets people in, and the day its sale counts."""
    return timezone.localtime(ticket.slot.starts_at, timezone.get_default_timezone()).date()


def ticket_is_for_today(ticket: Ticket) -> bool:
    return ticket_day(ticket) == local_today()


@transaction.atomic
def ticket_check_in(*, ticket: Ticket, by: User, paid: bool = False) -> Ticket:
    """Let the ticket's people in. Refused (nothing changes) when it was checked in already, cancelled,
    for another day, or paid and the money was not taken (``paid``)."""
    current = _locked(ticket)
    if current.status == Ticket.Status.CHECKED_IN:
        raise AlreadyCheckedIn()
    if current.status == Ticket.Status.CANCELLED:
        raise TicketCancelled()
    if not ticket_is_for_today(current):
        raise WrongDay()
    paid_online = current.pays_online and current.paid_at is not None
    if current.amount > ZERO and not paid and not paid_online:
        raise PaymentNotCollected()
    now = timezone.now()
    current.status = Ticket.Status.CHECKED_IN
    current.checked_in_at = now
    current.checked_in_by = by
    fields = ["status", "checked_in_at", "checked_in_by"]
    if current.amount > ZERO and paid_online:
        ticket_sale_earned(ticket=current, provider=_online_provider(current))
    elif current.amount > ZERO:
        current.paid_at = now
        fields.append("paid_at")
        ticket_sale_post(ticket=current)
    current.save(update_fields=fields)
    return current


def ticket_sale_shares(*, ticket: Ticket) -> dict[str, Decimal]:
    """The ticket's money split: the platform keeps the commission rate of the village's revenue-share
    rule in effect on the slot's day (none without a rule), the village collective, which runs the
    event, gets the rest."""
    event = ticket.slot.event
    rule = rule_in_effect(village_id=event.village_id, on=ticket_day(ticket))
    commission = share(ticket.amount, rule.commission_rate) if rule else ZERO
    return {
        Account.PLATFORM_COMMISSION: commission,
        Account.VILLAGE_COLLECTIVE: quantize(ticket.amount - commission),
    }


def ticket_source(ticket: Ticket) -> Source:
    event = ticket.slot.event
    return Source(
        reference=ticket.source_reference, sector=Sector.TICKETS, village=event.village, on=ticket_day(ticket)
    )


def _online_provider(ticket: Ticket) -> str:
    payment = Payment.objects.filter(payable=ticket.source_reference, applied=True).first()
    return payment.provider if payment is not None else ""


def ticket_sale_post(*, ticket: Ticket) -> None:
    """The money taken at the door (``sale_payment``: cash_provider +, guest −), then the sale earned
    (``sale``: guest + against the shares −). Keys name the ticket: posting twice writes once."""
    ledger_post(
        source=ticket_source(ticket),
        kind=Kind.PAYMENT_RECEIVED_SALE,
        key=f"ticket:{ticket.pk}:payment",
        lines=[(Account.CASH_PROVIDER, ticket.amount), (Account.GUEST, -ticket.amount)],
        provider=PAID_AT_DOOR,
    )
    ticket_sale_earned(ticket=ticket, provider=PAID_AT_DOOR)


def ticket_sale_earned(*, ticket: Ticket, provider: str) -> None:
    """The sale earned at check-in (``sale``: guest + against the shares −), once."""
    source = ticket_source(ticket)
    shares = [(account, -amount) for account, amount in ticket_sale_shares(ticket=ticket).items() if amount]
    ledger_post(
        source=source,
        kind=Kind.SALE,
        key=f"ticket:{ticket.pk}:sale",
        lines=[(Account.GUEST, ticket.amount), *shares],
        provider=provider,
    )
