"""The shop's JSON API: products in public, orders for the signed-in buyer, through the same use cases."""

from decimal import Decimal

import pytest

from shop.models import Order, Product
from tests.bookings.test_api import App, verified_user
from tests.shop import factories as shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return App(verified_user())


@pytest.fixture
def dates():
    return shop.product(name_zh_hans="红枣", name_en="Red dates", price=Decimal("30.00"), stock=5)


def order_body(product, quantity=1, **fields) -> dict:
    return {"items": [{"product_id": product.pk, "quantity": quantity}], "fulfilment": "pickup", **fields}


def test_products_are_listed_in_both_languages_and_filtered_by_village(client, dates):
    other = shop.product()
    Product.objects.filter(pk=shop.product().pk).update(active=False)

    everything = client.get("/api/products").json()
    in_village = client.get("/api/products", {"village": dates.producer.village.slug}).json()

    assert {p["id"] for p in everything} == {dates.pk, other.pk}
    assert [(p["name"], p["price"], p["in_stock"]) for p in in_village] == [
        ({"zh": "红枣", "en": "Red dates"}, "30.00", 5)
    ]
    assert client.get(f"/api/products/{dates.pk}").status_code == 200
    assert client.get("/api/products/999999").status_code == 404


def test_a_buyer_places_lists_reads_and_cancels_an_order(buyer, dates):
    created = buyer.post("/api/orders", order_body(dates, 2))
    assert created.status_code == 201, created.content
    [order] = created.json()
    assert (order["status"], order["total"], order["paid"]) == ("placed", "60.00", False)

    assert [o["reference"] for o in buyer.get("/api/orders").json()] == [order["reference"]]
    assert buyer.get(f"/api/orders/{order['reference']}").status_code == 200
    cancelled = buyer.post(f"/api/orders/{order['reference']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert Product.objects.get(pk=dates.pk).stock == 5


def test_out_of_stock_is_409_and_orders_nothing(buyer, dates):
    response = buyer.post("/api/orders", order_body(dates, 6))
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["product_ids"]) == ("out_of_stock", [dates.pk])
    assert Order.objects.count() == 0


def test_delivery_without_an_address_is_422(buyer, dates):
    response = buyer.post("/api/orders", order_body(dates, fulfilment="delivery"))
    assert (response.status_code, response.json()["code"]) == (422, "address_missing")


@pytest.mark.parametrize("product_id", [0, 2**63])
def test_a_product_id_no_database_can_hold_is_422_and_orders_nothing(buyer, dates, product_id):
    body = {"items": [{"product_id": product_id, "quantity": 1}], "fulfilment": "pickup"}

    assert buyer.post("/api/orders", body).status_code == 422
    assert buyer.get(f"/api/products/{2**63}").status_code == 422
    assert Order.objects.count() == 0 and Product.objects.get(pk=dates.pk).stock == 5


@pytest.mark.parametrize("field", ["recipient", "phone", "address", "booking"])
def test_a_nul_character_in_the_order_is_422_and_orders_nothing(buyer, dates, field):
    """PostgreSQL can neither store nor compare a NUL character: refused before, never a 500."""
    body = order_body(
        dates, fulfilment="delivery", recipient="张三", phone="13800138000", address="离石区彩家庄1号"
    )
    response = buyer.post("/api/orders", {**body, field: "离石\x00区"})

    assert response.status_code == 422
    assert Order.objects.count() == 0 and Product.objects.get(pk=dates.pk).stock == 5


def test_another_buyers_order_is_not_found(buyer, dates):
    other = App(verified_user())
    [order] = other.post("/api/orders", order_body(dates)).json()
    assert buyer.get(f"/api/orders/{order['reference']}").status_code == 404
    assert buyer.post(f"/api/orders/{order['reference']}/cancel").status_code == 404


def test_a_retry_with_the_same_idempotency_key_orders_once(buyer, dates):
    first = buyer.post("/api/orders", order_body(dates), **{"Idempotency-Key": "cart-1"})
    again = buyer.post("/api/orders", order_body(dates), **{"Idempotency-Key": "cart-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Order.objects.count() == 1


def test_with_stay_names_the_buyers_stay_by_reference(buyer, dates):
    stay = shop.stay(user=buyer.user)
    response = buyer.post("/api/orders", order_body(dates, fulfilment="with_stay", booking=stay.reference))
    assert response.status_code == 201, response.content
    assert response.json()[0]["booking"] == stay.reference
    someone_elses = shop.stay(user=verified_user())
    refused = buyer.post(
        "/api/orders", order_body(dates, fulfilment="with_stay", booking=someone_elses.reference)
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "stay_invalid")


def test_ordering_needs_a_sign_in(client, dates):
    response = client.post("/api/orders", order_body(dates), content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/api/products", "/shop/"])
def test_a_village_that_cannot_be_a_slug_finds_nothing_rather_than_failing(client, dates, path):
    # A NUL byte, which PostgreSQL refuses in text (found by the API fuzz test on PostgreSQL).
    answer = client.get(path, {"village": "yan\x00cun"})
    assert answer.status_code == 200
    if path.startswith("/api/"):
        assert answer.json() == []
    else:
        assert "红枣" not in answer.content.decode()
