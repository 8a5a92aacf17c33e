"""Every write of the shareholder register and the dividends. Keyword-only, atomic, safe to call twice.

Rules the database cannot hold (portably) are checked here under a lock: a shareholder's holdings never
overlap (the shareholder's row is locked), and the register is not changed on or before the end of a
declared period (the village's row is locked, as declaring locks it): a declared split stays true to
the register it was computed from.
"""

import logging
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.ledger import Account, Kind, Sector, Source, ledger_post
from bookings.revenue.periods import MAX_DAYS, Period
from bookings.revenue.selectors import collective_outstanding_to_date, collective_owed, collective_paid
from common.clock import local_today
from common.money import ZERO, quantize
from shareholders import notices
from shareholders.models import Allocation, DividendDeclaration, Holding, HouseholdPayout, Shareholder
from shareholders.selectors import declared_overlapping, split_preview
from villages.models import Village

logger = logging.getLogger(__name__)

PAYOUT_PROVIDER = "bank_transfer"
Status = DividendDeclaration.Status


def _lock_village(village: Village) -> Village:
    return Village.objects.select_for_update().get(pk=village.pk)


def _money(value: Decimal, field: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be Decimal, never float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0 or amount != quantize(amount):
        raise ValidationError(
            _("金额须为不小于0、最多两位小数的数 An amount is zero or more, with at most two decimals"),
            code=field,
        )
    return amount


def _register_open_after(village: Village) -> date | None:
    """The last day of the village's declared periods: the register may change only after it."""
    return (
        DividendDeclaration.objects.filter(village=village)
        .exclude(status=Status.DRAFT)
        .aggregate(last=Max("period_end"))["last"]
    )


def _check_register_day(village: Village, day: date) -> None:
    last = _register_open_after(village)
    if last is not None and day <= last:
        raise ValidationError(
            _("%(day)s 已在宣告过的分红期内,不能再改 %(day)s is within a declared dividend period")
            % {"day": day.isoformat()},
            code="declared",
        )


# --- the register ----------------------------------------------------------------------------------


@transaction.atomic
def shareholder_add(
    *,
    village: Village,
    kind: str,
    name: str,
    phone: str = "",
    id_number: str = "",
    bank_account: str = "",
    user: User | None = None,
    is_demo: bool = False,
) -> Shareholder:
    """Register a shareholder. A village has one collective: a second one is refused."""
    shareholder = Shareholder(
        village=village,
        kind=kind,
        name=name.strip(),
        phone="".join(phone.split()),
        id_number="".join(id_number.split()).upper(),
        bank_account="".join(bank_account.split()),
        user=user,
        is_demo=is_demo,
    )
    shareholder.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            shareholder.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(
            _("这个村庄已登记村集体股东 The village already has its collective shareholder"),
            code="collective_exists",
        ) from None
    return shareholder


@transaction.atomic
def holding_add(
    *, shareholder: Shareholder, shares: int, entered_on: date, exited_on: date | None = None
) -> Holding:
    """A new holding. It may not overlap another of the shareholder's, nor start (or end) within a
    declared dividend period."""
    _lock_village(shareholder.village)
    Shareholder.objects.select_for_update().get(pk=shareholder.pk)
    if not isinstance(shares, int) or isinstance(shares, bool) or shares <= 0:
        raise ValidationError(_("股数须为正整数 Shares are a whole number above zero"), code="shares")
    if exited_on is not None and exited_on <= entered_on:
        raise ValidationError(_("退股日期须晚于入股日期 The exit comes after the entry"), code="exited_on")
    _check_register_day(shareholder.village, entered_on)
    overlaps = Holding.objects.filter(shareholder=shareholder).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gt=entered_on)
    )
    if exited_on is not None:
        overlaps = overlaps.filter(entered_on__lt=exited_on)
    if overlaps.exists():
        raise ValidationError(
            _("与已有持股时间重叠 It overlaps a holding already registered"), code="overlap"
        )
    return Holding.objects.create(
        shareholder=shareholder, shares=shares, entered_on=entered_on, exited_on=exited_on
    )


