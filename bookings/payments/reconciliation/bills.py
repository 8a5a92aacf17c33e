"""What a provider's bill says, read into one shape whatever the provider.

A ``Bill`` is the day's lines that move money for a payment, a refund or a split; lines of other kinds
(Stripe's payouts and fees, Alipay's transfers) are counted in ``ignored`` and never matched. Amounts are
Decimal yuan in the currency the guest paid (CNY), never what a provider converted them to.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from common.money import quantize

CHINA = ZoneInfo("Asia/Shanghai")
PAYMENT, REFUND, SPLIT = "payment", "refund", "split"  # Mismatch.Line values


class BillUnavailable(Exception):
    """The bill could not be had: not generated yet, the provider refused or could not be reached, or
    its file does not read (a hash or a total that disagrees). Nothing is recorded but the failure;
    running the day again later is the remedy."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class BillLine:
    """``reference``: our number for it (out_trade_no, out_refund_no, out_order_no) when the bill has
    it; ``provider_reference``: the provider's (transaction_id, trade_no, a Stripe charge or refund id).
    ``succeeded``: the bill says the money moved (a split line may say it failed). ``order``: the
    payment order the line belongs to, when the bill says (a refund's trade, a royalty's settlement)."""

    line: str  # PAYMENT, REFUND or SPLIT
    reference: str
    provider_reference: str
    amount: Decimal
    currency: str = "CNY"
    succeeded: bool = True
    order: str = ""


@dataclass
class Bill:
    lines: list[BillLine] = field(default_factory=list)
    ignored: int = 0

    def add(self, other: "Bill") -> None:
        self.lines += other.lines
        self.ignored += other.ignored

    def total(self, line: str) -> Decimal:
        return quantize(
            sum((item.amount for item in self.lines if item.line == line and item.succeeded), Decimal(0))
        )


def split_key(out_order_no: str, receiver: str) -> str:
    """A split line's reference: our split order number and the receiver (one order pays several)."""
    return f"{out_order_no}/{receiver}"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The Beijing day as an aware interval ``[start, end)``: what every provider's daily bill covers."""
    start = datetime.combine(day, time.min, tzinfo=CHINA)
    return start, start + timedelta(days=1)


def money(text: str, what: str) -> Decimal:
    """A yuan amount read from a bill (``"¥1,200.00"``, ``"-50.00"``), exactly to the fen."""
    cleaned = text.strip().lstrip("`").replace(",", "").replace("¥", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise BillUnavailable(f"{what}: {text!r} is not an amount") from None
    if not amount.is_finite() or quantize(amount) != amount:
        raise BillUnavailable(f"{what}: {text!r} is not an amount in fen")
    return amount
