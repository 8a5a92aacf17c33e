"""On a 360 px phone's own browser: a tourist orders 红枣, chooses to pay online, pays by Alipay at the
fake cashier (tests/e2e/fake_cashier.py: the signed mobile-web-pay address, the signed notification
posted to the live site, the browser sent back) and sees the order paid; the producer's console shows it
paid."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from shop.models import Order

from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in
from .test_online_payment import ANDROID, alipay_cashier, alipay_on  # noqa: F401 (fixtures)
from .test_shop import PRODUCER, PRODUCER_PASSWORD, TOURIST, TOURIST_PASSWORD, tourist


def test_a_tourist_pays_a_shop_order_by_alipay_on_a_phone(open_page, alipay_on, shot):  # noqa: F811
    fake, gateway, notified = alipay_on
    call_command("seed_shop", verbosity=0)
    buyer = tourist()
    page = open_page(ANDROID)
    page.context.route(
        re.compile(rf"^{gateway.scheme}://{re.escape(gateway.netloc)}/"), lambda r: r.continue_()
    )
    sign_in(page, TOURIST, TOURIST_PASSWORD)
    page.goto("/shop/?village=caijiazhuang")
    page.get_by_role("link", name="红枣", exact=True).click()
    page.get_by_label("数量").fill("2")
    page.get_by_role("button", name="加入购物车").click()
    page.get_by_role("link", name="去结算").click()
    page.get_by_label("到村自提(取货时付款)").check()
    page.get_by_label("在线支付(30分钟内付款)").check()
    assert_fits_phone(page)
    page.get_by_role("button", name="提交订单").click()
    expect(page.get_by_text("待在线付款")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "shop-order-to-pay")
    page.get_by_role("button", name=re.compile("支付宝")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("支付宝 收银台")
    [trade] = fake.trades.values()
    assert trade["method"] == "alipay.trade.wap.pay"
    order = Order.objects.get(user=buyer)
    assert trade["total_amount"] == f"{order.total:.2f}"
    page.get_by_role("button", name="确认付款").click()

    expect(page.get_by_text("已付款", exact=True)).to_be_visible()
    assert notified == [(200, "success")]
    assert_fits_phone(page)
    shot(page, "shop-order-paid")
    order.refresh_from_db()
    assert order.is_paid

    producer_page = open_page(PHONE)
    sign_in(producer_page, PRODUCER, PRODUCER_PASSWORD)
    producer_page.goto("/producer/")
    expect(producer_page.get_by_text("已收款").first).to_be_visible()
    assert page.js_errors == []
