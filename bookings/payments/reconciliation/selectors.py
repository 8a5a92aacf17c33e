"""Reads for the group's reconciliation pages and the attention queue."""

from django.db.models import Count, F, Q, QuerySet

from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun

RUNS_SHOWN = 90


def reconciliation_runs(*, provider: str = "") -> QuerySet[ReconciliationRun]:
    """The latest runs, newest day first, each with how many of its mismatches are still open."""
    runs = ReconciliationRun.objects.annotate(
        open=Count("mismatch_lines", filter=Q(mismatch_lines__resolved_at__isnull=True))
    ).order_by("-day", "provider")
    if provider:
        runs = runs.filter(provider=provider)
    return runs[:RUNS_SHOWN]


def run_mismatches(*, run: ReconciliationRun) -> QuerySet[Mismatch]:
    """Open ones first, then by kind of line and reference."""
    return run.mismatch_lines.select_related("resolved_by").order_by(
        F("resolved_at").desc(nulls_first=True), "line", "kind", "reference"
    )


def mismatches_open() -> QuerySet[Mismatch]:
    return Mismatch.objects.filter(resolved_at__isnull=True)


def runs_failed() -> QuerySet[ReconciliationRun]:
    return ReconciliationRun.objects.filter(state=ReconciliationRun.State.FAILED)
