"""The shop's pages and the producer console: what a tourist and a producer see and may do."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from bookings.ledger import Account, LedgerEntry
from shop.models import Order, Product
from shop.services import Actor, order_act, orders_place
from shop.transitions import PRODUCER
from tests import factories
from tests.shop import factories as shop
from villages.roles import GROUP_STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return factories.user()


@pytest.fixture
def dates(seller):
    producer = shop.producer(users=[seller], name_zh_hans="枣林红枣合作社")
    return shop.product(producer=producer, name_zh_hans="红枣", price=Decimal("30.00"), stock=5)


def staff_user():
    user = factories.user()
    user.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    return user


def test_a_tourist_fills_the_cart_and_orders_for_pickup(client, dates):
    assert "红枣" in client.get("/shop/").content.decode()
    client.post(f"/shop/products/{dates.pk}/", {"quantity": "2"})
    assert "¥60.00" in client.get("/shop/cart/").content.decode()
    assert client.get("/shop/checkout/").status_code == 302  # sign in first; the cart stays

    buyer = factories.user()
    client.force_login(buyer)
    response = client.post("/shop/checkout/", {"fulfilment": "pickup"})

    order = Order.objects.get(user=buyer)
    assert response.url == f"/shop/orders/{order.reference}/"
    page = client.get(response.url).content.decode()
    assert "已下单" in page and "¥60.00" in page
    assert order.reference in client.get("/shop/orders/").content.decode()
    assert Product.objects.get(pk=dates.pk).stock == 3


def test_checkout_explains_what_is_wrong_and_orders_nothing(client, dates):
    client.force_login(factories.user())
    client.post(f"/shop/products/{dates.pk}/", {"quantity": "1"})
    response = client.post("/shop/checkout/", {"fulfilment": "delivery", "recipient": "李四"})
    assert response.status_code == 422
    assert "快递需要收货人和地址" in response.content.decode()
    assert not Order.objects.exists()


def test_checkout_offers_only_the_buyers_own_upcoming_stays(client, dates):
    buyer = factories.user()
    mine = shop.stay(user=buyer)
    theirs = shop.stay(user=factories.user())
    client.force_login(buyer)
    client.post(f"/shop/products/{dates.pk}/", {"quantity": "1"})
    page = client.get("/shop/checkout/").content.decode()
    assert f'value="{mine.pk}"' in page and f'value="{theirs.pk}"' not in page


def test_a_buyer_cancels_a_placed_order_from_its_page(client, dates):
    buyer = factories.user()
    [order] = orders_place(user=buyer, items={dates.pk: 1}, fulfilment="pickup")
    client.force_login(buyer)
    client.post(f"/shop/orders/{order.reference}/")
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_another_persons_order_page_is_not_found(client, dates):
    [order] = orders_place(user=factories.user(), items={dates.pk: 1}, fulfilment="pickup")
    client.force_login(factories.user())
    assert client.get(f"/shop/orders/{order.reference}/").status_code == 404


def test_the_producer_packs_readies_records_payment_and_completes(client, seller, dates):
    [order] = orders_place(user=factories.user(), items={dates.pk: 2}, fulfilment="pickup")
    client.force_login(seller)
    assert order.reference in client.get("/producer/").content.decode()
    for action in ("pack", "ready", "pay", "complete"):
        client.post(f"/producer/orders/{order.reference}/", {"action": action})
    assert Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED
    earnings = client.get("/producer/earnings/").content.decode()
    assert "¥51.00" in earnings  # ¥60 less the group's 15 %


def test_the_producer_ships_with_a_tracking_number(client, seller, dates):
    [order] = orders_place(
        user=factories.user(),
        items={dates.pk: 1},
        fulfilment="delivery",
        recipient="李四",
        phone="13800138000",
        address="永宁路1号",
    )
    client.force_login(seller)
    client.post(f"/producer/orders/{order.reference}/", {"action": "pack"})
    refused = client.post(f"/producer/orders/{order.reference}/", {"action": "ship"}, follow=True)
    assert "请填写快递单号" in refused.content.decode()
    client.post(f"/producer/orders/{order.reference}/", {"action": "ship", "tracking_number": "SF123"})
    assert Order.objects.get(pk=order.pk).tracking_number == "SF123"


def test_a_producer_never_sees_another_producers_orders(client, dates):
    [order] = orders_place(user=factories.user(), items={dates.pk: 1}, fulfilment="pickup")
    stranger = factories.user()
    shop.producer(users=[stranger])
    client.force_login(stranger)
    assert order.reference not in client.get("/producer/?show=all").content.decode()
    assert client.get(f"/producer/orders/{order.reference}/").status_code == 404
    assert client.post(f"/producer/orders/{order.reference}/", {"action": "pack"}).status_code == 404
    assert Order.objects.get(pk=order.pk).status == Order.Status.PLACED


def test_people_who_run_no_producer_are_refused_the_console(client):
    client.force_login(factories.user())
    for path in ("/producer/", "/producer/products/", "/producer/earnings/", "/shop/report/"):
        assert client.get(path).status_code == 403


def test_the_producer_edits_stock_and_cannot_make_it_negative(client, seller, dates):
    client.force_login(seller)
    client.post("/producer/products/", {"product": dates.pk, "stock": "12", "price": "32.50", "active": "on"})
    assert (Product.objects.get(pk=dates.pk).stock, Product.objects.get(pk=dates.pk).price) == (
        12,
        Decimal("32.50"),
    )
    refused = client.post(
        "/producer/products/", {"product": dates.pk, "stock": "-3", "active": "on"}, follow=True
    )
    assert "库存不能为负数" in refused.content.decode()
    other = shop.product()
    assert client.post("/producer/products/", {"product": other.pk, "stock": "0"}).status_code == 404


def test_staff_see_every_producer_and_the_report(client, seller, dates):
    [order] = orders_place(user=factories.user(), items={dates.pk: 2}, fulfilment="pickup")
    for action in ("pack", "ready", "pay", "complete"):
        order_act(order=order, action=action, actor=Actor(PRODUCER, seller))
    client.force_login(staff_user())
    assert client.get(f"/producer/orders/{order.reference}/").status_code == 200
    report = client.get("/shop/report/").content.decode()
    assert "枣林红枣合作社" in report and "¥60.00" in report and "¥9.00" in report
    assert LedgerEntry.objects.filter(account=Account.PRODUCER_PAYABLE).count() == 1


@pytest.mark.parametrize("price", ["NaN", "abc", "Infinity"])
def test_a_price_that_is_not_a_number_is_refused_and_nothing_changes(client, seller, dates, price):
    client.force_login(seller)
    refused = client.post(
        "/producer/products/", {"product": dates.pk, "stock": "9", "price": price}, follow=True
    )
    assert "价格格式不正确" in refused.content.decode()
    assert (Product.objects.get(pk=dates.pk).stock, Product.objects.get(pk=dates.pk).price) == (
        5,
        Decimal("30.00"),
    )