@dataclass(frozen=True)
class Outcome[T]:
    """What a write did: ``changed`` is False when the thing was already so (a repeated call)."""

    value: T
    changed: bool


@transaction.atomic
def holding_end(*, holding: Holding, exited_on: date) -> Outcome[Holding]:
    """End an open holding: not held from ``exited_on`` on. Ending it again on the same day changes
    nothing."""
    _lock_village(holding.shareholder.village)
    holding = Holding.objects.select_for_update().select_related("shareholder__village").get(pk=holding.pk)
    if holding.exited_on == exited_on:
        return Outcome(holding, changed=False)
    if holding.exited_on is not None:
        raise ValidationError(_("这笔持股已经退出 This holding has already ended"), code="ended")
    if exited_on <= holding.entered_on:
        raise ValidationError(_("退股日期须晚于入股日期 The exit comes after the entry"), code="exited_on")
    _check_register_day(holding.shareholder.village, exited_on)
    holding.exited_on = exited_on
    holding.save(update_fields=["exited_on"])
    return Outcome(holding, changed=True)


# --- declarations ----------------------------------------------------------------------------------


def _check_period(village: Village, period: Period, collective_amount: Decimal, exclude: int | None) -> None:
    if period.end >= local_today():
        raise ValidationError(_("分红期结束后才能宣告 Declare once the period is over"), code="period_open")
    if period.days > MAX_DAYS:
        raise ValidationError(_("分红期最长三年 A period is at most three years"), code="period_long")
    overlapping = declared_overlapping(village=village, period=period)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude)
    if overlapping.exists():
        raise ValidationError(
            _("这段时间已宣告过分红 A dividend was already declared for part of this period"),
            code="overlap",
        )
    # What the collective earned for the period and has not been paid yet (collective payouts, profit
    # sharing), and never beyond what it is owed to date, so a payout for an overlapping period and a
    # declaration cannot both take the same money.
    earned = min(
        collective_owed(village=village, period=period) - collective_paid(village=village, period=period),
        collective_outstanding_to_date(village=village, end=period.end),
    )
    earned = max(earned, ZERO)
    if collective_amount > earned:
        raise ValidationError(
            _("超过村集体本期分成 ¥%(earned)s More than the collective's ¥%(earned)s for the period")
            % {"earned": earned},
            code="collective_amount",
        )


@transaction.atomic
def declaration_draft(
    *,
    village: Village,
    period: Period,
    collective_amount: Decimal,
    group_amount: Decimal,
    note: str = "",
    by: User | None = None,
    is_demo: bool = False,
) -> DividendDeclaration:
    """A draft declaration: nothing is owed yet, its page previews the split."""
    _lock_village(village)
    collective_amount = _money(collective_amount, "collective_amount")
    group_amount = _money(group_amount, "group_amount")
    if collective_amount + group_amount <= ZERO:
        raise ValidationError(_("分红总额须大于0 The dividend must be above zero"), code="collective_amount")
    _check_period(village, period, collective_amount, exclude=None)
    return DividendDeclaration.objects.create(
        village=village,
        period_start=period.start,
        period_end=period.end,
        collective_amount=collective_amount,
        group_amount=group_amount,
        note=note.strip()[:200],
        created_by=by,
        is_demo=is_demo,
    )


