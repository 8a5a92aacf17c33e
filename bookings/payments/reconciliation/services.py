"""Reconciling a provider's day: download its bill, match every line, record the run and its
mismatches; and staff resolving a mismatch. Entry points: ``manage.py reconcile`` (cron, daily) and the
group's reconciliation page (resolving).

Idempotent: one ``ReconciliationRun`` per provider and day (a constraint), updated by every rerun; its
mismatches are keyed by kind of line and reference (a constraint), updated in place, those no longer
found deleted unless staff resolved them (their note is kept). A mismatch whose facts changed (another
kind or amount) is open again. A record of ours missing from its day's bill that turns up in another
day's bill (a payment at 23:59:59 here, 00:00:01 there) is resolved by that day's run, with a note.

The download happens outside any transaction (it may take seconds); a day whose bill cannot be had keeps
what an earlier run found and says why it failed (``state`` failed, ``message``).
"""

import logging
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.payments.reconciliation import alipay, stripe, wechat
from bookings.payments.reconciliation.bills import PAYMENT, REFUND, SPLIT, Bill, BillUnavailable, day_bounds
from bookings.payments.reconciliation.matching import Found, Outcome, bill_match
from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.splits import split_hook
from common.money import ZERO

logger = logging.getLogger(__name__)

MESSAGE_LENGTH = 300
NOTE_LENGTH = 500
WECHAT_PAY, ALIPAY, STRIPE = "wechat_pay", "alipay", "stripe_checkout"


def _switched_on(name: str) -> bool:
    return str(getattr(settings, name, "") or "").lower() in ("1", "true", "yes", "on")


def _splits_on(provider: str) -> bool:
    """Splits are reconciled where we split through the provider: WeChat Pay as a service provider
    (``WECHATPAY_PARTNER_MODE``, the only mode with a profit-sharing bill), Alipay in royalty mode
    (``ALIPAY_ROYALTY``: the owners' account statements)."""
    if split_hook() is None:
        return False
    switch = {WECHAT_PAY: "WECHATPAY_PARTNER_MODE", ALIPAY: "ALIPAY_ROYALTY"}.get(provider)
    return switch is not None and _switched_on(switch)


# How each provider's day is downloaded; the providers reconciled are those enabled among these.
SOURCES: dict[str, Callable[[date], Bill]] = {
    WECHAT_PAY: lambda day: wechat.bill(day, splits=_splits_on(WECHAT_PAY)),
    ALIPAY: lambda day: alipay.statement(day, royalty=_splits_on(ALIPAY)),
    STRIPE: stripe.balance_transactions,
}


def provider_name(identifier: str) -> str:
    """How staff know each provider with bills (whether or not it is enabled here)."""
    from bookings.payments.alipay import Alipay
    from bookings.payments.wechat_pay import WeChatPay

    names = {WECHAT_PAY: str(WeChatPay.name), ALIPAY: str(Alipay.name), STRIPE: "Stripe"}
    return names.get(identifier, identifier)


def _kinds(provider: str) -> list[str]:
    return [PAYMENT, REFUND, SPLIT] if _splits_on(provider) else [PAYMENT, REFUND]


def providers_reconciled() -> list[str]:
    """The enabled providers that have bills, in settings order."""
    from bookings.payments.base import providers_enabled

    return [identifier for identifier in providers_enabled() if identifier in SOURCES]


def _run_locked(provider: str, day: date, now) -> tuple[ReconciliationRun, bool]:
    """The day's run, locked; created (not saved twice) when it is the first."""
    run = ReconciliationRun.objects.select_for_update().filter(provider=provider, day=day).first()
    if run is not None:
        run.attempts += 1
        return run, False
    try:
        with transaction.atomic():
            return (
                ReconciliationRun.objects.create(
                    provider=provider,
                    day=day,
                    state=ReconciliationRun.State.FAILED,
                    message=_("进行中 In progress"),
                    started_at=now,
                    finished_at=now,
                ),
                True,
            )
    except IntegrityError:  # another run of the same day created it meanwhile
        run = ReconciliationRun.objects.select_for_update().get(provider=provider, day=day)
        run.attempts += 1
        return run, False


