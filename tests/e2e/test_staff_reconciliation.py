"""A member of the group's staff, on a phone in WeChat's browser, finds a reconciliation mismatch in the
"needs attention" queue, opens the day, and marks it resolved with a note."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from common.clock import local_today

from .helpers import assert_fits_phone, sign_in

STAFF = "staff@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def test_staff_resolve_a_mismatch_on_a_phone(phone, shot):
    now = timezone.now()
    run = ReconciliationRun.objects.create(
        provider="wechat_pay",
        day=local_today() - timedelta(days=1),
        state=ReconciliationRun.State.MISMATCHED,
        lines=2,
        matched=1,
        mismatches=1,
        bill_paid=Decimal("580.00"),
        ours_paid=Decimal("380.00"),
        started_at=now,
        finished_at=now,
    )
    mismatch = Mismatch.objects.create(
        run=run,
        kind=Mismatch.Kind.MISSING_HERE,
        line="payment",
        reference="TEST-ORDER-0001",
        provider_reference="4200000000000000000000012345",
        bill_amount=Decimal("200.00"),
    )

    sign_in(phone, STAFF, PASSWORD)
    phone.goto("/group/attention/")
    item = phone.locator(".group-attention__item", has_text="TEST-ORDER-0001")
    expect(item).to_contain_text("对账差异")
    item.get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        f"微信支付 WeChat Pay · {run.day.isoformat()}"
    )
    assert_fits_phone(phone)
    shot(phone, "reconciliation-day")

    form = phone.locator(f"#mismatch-{mismatch.pk}")
    form.get_by_role("button", name="标记为已处理").click()  # no note: the browser asks for one
    mismatch.refresh_from_db()
    assert not mismatch.resolved
    form.get_by_label("处理说明").fill("商户平台核实:内部测试订单,无需处理")
    form.get_by_role("button", name="标记为已处理").click()
    expect(phone.locator(f"#mismatch-{mismatch.pk}")).to_contain_text("内部测试订单")
    mismatch.refresh_from_db()
    assert mismatch.resolved and mismatch.resolution_note == "商户平台核实:内部测试订单,无需处理"
    shot(phone, "reconciliation-resolved")
