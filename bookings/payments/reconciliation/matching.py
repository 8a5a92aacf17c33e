"""Matching a bill's lines to our payments, refunds and splits.

Each kind of line has a ``Matcher``: it finds our records of the day and those the bill's lines name
(``records``), as ``Record``s. The comparison is the same for every kind (``compare``): a line no record
of ours answers to is missing here; a record of the day no line answers to is missing there; a line and
its record that disagree on the amount (or currency), or on whether the money moved, are a mismatch of
that kind. A new kind of line (e.g. another provider's splits) is one more ``Matcher`` in ``MATCHERS``.
"""

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from bookings.ledger import Account, Kind, LedgerEntry
from bookings.payments.models import Payment, Refund
from bookings.payments.reconciliation.bills import PAYMENT, REFUND, SPLIT, BillLine
from bookings.payments.reconciliation.models import Mismatch
from bookings.payments.reconciliation.splits import split_records
from common.money import ZERO, quantize


@dataclass(frozen=True)
class Record:
    """One payment, refund or split of ours as reconciliation sees it. ``in_day``: it belongs to the
    day's bill (paid, refunded or split that Beijing day by our books)."""

    reference: str
    provider_reference: str
    amount: Decimal
    currency: str
    succeeded: bool
    in_day: bool
    booking_reference: str = ""


@dataclass(frozen=True)
class Found:
    """A mismatch found: what ``Mismatch`` rows are made of."""

    kind: str
    line: str
    reference: str
    provider_reference: str = ""
    booking_reference: str = ""
    bill_amount: Decimal | None = None
    our_amount: Decimal | None = None
    currency: str = "CNY"


@dataclass
class Outcome:
    lines: int = 0
    matched: int = 0
    found: list[Found] = field(default_factory=list)
    ours: dict[str, Decimal] = field(default_factory=dict)  # per kind: our records of the day that succeeded
    matched_references: dict[str, set[str]] = field(default_factory=dict)  # per kind: ours the bill listed


class Matcher(ABC):
    line: ClassVar[str]  # a Mismatch.Line

    @abstractmethod
    def records(
        self, *, provider: str, start: datetime, end: datetime, lines: list[BillLine]
    ) -> Iterable[Record]:
        """Our records of the day (``in_day``) and those the lines name by either reference."""

    def compare(
        self, *, lines: list[BillLine], records: Iterable[Record]
    ) -> tuple[int, list[Found], set[str]]:
        """(lines matched, mismatches, references of our records the bill listed)."""
        records = list(records)
        by_ours = {record.reference: record for record in records if record.reference}
        # The provider's number names one record only when no other has it: the receivers of one split
        # share its order number, and a line for an unknown receiver must not stand for another's.
        shared = Counter(record.provider_reference for record in records if record.provider_reference)
        by_theirs = {
            record.provider_reference: record for record in records if shared[record.provider_reference] == 1
        }
        found: list[Found] = []
        seen: set[str] = set()
        matched = 0
        for line in lines:
            record = by_ours.get(line.reference) if line.reference else None
            record = record or by_theirs.get(line.provider_reference)
            if record is None or record.reference in seen:  # none of ours, or a second line for one
                found.append(
                    Found(
                        Mismatch.Kind.MISSING_HERE,
                        self.line,
                        line.reference or line.provider_reference,
                        line.provider_reference,
                        bill_amount=line.amount,
                        currency=line.currency,
                    )
                )
                continue
            seen.add(record.reference)
            kind = None
            if (quantize(line.amount), line.currency.upper()) != (record.amount, record.currency.upper()):
                kind = Mismatch.Kind.AMOUNT
            elif line.succeeded != record.succeeded:
                kind = Mismatch.Kind.STATUS
            if kind is None:
                matched += 1
            else:
                found.append(self._found(kind, record, line))
        for record in records:
            if record.in_day and record.succeeded and record.reference not in seen:
                found.append(self._found(Mismatch.Kind.MISSING_THERE, record, None))
        return matched, _once(found), seen

    def _found(self, kind: str, record: Record, line: BillLine | None) -> Found:
        return Found(
            kind,
            self.line,
            record.reference,
            record.provider_reference or (line.provider_reference if line else ""),
            record.booking_reference,
            bill_amount=line.amount if line else None,
            our_amount=record.amount,
            currency=record.currency,
        )


