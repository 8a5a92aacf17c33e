"""Every write of the revenue module: revenue-share rules and dividend payouts. Keyword-only, atomic."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bookings.ledger import Account, Kind, ledger_post
from bookings.revenue.models import RATE_PLACES, DividendPayout, RevenueShareRule
from bookings.revenue.periods import Period
from bookings.revenue.selectors import collective_outstanding_to_date, collective_owed, collective_paid
from common.clock import local_today
from common.money import ZERO, quantize
from villages.models import Village

PAYOUT_PROVIDER = "bank_transfer"
DEMO_EFFECTIVE_FROM = date(2020, 1, 1)
DEMO_COMMISSION = Decimal("0.1000")
DEMO_COLLECTIVE = Decimal("0.0500")
DEMO_NOTE = "演示数据:比例为示例,并非真实协议 Demo data: example rates, not a real agreement"


def _rate(value: Decimal) -> Decimal:
    if isinstance(value, float):
        raise TypeError("rates must be Decimal, never float")
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        rate = Decimal(-1)
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise ValidationError(_("比例须在0到100%之间 A rate is between 0 and 100%"), code="rate")
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise ValidationError(
            _("比例最多精确到0.01% A rate has at most two decimals in percent"), code="rate_places"
        )
    return rate


@transaction.atomic
def revenue_rule_create(
    *,
    village: Village,
    effective_from: date,
    commission_rate: Decimal,
    collective_rate: Decimal,
    note: str = "",
    by: User | None = None,
) -> RevenueShareRule:
    """A new split for the village's bookings made from ``effective_from`` on. It must start after
    today (Beijing time): bookings already made keep the rule they were made under."""
    commission_rate, collective_rate = _rate(commission_rate), _rate(collective_rate)
    if commission_rate + collective_rate > 1:
        raise ValidationError(
            _("佣金和村集体分成合计不能超过100% Commission and collective share add up to at most 100%"),
            code="rates_total",
        )
    if effective_from <= local_today():
        raise ValidationError(
            _("新规则最早从明天起生效 A new rule takes effect tomorrow at the earliest"),
            code="effective_from",
        )
    rule = RevenueShareRule(
        village=village,
        effective_from=effective_from,
        commission_rate=commission_rate,
        collective_rate=collective_rate,
        note=note.strip()[:200],
        created_by=by,
    )
    try:
        with transaction.atomic():
            rule.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(
            _("这个村庄在这一天已有规则 The village already has a rule from that day"), code="duplicate"
        ) from None
    return rule


@transaction.atomic
def revenue_rule_delete(*, rule: RevenueShareRule) -> None:
    """Withdraw a rule that has not taken effect yet; a rule in effect stays, as bookings follow it."""
    rule = RevenueShareRule.objects.select_for_update().get(pk=rule.pk)
    if rule.effective_from <= local_today():
        raise ValidationError(
            _("已生效的规则不能删除 A rule already in effect cannot be removed"), code="in_effect"
        )
    rule.delete()


@transaction.atomic
def revenue_rules_seed_demo() -> int:
    """Give every village without a rule the demo rule (commission 10%, collective 5%) from 2020 on,
    marked as demo data. Safe to run again; returns how many rules were added."""
    added = 0
    for village in Village.objects.filter(revenue_rules__isnull=True).order_by("id"):
        RevenueShareRule.objects.create(
            village=village,
            effective_from=DEMO_EFFECTIVE_FROM,
            commission_rate=DEMO_COMMISSION,
            collective_rate=DEMO_COLLECTIVE,
            is_demo=True,
            note=DEMO_NOTE,
        )
        added += 1
    return added


@transaction.atomic
def dividend_payout_record(
    *,
    village: Village,
    period: Period,
    amount: Decimal,
    paid_on: date,
    reference: str = "",
    note: str = "",
    by: User | None = None,
) -> DividendPayout:
    """The group paid the village collective ``amount`` for its share of the period's bookings: the
    payout and its ledger posting (village_collective +, cash −). Only for a period that has ended
    (its stays can no longer be cancelled), and never beyond what is still owed for it, so a payout
    recorded twice is caught."""
    Village.objects.select_for_update().get(pk=village.pk)
    if isinstance(amount, float):
        raise TypeError("money must be Decimal, never float")
    amount = quantize(amount)
    today = local_today()
    if amount <= ZERO:
        raise ValidationError(_("金额须大于0 The amount must be above zero"), code="amount")
    if paid_on > today:
        raise ValidationError(
            _("付款日期不能在未来 The payment date cannot be in the future"), code="paid_on"
        )
    if period.end >= today:
        raise ValidationError(
            _("结算期结束后才能登记支付 Record a payout once the period is over"), code="period_open"
        )
    outstanding = collective_owed(village=village, period=period) - collective_paid(
        village=village, period=period
    )
    # Against everything owed up to the period's end too: a payout or a household dividend declared for
    # an overlapping period may already have paid part of this one.
    outstanding = min(outstanding, collective_outstanding_to_date(village=village, end=period.end))
    if amount > outstanding:
        raise ValidationError(
            _("超过本期未付金额 ¥%(outstanding)s More than the ¥%(outstanding)s still owed for the period")
            % {"outstanding": max(outstanding, ZERO)},
            code="overpaid",
        )
    payout = DividendPayout.objects.create(
        village=village,
        period_start=period.start,
        period_end=period.end,
        amount=amount,
        paid_on=paid_on,
        reference=reference.strip()[:80],
        note=note.strip()[:200],
        recorded_by=by,
    )
    ledger_post(
        payout=payout,
        kind=Kind.COLLECTIVE_PAYOUT,
        key=f"dividend-payout-{payout.pk}",
        lines=[(Account.VILLAGE_COLLECTIVE, amount), (Account.CASH_PROVIDER, -amount)],
        provider=PAYOUT_PROVIDER,
    )
    return payout
