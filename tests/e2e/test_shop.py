"""On phones: a tourist buys 红枣 for pickup in the village, the producer packs it, marks it ready, records
the cash and completes it; the tourist sees each step. A second producer ships a delivery order with its
tracking number. Every form is posted by a real browser (CSRF, the 360 px layout)."""

import re

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from bookings.ledger import Account, LedgerEntry
from shop.models import Order, Product
from shop.services import orders_place
from tests import factories

from .conftest import PHONE
from .helpers import assert_fits_phone, sign_in

PRODUCER = "producer@demo.lishi-tourism.cn"
PRODUCER_PASSWORD = "lishi-demo-2026"
TOURIST, TOURIST_PASSWORD = "lihua@example.cn", "zaolin-2026-pass"


def tourist():
    user = get_user_model().objects.create_user("lihua", TOURIST, TOURIST_PASSWORD)
    EmailAddress.objects.create(user=user, email=TOURIST, verified=True, primary=True)
    return user


def test_a_tourist_buys_dates_for_pickup_and_the_producer_hands_them_over(phone, open_page, shot):
    call_command("seed_shop", verbosity=0)
    buyer = tourist()
    page = phone
    sign_in(page, TOURIST, TOURIST_PASSWORD)
    page.goto("/shop/?village=caijiazhuang")
    assert_fits_phone(page)
    page.get_by_role("link", name="红枣", exact=True).click()
    page.get_by_label("数量").fill("2")
    page.get_by_role("button", name="加入购物车").click()
    expect(page.get_by_text("¥50.00").first).to_be_visible()
    page.get_by_role("link", name="去结算").click()
    assert_fits_phone(page)
    page.get_by_label("到村自提(取货时付款)").check()
    page.get_by_role("button", name="提交订单").click()
    expect(page.get_by_text("已下单")).to_be_visible()
    order = Order.objects.get(user=buyer)
    assert_fits_phone(page)
    shot(page, "shop-order-placed")

    producer_page = open_page(PHONE)  # the producer's own phone
    sign_in(producer_page, PRODUCER, PRODUCER_PASSWORD)
    producer_page.goto("/producer/")
    producer_page.get_by_role("link", name=order.reference).click()
    assert_fits_phone(producer_page)
    for button in ("已打包", "可以取货了", re.compile("^已收款"), "已交货,完成订单"):
        producer_page.get_by_role("button", name=button).click()
        producer_page.wait_for_load_state("load")
    expect(producer_page.locator("h1 [data-status]")).to_contain_text("已完成")
    shot(producer_page, "shop-producer-completed")

    page.reload()
    expect(page.get_by_text("已完成")).to_be_visible()
    assert Product.objects.get(name_zh_hans="红枣").stock == 198
    # ¥50 of dates less the group's 15 % margin is owed to the cooperative.
    payable = LedgerEntry.objects.get(source=f"shop_order:{order.pk}", account=Account.PRODUCER_PAYABLE)
    assert str(payable.amount) == "-42.50"


def test_the_producer_ships_a_delivery_order_with_its_tracking_number(open_page):
    call_command("seed_shop", verbosity=0)
    juice = Product.objects.get(name_zh_hans="沙棘汁")
    [order] = orders_place(
        user=tourist(),
        items={juice.pk: 1},
        fulfilment="delivery",
        recipient="李华",
        phone="13812345678",
        address="山西省吕梁市离石区永宁中路1号",
    )
    page = open_page(PHONE)
    sign_in(page, PRODUCER, PRODUCER_PASSWORD)
    page.goto(f"/producer/orders/{order.reference}/")
    page.get_by_role("button", name="已打包").click()
    page.get_by_label("快递单号").fill("SF1234567890")
    page.get_by_role("button", name="发货").click()
    expect(page.locator("h1 [data-status]")).to_contain_text("已发货")
    assert_fits_phone(page)
    assert Order.objects.get(pk=order.pk).tracking_number == "SF1234567890"


def test_the_producer_puts_a_phone_photo_on_a_product(open_page, tmp_path):
    call_command("seed_shop", verbosity=0)
    juice = Product.objects.get(name_zh_hans="沙棘汁")
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(factories.image_bytes(size=(3000, 4000)))
    page = open_page(PHONE)
    sign_in(page, PRODUCER, PRODUCER_PASSWORD)
    page.goto("/producer/products/")
    assert_fits_phone(page)

    card = page.locator(f"#product-{juice.pk}")
    card.get_by_label("上传照片").set_input_files(photo)
    card.get_by_role("button", name="上传", exact=True).click()

    expect(page.get_by_text("照片已更新")).to_be_visible()
    expect(page.locator(f"#product-{juice.pk} img.shop-photo")).to_be_visible()
    assert_fits_phone(page)
    assert Product.objects.get(pk=juice.pk).photo
