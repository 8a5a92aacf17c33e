"""A member of the culture-tourism group (文旅集团) sees the revenue of a period, exports it, opens a
village collective's dividend statement, and finds flagged money in the "needs attention" queue."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.models import Booking
from bookings.payments.services import payment_mark_paid_at_homestay, refund_record_outside
from bookings.services import booking_cancel, booking_hold
from common.clock import local_today
from villages.models import RoomType

from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in

STAFF = "staff@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def _book(room: RoomType, user, first, nights: int) -> Booking:
    return booking_hold(
        room_type=room,
        check_in=first,
        check_out=first + timedelta(days=nights),
        guests=2,
        user=user,
        lead_guest_name="赵敏",
        lead_guest_phone="13712345678",
        payment=Booking.Payment.AT_HOMESTAY,
    )


def test_staff_sees_revenue_exports_it_and_opens_a_dividend_statement(laptop, open_page, shot):
    page = laptop
    first = local_today() + timedelta(days=10)
    room = RoomType.objects.get(homestay__slug="loess-cave-courtyard", name_zh_hans="窑洞大床房")
    tourist = get_user_model().objects.create_user("zhaomin", "zhaomin@example.cn", "jujube-2026-pass")
    paid = _book(room, tourist, first, 2)
    payment_mark_paid_at_homestay(booking=paid)
    cancelled = booking_cancel(booking=_book(room, tourist, first, 1), by="guest", reason="行程变了")

    sign_in(page, STAFF, PASSWORD)
    page.get_by_role("link", name="文旅集团").first.click()
    expect(page.get_by_role("heading", name="收益与分红")).to_be_visible()
    page.get_by_label("时段").select_option(label="自选日期")
    page.get_by_label("从", exact=True).fill(first.isoformat())
    page.get_by_label("到(含)").fill((first + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="查看").click()

    # Both bookings were sold (gross); only the paid one brought money in (net); one of two cancelled.
    gross = f"¥{paid.total + cancelled.total:,.2f}"
    expect(page.locator(".group-card", has_text="预订总额")).to_contain_text(gross)
    expect(page.locator(".group-card", has_text="净收入")).to_contain_text(f"¥{paid.total:,.2f}")
    expect(page.locator(".group-card", has_text="取消率")).to_contain_text("50")
    villages = page.locator("#table-villages")
    expect(villages.locator("tr", has_text="杜家山村")).to_contain_text(gross)
    shot(page, "dashboard")

    with page.expect_download() as download:
        villages.get_by_role("link", name="导出 CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    dujiashan = next(row for row in rows if row and row[0] == "杜家山村")
    assert f"{paid.total + cancelled.total:.2f}" in dujiashan

    villages.get_by_role("link", name="杜家山村").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("杜家山村")
    expect(page.get_by_text(re.compile(paid.reference)).first).to_be_visible()
    shot(page, "dividend-statement")

    # The same dashboard on a phone.
    phone = open_page(PHONE, cookies=page.context.cookies())
    phone.goto(page.url)
    assert_fits_phone(phone)
    shot(phone, "dividend-statement-phone")
    phone.get_by_role("link", name="分成规则").click()
    expect(phone.get_by_role("heading", name="分成规则")).to_be_visible()
    assert_fits_phone(phone)
    # The table is wider than the phone: it scrolls in its own box, by touch or from the keyboard.
    rules = phone.get_by_role("region", name="分成规则")
    rules.focus()
    phone.keyboard.press("ArrowRight")
    expect(rules).not_to_have_js_property("scrollLeft", 0)
    shot(phone, "revenue-rules-phone")

    # A refund made outside the platform is flagged: the phone's dashboard counts it, the queue shows it.
    refund_record_outside(payment=paid.payments.get(), amount=Decimal("50.00"), provider_reference="re_e2e")
    phone.goto("/group/")
    phone.get_by_role("link", name="待处理 1 项").click()
    item = phone.locator(".group-attention__item", has_text=paid.reference)
    expect(item).to_contain_text("退款需人工处理")
    expect(item).to_contain_text("¥50.00")
    expect(item.get_by_role("link", name="处理后取消“需人工处理”")).to_be_visible()
    assert "赵敏" not in phone.content() and "13712345678" not in phone.content()
    assert_fits_phone(phone)
    shot(phone, "attention-phone")
    assert page.js_errors == phone.js_errors == []
