"""What else than a booking can be paid through the providers: a shop order, a ticket. Each kind
registers a handler here (in its app's ``AppConfig.ready``), so this package never imports the apps
above it (``shop``, ``events``) and they reach payments, refunds and the ledger through one door.

A payment or refund names what it pays for in ``payable``: ``"<kind>:<id>"``, the same reference as
the ledger's ``Source`` (``shop_order:12``). A booking's payments keep their ``booking`` instead (exactly
one of the two is set, a CHECK says so): everything written for bookings stays as it was, and the
services dispatch on ``payable`` first (``payable_services``).

A handler answers what the provider needs (``describe``: a ``Payable``) and is told what happened to
the money, inside the service's transaction, with the payable's row locked by ``lock``:

* ``paid(payment)``: the money arrived and matches; apply it, or answer why the payable cannot take it
  (cancelled or expired meanwhile, already paid): the payment is then refunded in full at once and
  flagged for staff, like a late booking payment;
* ``payment_received(payment)`` / ``refunded(refund)`` / ``refund_failed(refund)``: the ledger postings
  of money in and out, on the payable's own ``Source``;
* ``expire_due()``: unpaid payables past their time, for the ``expire_holds`` job.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from bookings.payments.models import Payment, Refund


class PayableNotFound(LookupError):
    """No handler for the kind, or nothing of it with that id."""


@dataclass(frozen=True)
class Payable:
    """What a provider needs from what is paid. ``reference``: ``"<kind>:<id>"``; ``number``: what the
    buyer sees (an order's reference); ``title``: one line for the provider's page; ``payer``: who
    pays (only they may open the payment); ``pay_by``: until when it can be paid (None: no limit)."""

    reference: str
    number: str
    title: str
    amount: Decimal
    currency: str
    language: str
    payer: "User | None"
    pay_by: datetime | None
    payable_now: bool
    why_not: str = ""


class PayableHandler(Protocol):
    kind: str

    def describe(self, *, ident: int) -> Payable: ...

    def lock(self, *, ident: int) -> None: ...

    def pay_by_extend(self, *, ident: int, until: datetime) -> None: ...

    def paid(self, *, payment: "Payment") -> str | None: ...

    def payment_received(self, *, payment: "Payment") -> None: ...

    def refunded(self, *, refund: "Refund") -> None: ...

    def refund_failed(self, *, refund: "Refund") -> None: ...

    def expire_due(self) -> int: ...


_HANDLERS: dict[str, PayableHandler] = {}


def payable_handler_register(handler: PayableHandler) -> None:
    _HANDLERS[handler.kind] = handler


def payable_reference(kind: str, ident: int) -> str:
    return f"{kind}:{ident}"


def _split(reference: str) -> tuple[PayableHandler, int]:
    kind, _sep, ident = reference.partition(":")
    handler = _HANDLERS.get(kind)
    if handler is None or not ident.isascii() or not ident.isdigit():
        raise PayableNotFound(reference)
    return handler, int(ident)


def payable_handler(reference: str) -> tuple[PayableHandler, int]:
    """The handler of ``"<kind>:<id>"`` and the id; ``PayableNotFound`` for an unknown kind."""
    return _split(reference)


def payable_describe(reference: str) -> Payable:
    handler, ident = _split(reference)
    return handler.describe(ident=ident)


def payable_of(payment: "Payment | Refund") -> Payable | None:
    """What a payment (or refund) pays for when it is not a booking; None for a booking's."""
    return payable_describe(payment.payable) if payment.payable else None


def payables_expire_due() -> int:
    """Expire every registered kind's unpaid payables past their time; how many expired."""
    return sum(handler.expire_due() for handler in _HANDLERS.values())


def provider_text(payable: Payable, limit_bytes: int) -> str:
    """``title number`` cut to what a provider takes (WeChat Pay counts bytes)."""
    text = f"{payable.title} {payable.number}"
    while len(text.encode()) > limit_bytes:
        text = text[:-1]
    return text