def _once(found: list[Found]) -> list[Found]:
    """One mismatch per reference (a bill listing a line twice says so once), as runs record them."""
    kept: dict[str, Found] = {}
    for item in found:
        kept.setdefault(item.reference, item)
    return list(kept.values())


def _references(lines: list[BillLine]) -> tuple[set[str], set[str]]:
    return {line.reference for line in lines if line.reference}, {
        line.provider_reference for line in lines if line.provider_reference
    }


class PaymentMatcher(Matcher):
    """Our payment: ``idempotency_key`` is the order number (out_trade_no) we gave WeChat Pay and
    Alipay, ``provider_payment_reference`` their transaction number or Stripe's PaymentIntent. Its day:
    when it was paid (``paid_at``)."""

    line = PAYMENT

    def records(self, *, provider, start, end, lines):
        ours, theirs = _references(lines)
        in_day = Q(status=Payment.Status.SUCCEEDED, paid_at__gte=start, paid_at__lt=end)
        named = Q(idempotency_key__in=ours) | Q(provider_payment_reference__in=theirs)
        rows = Payment.objects.filter(Q(provider=provider) & (in_day | named)).select_related("booking")
        for payment in rows:
            paid = payment.status == Payment.Status.SUCCEEDED
            yield Record(
                payment.idempotency_key,
                payment.provider_payment_reference,
                payment.amount,
                payment.currency,
                paid,
                paid and payment.paid_at is not None and start <= payment.paid_at < end,
                payment.paid_for,
            )


class RefundMatcher(Matcher):
    """Our refund: ``idempotency_key`` is the refund number we sent (out_refund_no, out_request_no),
    ``provider_reference`` the provider's refund id. Its day: when the refund entered the ledger (it
    succeeded), which ``ledger_record_refund`` keys ``refund-<id>``."""

    line = REFUND

    def records(self, *, provider, start, end, lines):
        ours, theirs = _references(lines)
        posted = LedgerEntry.objects.filter(
            kind=Kind.REFUND,
            account=Account.CASH_PROVIDER,
            created_at__gte=start,
            created_at__lt=end,
            idempotency_key=Concat(
                Value("refund-"),
                Cast(OuterRef("pk"), CharField()),
                Value("/cash_provider"),
                output_field=CharField(),
            ),
        )
        named = Q(idempotency_key__in=ours) | Q(provider_reference__in=theirs)
        rows = (
            Refund.objects.filter(payment__provider=provider)
            .annotate(in_day=Exists(posted))
            .filter(named | Q(in_day=True, status=Refund.Status.SUCCEEDED))
            .select_related("booking")
        )
        for refund in rows:
            done = refund.status == Refund.Status.SUCCEEDED
            reference = refund.idempotency_key
            yield Record(
                reference,
                refund.provider_reference,
                refund.amount,
                refund.currency,
                done,
                done and refund.in_day,
                refund.paid_for,
            )


class SplitMatcher(Matcher):
    """Our profit-sharing lines, read through the hook in ``splits`` (the split code's own records)."""

    line = SPLIT

    def records(self, *, provider, start, end, lines):
        references = {line.reference for line in lines}
        for split in split_records(provider=provider, start=start, end=end, references=references):
            yield Record(
                split.reference,
                split.provider_reference,
                quantize(split.amount),
                split.currency,
                split.succeeded,
                split.in_day,
                split.booking_reference,
            )


MATCHERS: dict[str, Matcher] = {PAYMENT: PaymentMatcher(), REFUND: RefundMatcher(), SPLIT: SplitMatcher()}


def bill_match(
    *, provider: str, start: datetime, end: datetime, lines: list[BillLine], kinds: Iterable[str]
) -> Outcome:
    """Match the lines of the kinds reconciled for this provider; lines of another kind never count."""
    outcome = Outcome()
    for kind in kinds:
        matcher = MATCHERS[kind]
        mine = [line for line in lines if line.line == kind]
        records = list(matcher.records(provider=provider, start=start, end=end, lines=mine))
        matched, found, seen = matcher.compare(lines=mine, records=records)
        outcome.lines += len(mine)
        outcome.matched += matched
        outcome.found += found
        outcome.matched_references[kind] = seen
        outcome.ours[kind] = quantize(
            sum((record.amount for record in records if record.in_day and record.succeeded), ZERO)
        )
    return outcome
