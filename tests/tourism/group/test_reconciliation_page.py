"""The group's reconciliation pages: the runs, a run's mismatches, staff resolving one with a note; and
the attention queue pointing at them. On a 360 px phone the lists are single columns (group.css)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(db):
    now = timezone.now()
    run = ReconciliationRun.objects.create(
        provider="wechat_pay",
        day=date(2026, 8, 31),
        state=ReconciliationRun.State.MISMATCHED,
        lines=3,
        matched=2,
        mismatches=1,
        bill_paid=Decimal("600.00"),
        ours_paid=Decimal("400.00"),
        started_at=now,
        finished_at=now,
    )
    Mismatch.objects.create(
        run=run,
        kind=Mismatch.Kind.MISSING_HERE,
        line="payment",
        reference="stranger-order",
        provider_reference="4200000000000000000000099999",
        bill_amount=Decimal("200.00"),
    )
    return run


def test_staff_see_the_runs_with_their_mismatches(staff_client, run):
    page = staff_client.get("/group/reconciliation/").text
    assert "2026-08-31" in page and "微信支付" in page and "有差异" in page
    assert "¥600.00" in page and "¥400.00" in page
    assert reverse("group:reconciliation_run", args=[run.pk]) in page


def test_the_runs_can_be_filtered_by_provider_and_an_unknown_one_shows_all(staff_client, run):
    assert "2026-08-31" not in staff_client.get("/group/reconciliation/?provider=alipay").text
    assert "2026-08-31" in staff_client.get("/group/reconciliation/?provider=nonsense").text


def test_a_run_page_lists_its_mismatches_with_both_amounts(staff_client, run):
    page = staff_client.get(f"/group/reconciliation/{run.pk}/").text
    assert "本平台没有" in page and "stranger-order" in page and "¥200.00" in page
    assert "4200000000000000000000099999" in page
    assert 'name="note"' in page


def test_staff_resolve_a_mismatch_with_a_note(staff_client, staff, run):
    mismatch = run.mismatch_lines.get()
    response = staff_client.post(
        f"/group/reconciliation/mismatches/{mismatch.pk}/resolve/", {"note": "商户平台核实:测试订单"}
    )
    assert response.status_code == 302
    mismatch.refresh_from_db()
    assert mismatch.resolved and mismatch.resolved_by == staff
    assert mismatch.resolution_note == "商户平台核实:测试订单"
    page = staff_client.get(response["Location"]).text
    assert "已处理" in page and "商户平台核实:测试订单" in page


def test_resolving_without_a_note_is_refused_and_changes_nothing(staff_client, run):
    mismatch = run.mismatch_lines.get()
    response = staff_client.post(f"/group/reconciliation/mismatches/{mismatch.pk}/resolve/", {"note": "   "})
    assert response.status_code == 400
    assert "处理说明" in response.text
    mismatch.refresh_from_db()
    assert not mismatch.resolved


def test_resolving_twice_keeps_the_first_note(staff_client, run):
    mismatch = run.mismatch_lines.get()
    url = f"/group/reconciliation/mismatches/{mismatch.pk}/resolve/"
    staff_client.post(url, {"note": "first"})
    staff_client.post(url, {"note": "second"})
    mismatch.refresh_from_db()
    assert mismatch.resolution_note == "first"


def test_an_unknown_mismatch_or_run_is_404(staff_client, run):
    assert staff_client.get("/group/reconciliation/999999/").status_code == 404
    assert (
        staff_client.post("/group/reconciliation/mismatches/999999/resolve/", {"note": "x"}).status_code
        == 404
    )


def test_owners_and_tourists_cannot_see_or_resolve(client, run):
    client.force_login(factories.user())
    assert client.get("/group/reconciliation/").status_code == 403
    mismatch = run.mismatch_lines.get()
    assert (
        client.post(f"/group/reconciliation/mismatches/{mismatch.pk}/resolve/", {"note": "x"}).status_code
        == 403
    )
    mismatch.refresh_from_db()
    assert not mismatch.resolved


def test_the_attention_queue_lists_open_mismatches_and_failed_days_and_links_to_the_page(staff_client, run):
    now = timezone.now()
    failed = ReconciliationRun.objects.create(
        provider="alipay",
        day=date(2026, 8, 31),
        state=ReconciliationRun.State.FAILED,
        message="Alipay bill: 40004 isp.bill_not_exist",
        started_at=now,
        finished_at=now,
    )
    page = staff_client.get("/group/attention/").text
    mismatch = run.mismatch_lines.get()
    assert "对账差异" in page and "stranger-order" in page
    assert f"{reverse('group:reconciliation_run', args=[run.pk])}#mismatch-{mismatch.pk}" in page
    assert "对账未完成" in page and reverse("group:reconciliation_run", args=[failed.pk]) in page
    assert reverse("group:reconciliation") in page
    staff_client.post(f"/group/reconciliation/mismatches/{mismatch.pk}/resolve/", {"note": "ok"})
    queue = staff_client.get("/group/attention/").context["queue"]
    assert {count.kind: count.count for count in queue.counts}["reconciliation_mismatch"] == 0
