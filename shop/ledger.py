"""The shop's postings in the group's ledger (``bookings.ledger``: read its docstring). Each belongs to the
order's ``Source``: ``shop_order:<id>``, sector shop, the producer's village, the local day it happens,
and the producer as the receiver. Keys name the order and the posting, so a repeat posts nothing.

* payment recorded (offline, by the producer or staff): ``sale_payment`` cash_provider +, guest −;
* completed: ``sale`` guest + against producer_payable − (the goods less the group's margin) and
  platform_commission − (the margin and the delivery fee);
* a paid order cancelled (the cash handed back): ``sale_refund`` cash_provider −, guest +;
* paid online (``shop.payables``): ``sale_payment`` per payment that arrived (also one refunded at once
  because the order could not take it), ``sale_refund`` per refund when the provider confirms it, and
  ``refund_failed`` (cash_provider +, guest −) if a confirmed refund fails afterwards; keyed by the
  payment or refund, with its provider.
* a completed order returned: ``sale_reversed``, the ``sale`` posting's lines with their signs turned
  (read back from the ledger, so it mirrors the sale to the fen whatever rates changed since), then the
  refund as above.

A payout to a producer (``ProducerPayout``) is a source of its own, ``producer_payout:<id>``, on the day
it was paid: ``producer_payout`` producer_payable +, cash_provider − (provider ``bank_transfer``).
"""

from decimal import Decimal

from django.db.models import Sum

from bookings.ledger import Account, Kind, LedgerEntry, Sector, Source, ledger_post
from bookings.payments.models import Payment, Refund
from common.clock import local_today
from common.money import ZERO, quantize
from shop.models import Order, Producer, ProducerPayout

PAYOUT_PROVIDER = "bank_transfer"


def _source(order: Order) -> Source:
    producer = order.producer
    return Source(
        reference=order.source_reference,
        sector=Sector.SHOP,
        village=producer.village,
        on=local_today(),
        party=producer.party,
    )


def _key(order: Order, what: str) -> str:
    return f"shop-order-{order.pk}-{what}"


def order_payment_received(order: Order) -> list[LedgerEntry]:
    return ledger_post(
        source=_source(order),
        kind=Kind.PAYMENT_RECEIVED_SALE,
        key=_key(order, "payment"),
        lines=[(Account.CASH_PROVIDER, order.total), (Account.GUEST, -order.total)],
        provider=order.provider,
    )


def order_online_payment(order: Order, payment: Payment) -> list[LedgerEntry]:
    return ledger_post(
        source=_source(order),
        kind=Kind.PAYMENT_RECEIVED_SALE,
        key=_key(order, f"payment-{payment.pk}"),
        lines=[(Account.CASH_PROVIDER, payment.amount), (Account.GUEST, -payment.amount)],
        provider=payment.provider,
    )


def order_online_refund(order: Order, refund: Refund, *, failed: bool = False) -> list[LedgerEntry]:
    sign = -1 if failed else 1
    return ledger_post(
        source=_source(order),
        kind=Kind.REFUND_FAILED if failed else Kind.SALE_REFUND,
        key=_key(order, f"refund-{refund.pk}{'-failed' if failed else ''}"),
        lines=[(Account.CASH_PROVIDER, -sign * refund.amount), (Account.GUEST, sign * refund.amount)],
        provider=refund.payment.provider,
    )


def order_split(order: Order) -> tuple:
    """``(producer's part, group's part)`` of the order's total: the group keeps each line's margin (at
    the rate copied when the order was placed) and the delivery fee."""
    margin = sum((line.margin for line in order.lines.all()), ZERO)
    return order.subtotal - margin, margin + order.delivery_fee


def order_earned(order: Order) -> list[LedgerEntry]:
    producer_part, group_part = order_split(order)
    lines = [(Account.GUEST, order.total)]
    if producer_part:
        lines.append((Account.PRODUCER_PAYABLE, -producer_part))
    if group_part:
        lines.append((Account.PLATFORM_COMMISSION, -group_part))
    return ledger_post(source=_source(order), kind=Kind.SALE, key=_key(order, "sale"), lines=lines)


def order_refunded(order: Order) -> list[LedgerEntry]:
    return ledger_post(
        source=_source(order),
        kind=Kind.SALE_REFUND,
        key=_key(order, "refund"),
        lines=[(Account.CASH_PROVIDER, -order.total), (Account.GUEST, order.total)],
        provider=order.provider,
    )


def order_sale_reversed(order: Order) -> list[LedgerEntry]:
    """The order's ``sale`` posting turned around, line for line (nothing when it was never earned)."""
    sale = LedgerEntry.objects.filter(source=order.source_reference, kind=Kind.SALE).order_by("id")
    lines = [(entry.account, -entry.amount) for entry in sale]
    if not lines:
        return []
    return ledger_post(
        source=_source(order), kind=Kind.SALE_REVERSED, key=_key(order, "sale-reversed"), lines=lines
    )


def producer_owed(producer: Producer) -> Decimal:
    """What the group owes the producer now: every ``producer_payable`` line naming them (sales and
    returns credit and debit it, payouts debit it), as a positive amount."""
    total = LedgerEntry.objects.filter(
        account=Account.PRODUCER_PAYABLE, party=producer.party, sector=Sector.SHOP
    ).aggregate(total=Sum("amount"))["total"]
    return quantize(ZERO - (total or ZERO))


def producer_paid(payout: ProducerPayout) -> list[LedgerEntry]:
    producer = payout.producer
    return ledger_post(
        source=Source(
            reference=payout.source_reference,
            sector=Sector.SHOP,
            village=producer.village,
            on=payout.paid_on,
            party=producer.party,
        ),
        kind=Kind.PRODUCER_PAYOUT,
        key=f"producer-payout-{payout.pk}",
        lines=[(Account.PRODUCER_PAYABLE, payout.amount), (Account.CASH_PROVIDER, -payout.amount)],
        provider=PAYOUT_PROVIDER,
    )