@transaction.atomic
def declaration_declare(
    *, declaration: DividendDeclaration, by: User | None = None
) -> Outcome[DividendDeclaration]:
    """Declare a draft: store each shareholder's part and post what is now owed to each household, in
    one transaction under the village's lock. Declaring again changes nothing (``changed`` False)."""
    _lock_village(declaration.village)
    declaration = (
        DividendDeclaration.objects.select_for_update().select_related("village").get(pk=declaration.pk)
    )
    if declaration.status != Status.DRAFT:
        return Outcome(declaration, changed=False)
    village = declaration.village
    period = Period(declaration.period_start, declaration.period_end)
    _check_period(village, period, declaration.collective_amount, exclude=declaration.pk)
    lines = split_preview(declaration=declaration)
    if not lines or all(line.share_days == 0 for line in lines):
        raise ValidationError(
            _("这段时间没有人持股 Nobody held shares in the period"), code="no_shareholders"
        )
    now = timezone.now()
    declaration.status = Status.DECLARED
    declaration.declared_by = by
    declaration.declared_at = now
    declaration.declared_on = local_today()
    allocations = Allocation.objects.bulk_create(
        Allocation(
            declaration=declaration,
            shareholder=line.shareholder,
            share_days=line.share_days,
            amount=line.amount,
            collective_part=line.collective_part,
        )
        for line in lines
    )
    for allocation in allocations:
        _post_dividend(declaration, allocation)
    if not any(allocation.payable for allocation in allocations):
        declaration.status = Status.PAID
    declaration.save(update_fields=["status", "declared_by", "declared_at", "declared_on"])
    notices.declared_queue(allocations=[a for a in allocations if a.payable])
    logger.info("dividend declaration %s declared: %s allocations", declaration.pk, len(allocations))
    return Outcome(declaration, changed=True)


def _post_dividend(declaration: DividendDeclaration, allocation: Allocation) -> None:
    """A household's part becomes owed to it: taken from the collective's share and the group's money.
    The collective's own part stays where it is (in ``village_collective``, paid through the collective
    payouts); only what the group adds to it is posted, from the group to the collective."""
    shareholder = allocation.shareholder
    source = Source(
        reference=f"household_dividend:{allocation.pk}",
        sector=Sector.DIVIDENDS,
        village=declaration.village,
        # Counted on the period's last day: bookings.revenue.selectors.collective_paid takes the
        # collective's part of household dividends out of what is still owed to it for the period.
        on=declaration.period_end,
        party=shareholder.party,
    )
    key = f"household-dividend-{allocation.pk}"
    if shareholder.is_collective:
        if allocation.group_part > ZERO:
            ledger_post(
                source=source,
                kind=Kind.HOUSEHOLD_DIVIDEND,
                key=key,
                lines=[
                    (Account.PLATFORM_COMMISSION, allocation.group_part),
                    (Account.VILLAGE_COLLECTIVE, -allocation.group_part),
                ],
            )
        return
    if allocation.amount == ZERO:
        return
    lines = [
        (Account.VILLAGE_COLLECTIVE, allocation.collective_part),
        (Account.PLATFORM_COMMISSION, allocation.group_part),
        (Account.HOUSEHOLD_PAYABLE, -allocation.amount),
    ]
    ledger_post(
        source=source,
        kind=Kind.HOUSEHOLD_DIVIDEND,
        key=key,
        lines=[(account, amount) for account, amount in lines if amount != ZERO],
    )


@transaction.atomic
def declaration_discard(*, declaration: DividendDeclaration) -> bool:
    """Throw a draft away (it owes nobody anything). False when it was already gone; a declared one
    stays."""
    found = DividendDeclaration.objects.select_for_update().filter(pk=declaration.pk).first()
    if found is None:
        return False
    if found.status != Status.DRAFT:
        raise ValidationError(
            _("已宣告的分红不能删除 A declared dividend cannot be removed"), code="declared"
        )
    found.delete()
    return True


