"""The cart: ``{product id: quantity}`` in the visitor's session, so a tourist can fill it before signing
in. Only ids and counts are kept; prices are read fresh, and the checkout (``shop.services``) decides."""

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest

from common.money import ZERO, quantize
from shop.models import Product
from shop.services import MAX_QUANTITY

SESSION_KEY = "shop_cart"


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def amount(self) -> Decimal:
        return quantize(self.product.price * self.quantity)

    @property
    def short(self) -> bool:
        return self.quantity > self.product.stock


def cart_items(request: HttpRequest) -> dict[int, int]:
    raw = request.session.get(SESSION_KEY) or {}
    items = {}
    for key, value in raw.items():
        try:
            product_id, quantity = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if 1 <= quantity <= MAX_QUANTITY:
            items[product_id] = quantity
    return items


def cart_save(request: HttpRequest, items: dict[int, int]) -> None:
    request.session[SESSION_KEY] = {str(k): v for k, v in items.items() if 1 <= v <= MAX_QUANTITY}


def cart_add(request: HttpRequest, *, product_id: int, quantity: int) -> None:
    items = cart_items(request)
    items[product_id] = min(MAX_QUANTITY, items.get(product_id, 0) + max(1, quantity))
    cart_save(request, items)


def cart_lines(request: HttpRequest) -> list[CartLine]:
    items = cart_items(request)
    products = Product.objects.filter(pk__in=items, active=True).select_related("producer__village")
    return [CartLine(product, items[product.pk]) for product in products]


def cart_total(lines: list[CartLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)
