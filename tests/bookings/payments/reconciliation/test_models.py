"""The database keeps reconciliation to one run per provider and day and one mismatch per reference in
a run, whatever the code does; a mismatch is resolved only with a note."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun

pytestmark = pytest.mark.django_db


def run(**fields) -> ReconciliationRun:
    now = timezone.now()
    values = {
        "provider": "alipay",
        "day": date(2026, 8, 31),
        "state": "matched",
        "started_at": now,
        "finished_at": now,
    }
    return ReconciliationRun.objects.create(**(values | fields))


def test_a_second_run_of_the_same_provider_and_day_is_refused():
    run()
    with pytest.raises(IntegrityError), transaction.atomic():
        run()
    run(provider="wechat_pay")
    run(day=date(2026, 8, 30))
    assert ReconciliationRun.objects.count() == 3


def test_a_mismatch_is_recorded_once_per_line_and_reference_in_a_run():
    day = run(state="mismatched", mismatches=1)
    Mismatch.objects.create(run=day, kind="amount", line="payment", reference="P1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Mismatch.objects.create(run=day, kind="status", line="payment", reference="P1")
    Mismatch.objects.create(run=day, kind="amount", line="refund", reference="P1")


def test_a_run_with_mismatches_says_how_many_and_matched_never_exceeds_the_lines():
    with pytest.raises(IntegrityError), transaction.atomic():
        run(state="mismatched", mismatches=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        run(lines=1, matched=2)


def test_a_mismatch_is_resolved_only_with_a_note():
    day = run(state="mismatched", mismatches=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mismatch.objects.create(
            run=day, kind="amount", line="payment", reference="P1", resolved_at=timezone.now()
        )