@transaction.atomic
def household_payout_record(
    *, allocation: Allocation, paid_on: date, reference: str = "", by: User | None = None
) -> Outcome[HouseholdPayout]:
    """The group paid a household its part (by bank transfer): the payout and its posting
    (household_payable +, cash −). Recording it again changes nothing. The declaration is paid once
    every household's part is."""
    _lock_village(allocation.declaration.village)
    allocation = (
        Allocation.objects.select_for_update()
        .select_related("declaration__village", "shareholder")
        .get(pk=allocation.pk)
    )
    existing = HouseholdPayout.objects.filter(allocation=allocation).first()
    if existing is not None:
        return Outcome(existing, changed=False)
    declaration = allocation.declaration
    if not allocation.payable:
        raise ValidationError(
            _("这一份不由集团直接支付给农户 This part is not paid to a household"), code="not_payable"
        )
    if paid_on > local_today():
        raise ValidationError(
            _("付款日期不能在未来 The payment date cannot be in the future"), code="paid_on"
        )
    if declaration.declared_on and paid_on < declaration.declared_on:
        raise ValidationError(
            _("付款日期不能早于宣告日期 The payment date cannot be before the declaration"), code="paid_on"
        )
    payout = HouseholdPayout.objects.create(
        allocation=allocation, paid_on=paid_on, reference=reference.strip()[:80], recorded_by=by
    )
    ledger_post(
        source=Source(
            reference=f"household_payout:{payout.pk}",
            sector=Sector.DIVIDENDS,
            village=declaration.village,
            on=paid_on,
            party=allocation.shareholder.party,
        ),
        kind=Kind.HOUSEHOLD_PAYOUT,
        key=f"household-payout-{payout.pk}",
        lines=[(Account.HOUSEHOLD_PAYABLE, allocation.amount), (Account.CASH_PROVIDER, -allocation.amount)],
        provider=PAYOUT_PROVIDER,
    )
    unpaid = [
        other
        for other in declaration.allocations.select_related("shareholder").filter(payout__isnull=True)
        if other.payable
    ]
    if not unpaid and declaration.status == Status.DECLARED:
        declaration.status = Status.PAID
        declaration.save(update_fields=["status"])
    notices.paid_queue(allocation=allocation)
    return Outcome(payout, changed=True)


# --- demo data -------------------------------------------------------------------------------------

DEMO_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
DEMO_NUMBERS = "一二三四五六七八九十"
DEMO_SUFFIX = "(演示)"
DEMO_START = date(2024, 1, 1)


def _demo_name(village: Village, index: int) -> str:
    surname = DEMO_SURNAMES[(index * 7 + len(village.slug)) % len(DEMO_SURNAMES)]
    return f"{surname}{DEMO_NUMBERS[index % len(DEMO_NUMBERS)]}户{DEMO_SUFFIX}"


@transaction.atomic
def shareholders_seed_demo() -> int:
    """Give every village without shareholders its collective and 5 to 12 member households, with
    shares, some joining late and some leaving, all marked as demo data (names end in "(演示)"; no
    phone, ID or bank number). The same village always gets the same households. Safe to run again;
    returns how many villages were seeded."""
    seeded = 0
    for village in Village.objects.filter(shareholders__isnull=True).order_by("id"):
        _lock_village(village)
        rng = random.Random(village.slug)
        collective = shareholder_add(
            village=village,
            kind=Shareholder.Kind.COLLECTIVE,
            name=f"{village.name}股份经济合作社{DEMO_SUFFIX}",
            is_demo=True,
        )
        holding_add(shareholder=collective, shares=rng.randint(40, 80), entered_on=DEMO_START)
        for index in range(rng.randint(5, 12)):
            household = shareholder_add(
                village=village,
                kind=Shareholder.Kind.HOUSEHOLD,
                name=_demo_name(village, index),
                is_demo=True,
            )
            entered_on = (
                DEMO_START if rng.random() < 0.6 else DEMO_START + timedelta(days=rng.randint(60, 540))
            )
            exited_on = entered_on + timedelta(days=rng.randint(120, 400)) if rng.random() < 0.2 else None
            holding_add(
                shareholder=household, shares=rng.randint(1, 10), entered_on=entered_on, exited_on=exited_on
            )
        seeded += 1
    return seeded
