"""A village's dividend statement: what the collective is owed, from which bookings, what was paid."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.ledger import LedgerEntry
from bookings.payments.services import payment_start, payment_succeeded, refunds_send_due
from bookings.revenue.models import DividendPayout
from bookings.services import bookings_expire_due
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.payments.conftest import CANCEL_URL, SUCCESS_URL
from tests.bookings.revenue.helpers import paid_online, rule

pytestmark = pytest.mark.django_db
PERIOD = "start=2026-09-01&end=2026-09-08"
STATEMENT = f"/group/villages/yancun/statement/?{PERIOD}"
PAYOUTS = f"/group/villages/yancun/payouts/?{PERIOD}"


@pytest.fixture
def booked(db, clock):
    """A stay from 8 to 10 September (¥20 owed to the collective); the clock then moves to the 9th, so
    the period of 1 to 8 September is over and can be paid."""
    village = factories.village(slug="yancun", name_zh_hans="严村")
    room_type = factories.room_type(room_count=2, homestay=factories.homestay(village=village))
    rule(village, "0.10", "0.05")
    booking = paid_online(room_type, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10))
    clock.set("2026-09-09 10:00")
    return booking


def test_the_statement_lists_the_bookings_and_what_is_owed(staff_client, booked):
    response = staff_client.get(STATEMENT)
    page = response.content.decode()
    assert "严村村集体分红结算单" in page
    assert booked.reference in page
    assert response.context["statement"].owed == Decimal("20.00")
    assert "¥20.00" in page


def test_the_statement_shows_the_rule_and_marks_demo_rates(staff_client, booked):
    rule_obj = booked.homestay.village.revenue_rules.get()
    rule_obj.is_demo = True
    rule_obj.save()
    page = staff_client.get(STATEMENT).content.decode()
    assert "10.00%" in page and "5.00%" in page and "85.00%" in page
    assert "演示数据" in page


def test_the_statement_is_printable(staff_client, booked):
    page = staff_client.get(STATEMENT).content.decode()
    assert 'id="print-statement"' in page
    assert '<script nonce="' in page
    assert "group-no-print" in page


def test_staff_record_a_payout_as_a_ledger_entry(staff_client, staff, booked):
    response = staff_client.post(PAYOUTS, {"amount": "12.50", "paid_on": "2026-09-01", "reference": "TR-9"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/group/villages/yancun/statement/?preset=custom&start=2026-09-01&end=2026-09-08"
    )
    payout = DividendPayout.objects.get()
    assert (payout.amount, payout.period_start, payout.period_end, payout.recorded_by) == (
        Decimal("12.50"),
        date(2026, 9, 1),
        date(2026, 9, 8),
        staff,
    )
    entries = {entry.account: entry.amount for entry in LedgerEntry.objects.filter(payout=payout)}
    assert entries == {"village_collective": Decimal("12.50"), "cash_provider": Decimal("-12.50")}


def test_a_recorded_payout_shows_on_the_statement(staff_client, booked):
    staff_client.post(PAYOUTS, {"amount": "12.50", "paid_on": "2026-09-01", "reference": "TR-9"})
    response = staff_client.get(STATEMENT)
    statement = response.context["statement"]
    assert (statement.paid, statement.outstanding) == (Decimal("12.50"), Decimal("7.50"))
    assert "TR-9" in response.content.decode()


def test_paying_more_than_is_owed_is_refused(staff_client, booked):
    response = staff_client.post(PAYOUTS, {"amount": "20.01", "paid_on": "2026-09-01"})
    assert response.status_code == 400
    assert "超过本期未付金额" in response.content.decode()
    assert not DividendPayout.objects.exists()


def test_the_same_payout_recorded_twice_is_refused_the_second_time(staff_client, booked):
    staff_client.post(PAYOUTS, {"amount": "20.00", "paid_on": "2026-09-01"})
    assert staff_client.post(PAYOUTS, {"amount": "20.00", "paid_on": "2026-09-01"}).status_code == 400
    assert DividendPayout.objects.count() == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"amount": "0", "paid_on": "2026-09-01"}, "确保该值大于或等于"),
        ({"amount": "abc", "paid_on": "2026-09-01"}, "输入一个数字"),
        ({"amount": "5.00", "paid_on": "2026-09-10"}, "付款日期不能在未来"),
        ({"amount": "5.00"}, "这个字段是必填项"),
    ],
)
def test_a_bad_payout_is_explained(staff_client, booked, data, message):
    response = staff_client.post(PAYOUTS, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DividendPayout.objects.exists()


def test_a_payout_can_only_be_posted(staff_client, booked):
    assert staff_client.get(PAYOUTS).status_code == 405


def test_an_unknown_village_is_not_found(staff_client, booked):
    assert staff_client.get("/group/villages/nowhere/statement/").status_code == 404
    assert staff_client.post("/group/villages/nowhere/payouts/", {"amount": "1"}).status_code == 404


def test_a_payout_for_another_period_is_not_counted_here(staff_client, booked):
    staff_client.post(PAYOUTS, {"amount": "20.00", "paid_on": "2026-09-01"})
    october = staff_client.get("/group/villages/yancun/statement/?start=2026-10-01&end=2026-10-31")
    assert october.context["statement"].paid == 0
    assert october.context["statement"].outstanding_to_date == 0


def test_a_period_not_over_yet_cannot_be_paid(staff_client, booked):
    url = "/group/villages/yancun/payouts/?start=2026-09-01&end=2026-09-09"
    response = staff_client.post(url, {"amount": "5.00", "paid_on": "2026-09-01"})
    assert response.status_code == 400
    assert "结算期结束后才能登记支付" in response.content.decode()
    assert not DividendPayout.objects.exists()


def test_a_statement_of_a_running_period_shows_no_payout_form(staff_client, booked):
    page = staff_client.get(
        "/group/villages/yancun/statement/?start=2026-09-01&end=2026-09-30"
    ).content.decode()
    assert "/payouts/" not in page
    assert "结算期结束后才能登记支付" in page


def test_a_period_paid_before_a_late_expiry_shows_the_overpayment(staff_client, staff, clock):
    """A paid request arriving on 2 September waits for the owner until 3 September 01:00; the period
    of 1-2 September is paid meanwhile, then the request expires and is refunded."""
    village = factories.village(slug="yancun")
    rule(village, "0.10", "0.05")
    room_type = factories.room_type(homestay=factories.homestay(village=village, instant_book=False))
    booking = hold(room_type, check_in=date(2026, 9, 2), check_out=date(2026, 9, 3))
    payment = payment_start(booking=booking, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    clock.set("2026-09-02 01:00")
    payment_succeeded(payment=payment)  # late, but the rooms are still free
    clock.set("2026-09-03 00:30")
    staff_client.force_login(staff)
    url = "/group/villages/yancun/payouts/?start=2026-09-01&end=2026-09-02"
    assert staff_client.post(url, {"amount": "10.00", "paid_on": "2026-09-03"}).status_code == 302
    clock.set("2026-09-03 02:00")
    bookings_expire_due()
    refunds_send_due()
    response = staff_client.get("/group/villages/yancun/statement/?start=2026-09-01&end=2026-09-02")
    assert response.context["statement"].overpaid == Decimal("10.00")
    assert "本期多付" in response.content.decode()


def test_the_payout_form_offers_what_is_left_paid_today(staff_client, booked):
    page = staff_client.get(STATEMENT).content.decode()
    assert 'name="amount" value="20.00"' in page
    assert 'name="paid_on" value="2026-09-09"' in page
