"""On a phone, the group's staff record the two shop forms only they post: a completed order brought back
(退货: the reason, the goods back into stock, the sale turned around in the ledger) from the producer
console's order page, and a payout to a producer (/shop/payouts/) of what the ledger says is owed. Both
forms are posted by a real browser (CSRF, the 360 px layout)."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from bookings.ledger import Account, LedgerEntry
from shop.models import Order, ProducerPayout, Product
from tests import factories
from tests.shop.helpers import delivered_and_completed

from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in

STAFF = "staff@demo.lishi-tourism.cn"
PASSWORD = "lishi-demo-2026"


def test_staff_record_a_return_and_a_producer_payout_on_a_phone(open_page, shot):
    call_command("seed_shop", verbosity=0)
    dates = Product.objects.get(name_zh_hans="红枣")
    juice = Product.objects.get(name_zh_hans="沙棘汁")
    buyer = factories.user()
    returned = delivered_and_completed(buyer=buyer, seller=dates.producer.users.get(), items={dates.pk: 2})
    kept = delivered_and_completed(buyer=buyer, seller=juice.producer.users.get(), items={juice.pk: 1})
    stock_before = Product.objects.get(pk=dates.pk).stock
    assert get_user_model().objects.filter(email=STAFF).exists()

    staff = open_page(PHONE)
    sign_in(staff, STAFF, PASSWORD)
    staff.goto(f"/producer/orders/{returned.reference}/")
    assert_fits_phone(staff)
    staff.get_by_label("退货原因").fill("红枣受潮")
    staff.get_by_role("button", name="登记退货并退款").click()
    expect(staff.get_by_text("货物已重新入库")).to_be_visible()
    shot(staff, "shop-staff-return")

    order = Order.objects.get(pk=returned.pk)
    assert (order.status, order.return_reason, order.goods_back) == ("returned", "红枣受潮", True)
    assert Product.objects.get(pk=dates.pk).stock == stock_before + 2
    owed_dates = LedgerEntry.objects.filter(
        source=returned.source_reference, account=Account.PRODUCER_PAYABLE
    )
    assert sum(entry.amount for entry in owed_dates) == 0  # nothing owed for goods that came back

    staff.goto("/shop/payouts/")
    assert_fits_phone(staff)
    form = staff.locator("form.shop-payout").filter(has=staff.locator(f"input[value='{juice.producer.pk}']"))
    form.get_by_label("备注").fill("银行转账")
    form.get_by_role("button", name="登记付款").click()
    expect(staff.locator(".shop-payouts")).to_contain_text(juice.producer.name)
    shot(staff, "shop-staff-payout")

    [payout] = ProducerPayout.objects.all()
    owed_juice = LedgerEntry.objects.filter(source=kept.source_reference, account=Account.PRODUCER_PAYABLE)
    assert payout.producer_id == juice.producer_id and payout.amount == -sum(e.amount for e in owed_juice)
    assert payout.note == "银行转账"
    assert (
        not staff.locator("form.shop-payout")
        .filter(has=staff.locator(f"input[value='{juice.producer.pk}']"))
        .count()
    )
