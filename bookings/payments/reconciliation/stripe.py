"""Stripe's balance transactions for a Beijing day, through the ``StripeClient``.

``balance_transactions.list`` with ``created[gte]``/``created[lt]`` at the day's bounds, 100 a page,
every page (``auto_paging_iter``), each with its ``source`` expanded: a ``charge``/``payment`` line is a
payment (its charge's PaymentIntent is our payment's ``provider_payment_reference``), a ``refund`` or
``payment_refund`` line a refund (its refund id is our refund's ``provider_reference``). Amounts come from
the source (the currency the guest paid in), not from the balance transaction, which Stripe converts to
the account's settlement currency. Payouts, fees and adjustments are ignored.
"""

from datetime import date
from typing import Any

import stripe

from bookings.payments.reconciliation.bills import (
    PAYMENT,
    REFUND,
    Bill,
    BillLine,
    BillUnavailable,
    day_bounds,
)
from bookings.payments.stripe_checkout import StripeCheckout
from common.money import from_minor_units

PAYMENT_TYPES = {"charge", "payment"}
REFUND_TYPES = {"refund", "payment_refund"}


def _line(transaction: Any) -> BillLine | None:
    source = transaction.get("source")
    if not hasattr(source, "get"):
        return None
    kind = transaction.get("type")
    currency = str(source.get("currency") or "").upper()
    amount = from_minor_units(int(source.get("amount") or 0))
    if kind in PAYMENT_TYPES:
        intent = source.get("payment_intent")
        intent_id = intent if isinstance(intent, str) else getattr(intent, "id", "")
        return BillLine(PAYMENT, "", intent_id or source.get("id", ""), amount, currency)
    if kind in REFUND_TYPES:
        return BillLine(
            REFUND, "", source.get("id", ""), amount, currency, succeeded=source.get("status") == "succeeded"
        )
    return None


def balance_transactions(day: date) -> Bill:
    start, end = day_bounds(day)
    params: Any = {
        "created": {"gte": int(start.timestamp()), "lt": int(end.timestamp())},
        "limit": 100,
        "expand": ["data.source"],
    }
    bill = Bill()
    try:
        for transaction in (
            StripeCheckout().client().v1.balance_transactions.list(params=params).auto_paging_iter()
        ):
            line = _line(transaction.to_dict())
            if line is None:
                bill.ignored += 1
            else:
                bill.lines.append(line)
    except stripe.StripeError as error:
        raise BillUnavailable(
            f"Stripe balance transactions: {error.user_message or error.__class__.__name__}"
        ) from error
    return bill
