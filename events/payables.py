"""A paid ticket as a payable of ``bookings.payments`` (``payables``): what the providers show for it,
and what happens to the ticket and the tickets' ledger when its money arrives or goes back. Registered
in ``EventsConfig.ready``."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.ledger import Account, Kind, ledger_post
from bookings.payments.models import Payment, Refund
from bookings.payments.payables import Payable, PayableNotFound, payable_handler_register
from events import services
from events.models import Ticket

KIND = "ticket"  # ``Ticket.source_reference``: ticket:<id>


def _ticket(ident: int) -> Ticket:
    ticket = Ticket.objects.select_related("slot__event__village").filter(pk=ident).first()
    if ticket is None:
        raise PayableNotFound(f"{KIND}:{ident}")
    return ticket


def _why_not(ticket: Ticket, now: datetime) -> str:
    if not ticket.pays_online:
        return _("这张门票在现场付款 This ticket is paid at the door")
    if ticket.paid_at is not None:
        return _("门票已付款 The ticket is paid")
    if ticket.status != Ticket.Status.ISSUED:
        return _("门票已取消 The ticket is cancelled")
    if ticket.payment_overdue(now):
        return _("支付时间已过,门票已取消 The time to pay is over: the ticket is cancelled")
    return ""


class TicketPayable:
    kind = KIND

    def describe(self, *, ident: int) -> Payable:
        ticket = _ticket(ident)
        why_not = _why_not(ticket, timezone.now())
        return Payable(
            reference=ticket.source_reference,
            number=f"{ticket.slot.starts_at:%m%d%H%M}×{ticket.quantity}",
            title=str(ticket.slot.event.title),
            amount=ticket.amount,
            currency="CNY",
            language=ticket.language or "zh-hans",
            payer=ticket.holder,
            pay_by=ticket.pay_by,
            payable_now=not why_not,
            why_not=why_not,
        )

    def lock(self, *, ident: int) -> None:
        if not Ticket.objects.select_for_update().filter(pk=ident).exists():
            raise PayableNotFound(f"{KIND}:{ident}")

    def pay_by_extend(self, *, ident: int, until: datetime) -> None:
        Ticket.objects.filter(pk=ident, paid_at__isnull=True, pay_by__lt=until).update(pay_by=until)

    def paid(self, *, payment: Payment) -> str | None:
        assert payment.paid_at is not None
        return services.ticket_paid_online(ticket_id=_ident(payment), paid_at=payment.paid_at)

    def payment_received(self, *, payment: Payment) -> None:
        ticket = _ticket(_ident(payment))
        ledger_post(
            source=services.ticket_source(ticket),
            kind=Kind.PAYMENT_RECEIVED_SALE,
            key=f"ticket:{ticket.pk}:payment-{payment.pk}",
            lines=[(Account.CASH_PROVIDER, payment.amount), (Account.GUEST, -payment.amount)],
            provider=payment.provider,
        )

    def refunded(self, *, refund: Refund) -> None:
        self._refund_post(refund, Kind.SALE_REFUND, sign=1)

    def refund_failed(self, *, refund: Refund) -> None:
        self._refund_post(refund, Kind.REFUND_FAILED, sign=-1)

    def _refund_post(self, refund: Refund, kind: str, *, sign: int) -> None:
        ticket = _ticket(_ident(refund))
        ledger_post(
            source=services.ticket_source(ticket),
            kind=kind,
            key=f"ticket:{ticket.pk}:{kind}-{refund.pk}",
            lines=[(Account.CASH_PROVIDER, -sign * refund.amount), (Account.GUEST, sign * refund.amount)],
            provider=refund.payment.provider,
        )

    def expire_due(self) -> int:
        return services.tickets_expire_due()


def _ident(record: Payment | Refund) -> int:
    return int(record.payable.partition(":")[2])


def register() -> None:
    payable_handler_register(TicketPayable())
