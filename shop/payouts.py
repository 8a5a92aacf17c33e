"""Paying producers: the group's staff record money paid to a producer by hand (bank transfer or cash)
out of what the ledger says the group owes them (``producer_payable``: their part of completed orders,
less returns and earlier payouts).

Never more than is owed: the producer's row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's
``IMMEDIATE`` transactions write one at a time) before the balance is read, so two payouts recorded at
the same moment cannot both spend the same balance. Never twice: each form carries a ``key`` (drawn when
the page is shown), unique in the database, so a double tap or a resubmission answers the first payout.
"""

import secrets
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common.clock import local_today
from common.money import quantize
from shop import ledger, notices
from shop.models import Producer, ProducerPayout

KEY_LENGTH = 64


def payout_key() -> str:
    return secrets.token_hex(16)


@transaction.atomic
def producer_payout_record(
    *,
    producer: Producer | int,
    amount: Decimal,
    key: str,
    by: User | None,
    paid_on: date | None = None,
    note: str = "",
) -> ProducerPayout:
    """Record that ``amount`` was paid to the producer, posted as ``producer_payout`` naming them."""
    producer_id = producer.pk if isinstance(producer, Producer) else producer
    key = (key or "").strip()
    if not key or len(key) > KEY_LENGTH:
        raise ValidationError(_("请刷新页面后重试 Reload the page and try again"), code="key_missing")
    locked = Producer.objects.select_for_update().select_related("village").get(pk=producer_id)
    existing = ProducerPayout.objects.filter(key=key).first()
    if existing is not None:
        if existing.producer_id != locked.pk:
            raise ValidationError(_("请刷新页面后重试 Reload the page and try again"), code="key_reused")
        return existing
    amount = quantize(amount)
    if amount <= 0:
        raise ValidationError(_("金额须大于0 The amount must be above 0"), code="amount_invalid")
    paid_on = paid_on or local_today()
    if paid_on > local_today():
        raise ValidationError(
            _("付款日期不能在将来 The payment date cannot be in the future"), code="date_future"
        )
    owed = ledger.producer_owed(locked)
    if amount > owed:
        raise ValidationError(
            _("超过应付金额(%(owed)s元) More than is owed (¥%(owed)s)") % {"owed": owed},
            code="more_than_owed",
        )
    payout = ProducerPayout.objects.create(
        producer=locked, amount=amount, paid_on=paid_on, key=key, recorded_by=by, note=note.strip()[:200]
    )
    ledger.producer_paid(payout)
    notices.producer_paid(payout)
    return payout
