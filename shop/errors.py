"""Refusals of the shop, bilingual and without personal data, each with a stable ``code`` (the API's
``shop.api`` answers them in one place)."""

from common.errors import DomainError


class ShopError(DomainError):
    code = "shop_error"


class OutOfStock(ShopError):
    """Fewer left than asked for (HTTP 409)."""

    code = "out_of_stock"

    def __init__(self, message: str, *, product_ids: list[int]):
        super().__init__(message)
        self.product_ids = product_ids


class IllegalTransition(ShopError):
    """The order's state does not allow the action (HTTP 409)."""

    code = "illegal_transition"

    def __init__(self, message: str, *, status: str, action: str):
        super().__init__(message)
        self.status = status
        self.action = action