def _mismatches_save(run: ReconciliationRun, found: list[Found]) -> None:
    existing = {(row.line, row.reference): row for row in run.mismatch_lines.all()}
    keep: set[int] = set()
    for item in found:
        facts = {
            "kind": item.kind,
            "provider_reference": item.provider_reference[:255],
            "booking_reference": item.booking_reference,
            "bill_amount": item.bill_amount,
            "our_amount": item.our_amount,
            "currency": item.currency[:3],
        }
        row = existing.get((item.line, item.reference[:255]))
        if row is None:
            row = Mismatch.objects.create(run=run, line=item.line, reference=item.reference[:255], **facts)
        else:
            changed = any(
                getattr(row, name) != value for name, value in facts.items() if name != "booking_reference"
            )
            for name, value in facts.items():
                setattr(row, name, value)
            if changed:
                row.resolved_at, row.resolved_by, row.resolution_note = None, None, ""
            row.save()
        keep.add(row.pk)
    run.mismatch_lines.exclude(pk__in=keep).filter(resolved_at__isnull=True).delete()


def _found_elsewhere(run: ReconciliationRun, outcome: Outcome, now) -> None:
    """Records of ours this bill lists that an earlier day's run missed: resolved, with a note."""
    note = _("出现在 %(day)s 的账单中 Found in the bill of %(day)s") % {"day": run.day.isoformat()}
    for line, references in outcome.matched_references.items():
        if references:
            Mismatch.objects.filter(
                run__provider=run.provider,
                kind=Mismatch.Kind.MISSING_THERE,
                line=line,
                reference__in=references,
                resolved_at__isnull=True,
            ).exclude(run=run).update(resolved_at=now, resolution_note=note, updated_at=now)


def reconciliation_run(*, provider: str, day: date) -> ReconciliationRun:
    """Reconcile one provider's Beijing day; safe to run again (updates the day's run)."""
    if provider not in SOURCES:
        raise ValueError(f"{provider} has no bills to reconcile")
    started = timezone.now()
    start, end = day_bounds(day)
    try:
        bill = SOURCES[provider](day)
    except BillUnavailable as error:
        logger.warning("Reconciliation of %s on %s failed: %s", provider, day, error.message)
        with transaction.atomic():
            run, _created = _run_locked(provider, day, started)
            run.state = ReconciliationRun.State.FAILED
            run.message = error.message[:MESSAGE_LENGTH]
            run.finished_at = timezone.now()
            if run.mismatches and not _created:  # an earlier run's findings stand until the bill reads
                run.message = (_("上次结果仍有效 Earlier findings stand: ") + run.message)[:MESSAGE_LENGTH]
            run.save()
            return run
    outcome = bill_match(provider=provider, start=start, end=end, lines=bill.lines, kinds=_kinds(provider))
    with transaction.atomic():
        run, _created = _run_locked(provider, day, started)
        _mismatches_save(run, outcome.found)
        _found_elsewhere(run, outcome, timezone.now())
        run.lines, run.matched, run.mismatches = outcome.lines, outcome.matched, len(outcome.found)
        run.state = ReconciliationRun.State.MISMATCHED if outcome.found else ReconciliationRun.State.MATCHED
        run.message = (
            _("另有 %(count)s 行与本平台无关(提现、手续费等) %(count)s other lines (payouts, fees)")
            % {"count": bill.ignored}
            if bill.ignored
            else ""
        )
        run.bill_paid, run.bill_refunded, run.bill_split = (
            bill.total(PAYMENT),
            bill.total(REFUND),
            bill.total(SPLIT),
        )
        run.ours_paid = outcome.ours.get(PAYMENT, ZERO)
        run.ours_refunded = outcome.ours.get(REFUND, ZERO)
        run.ours_split = outcome.ours.get(SPLIT, ZERO)
        run.started_at, run.finished_at = started, timezone.now()
        run.save()
    logger.info("Reconciled %s on %s: %s lines, %s mismatches", provider, day, run.lines, run.mismatches)
    return run


class ResolveRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def mismatch_resolve(*, mismatch: Mismatch, by: User, note: str) -> Mismatch:
    """Staff looked into a mismatch and say what they did. Resolving it again changes nothing."""
    note = note.strip()
    if not note:
        raise ResolveRefused(_("请写明如何处理 Say what was done about it"))
    mismatch = Mismatch.objects.select_for_update().get(pk=mismatch.pk)
    if mismatch.resolved_at is not None:
        return mismatch
    mismatch.resolved_at = timezone.now()
    mismatch.resolved_by = by
    mismatch.resolution_note = note[:NOTE_LENGTH]
    mismatch.save(update_fields=["resolved_at", "resolved_by", "resolution_note", "updated_at"])
    return mismatch
