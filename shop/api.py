"""JSON API of the shop, through the same use cases as the pages (``shop.services``).

* ``GET /api/products``, ``GET /api/products/{id}``: public, what is on sale (``village`` filters by slug).
* ``POST /api/orders`` (``Idempotency-Key`` honoured), ``GET /api/orders``, ``GET /api/orders/{reference}``,
  ``POST /api/orders/{reference}/cancel``, ``POST /api/orders/{reference}/pay`` (online, with
  ``Idempotency-Key``): the signed-in buyer's own orders.

Money is a decimal string with two places and ``currency``; refusals are ``{"detail": "中文 English",
"code"}``: 409 ``out_of_stock`` (with ``product_ids``) or ``illegal_transition``, 422 for input the shop
refuses (``cart_empty``, ``invalid_quantity``, ``address_missing``, ``stay_invalid``, ``invalid_phone``...).
"""

from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import HttpError

from bookings.payments.payable_services import PayableRefused, payable_payment_start
from bookings.payments.services import PaymentUnavailable
from common.idempotency import idempotent
from shop import selectors, services
from shop.errors import IllegalTransition, OutOfStock
from shop.models import Order, Product
from shop.transitions import BUYER
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.endpoints import MAX_ID, ObjectId
from villages.api.fields import NO_NUL, ErrorOut, Text, ValidationErrorOut

router = Router(tags=["shop 消费帮扶商城"])
SIGNED_IN_ERRORS = {401: ErrorOut, 403: ErrorOut}
ORDER_NOT_FOUND = "找不到这个订单 / Order not found"
PRODUCT_NOT_FOUND = "找不到这个商品 / Product not found"


class ProblemOut(Schema):
    detail: str
    code: str


class OutOfStockOut(ProblemOut):
    product_ids: list[int]


class TransitionOut(ProblemOut):
    status: str


def _text(obj, field: str) -> dict:
    zh = getattr(obj, f"{field}_zh_hans", "") or getattr(obj, field, "")
    return {"zh": zh, "en": getattr(obj, f"{field}_en", "") or zh}


class ProductOut(Schema):
    id: int
    name: Text
    description: Text
    unit: str
    price: Decimal
    currency: Literal["CNY"] = "CNY"
    in_stock: int = Field(description="库存 how many are left")
    producer: Text
    village: str = Field(description="村庄标识 village slug")
    is_demo: bool

    @staticmethod
    def resolve_name(obj: Product) -> dict:
        return _text(obj, "name")

    @staticmethod
    def resolve_description(obj: Product) -> dict:
        return _text(obj, "description")

    @staticmethod
    def resolve_in_stock(obj: Product) -> int:
        return obj.stock

    @staticmethod
    def resolve_producer(obj: Product) -> dict:
        return _text(obj.producer, "name")

    @staticmethod
    def resolve_village(obj: Product) -> str:
        return obj.producer.village.slug

    @staticmethod
    def resolve_is_demo(obj: Product) -> bool:
        return obj.demo


class OrderLineOut(Schema):
    product_id: int
    name: str
    unit: str
    quantity: int
    unit_price: Decimal


class OrderOut(Schema):
    reference: str
    status: str
    fulfilment: str
    producer: str
    subtotal: Decimal
    delivery_fee: Decimal
    total: Decimal
    currency: str
    paid: bool
    pays_online: bool = Field(description="在线支付 paid online (see POST /api/orders/{reference}/pay)")
    pay_by: str | None = Field(None, description="在线支付截止 UTC: unpaid by then, the order is cancelled")
    tracking_number: str
    booking: str | None = Field(None, description="随住宿取货的预订号 the stay it waits at")
    lines: list[OrderLineOut]
    created_at: str

    @staticmethod
    def resolve_producer(obj: Order) -> str:
        return obj.producer.name

    @staticmethod
    def resolve_paid(obj: Order) -> bool:
        return obj.is_paid

    @staticmethod
    def resolve_booking(obj: Order) -> str | None:
        return obj.booking.reference if obj.booking is not None else None

    @staticmethod
    def resolve_lines(obj: Order) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_created_at(obj: Order) -> str:
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_pay_by(obj: Order) -> str | None:
        return obj.pay_by.isoformat() if obj.pay_by is not None else None


class OrderItemIn(Schema):
    product_id: int = Field(ge=1, le=MAX_ID, description="商品编号 product id")
    quantity: int = Field(ge=1, le=services.MAX_QUANTITY)


class OrderIn(Schema):
    items: list[OrderItemIn] = Field(min_length=1, max_length=50)
    fulfilment: Literal["delivery", "pickup", "with_stay"]
    recipient: str = Field("", max_length=60, pattern=NO_NUL)
    phone: str = Field("", max_length=30, pattern=NO_NUL)
    address: str = Field("", max_length=200, pattern=NO_NUL)
    booking: str | None = Field(
        None, pattern=NO_NUL, description="with_stay: the reference of one of your upcoming stays"
    )
    pay_online: bool = Field(
        False, description="在线支付 pay online within 30 minutes (POST /api/orders/{reference}/pay)"
    )


class OrderPayIn(Schema):
    provider: str | None = Field(
        None,
        max_length=40,
        pattern=NO_NUL,
        description="wechat_pay, alipay or stripe_checkout (default: the first offered)",
    )


class OrderPaymentOut(Schema):
    reference: str = Field(description="订单号 order reference")
    provider: str
    checkout_url: str = Field(description="支付页面 where the buyer pays (a weixin:// code for WeChat Pay)")
    expires_at: str | None = Field(description="支付截止 UTC: the order holds its stock until then")


def _chinese():
    return translation.override(settings.LANGUAGE_CODE)


@router.get(
    "/products",
    response={200: list[ProductOut], 422: ValidationErrorOut},
    summary="在售商品 Products on sale",
)
def product_list(request: HttpRequest, village: str = ""):
    return list(selectors.products_on_sale(village_slug=village)[:200])


@router.get(
    "/products/{product_id}",
    response={200: ProductOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="商品 A product",
)
def product_get(request: HttpRequest, product_id: ObjectId):
    product = selectors.products_on_sale().filter(pk=product_id).first()
    if product is None:
        raise HttpError(404, PRODUCT_NOT_FOUND)
    return product


@router.post(
    "/orders",
    auth=SIGNED_IN,
    response={
        201: list[OrderOut],
        400: ErrorOut,  # a body that is not JSON at all; JSON of the wrong shape is 422
        **SIGNED_IN_ERRORS,
        409: OutOfStockOut,
        422: ProblemOut | ValidationErrorOut,
    },
    summary="下单 Place orders",
    description="One order per producer of the items. Paid offline: on delivery, at pickup, or at the "
    "homestay with the stay; or, with `pay_online`, online within 30 minutes (`POST "
    "/api/orders/{reference}/pay`), the stock held until then. 409 `out_of_stock`: nothing is ordered. "
    "422 `online_unavailable`: no online provider is enabled. Send an Idempotency-Key to make a retry "
    "harmless.",
)
@idempotent
def order_create(request: SignedInApiRequest, payload: OrderIn):
    booking_id = None
    if payload.booking:
        stay = services.stays_for_pickup(user=request.auth).filter(reference=payload.booking.upper()).first()
        booking_id = stay.pk if stay else -1
    with _chinese():
        orders = services.orders_place(
            user=request.auth,
            items={item.product_id: item.quantity for item in payload.items},
            fulfilment=payload.fulfilment,
            recipient=payload.recipient,
            phone=payload.phone,
            address=payload.address,
            booking=booking_id,
            language=translation.get_language_from_request(request),
            pay_online=payload.pay_online,
        )
    return Status(201, orders)


@router.get(
    "/orders",
    auth=SIGNED_IN,
    response={200: list[OrderOut], **SIGNED_IN_ERRORS},
    summary="我的订单 My orders",
)
def order_list(request: SignedInApiRequest):
    return list(selectors.orders_of_buyer(user=request.auth)[:100])


def _mine(request: SignedInApiRequest, reference: str) -> Order:
    order = selectors.orders_of_buyer(user=request.auth).filter(reference=reference.upper()).first()
    if order is None:
        raise HttpError(404, ORDER_NOT_FOUND)
    return order


@router.get(
    "/orders/{reference}",
    auth=SIGNED_IN,
    response={200: OrderOut, **SIGNED_IN_ERRORS, 404: ErrorOut},
    summary="订单详情 One of my orders",
)
def order_get(request: SignedInApiRequest, reference: str):
    return _mine(request, reference)


@router.post(
    "/orders/{reference}/cancel",
    auth=SIGNED_IN,
    response={200: OrderOut, **SIGNED_IN_ERRORS, 404: ErrorOut, 409: TransitionOut},
    summary="取消订单 Cancel one of my orders",
    description="Possible until the producer starts packing; the stock goes back. Repeating it answers "
    "the cancelled order. 409 `illegal_transition` once the producer is preparing it.",
)
@idempotent
def order_cancel(request: SignedInApiRequest, reference: str):
    order = _mine(request, reference)
    with _chinese():
        return services.order_act(order=order, action="cancel", actor=services.Actor(BUYER, request.auth))


@router.post(
    "/orders/{reference}/pay",
    auth=SIGNED_IN,
    url_name="order_pay",
    response={
        200: OrderPaymentOut,
        400: ErrorOut,  # a body that is not JSON at all
        **SIGNED_IN_ERRORS,
        404: ErrorOut,
        409: ProblemOut,
        422: ValidationErrorOut,
        503: ProblemOut,
    },
    summary="在线付款 Pay one of my orders online",
    description="For an order placed with `pay_online`: opens the payment with the provider and answers "
    "`checkout_url` and `expires_at`; asking again while it is open answers the same page. The order "
    "becomes `paid` once the provider reports the payment: read it again. 409 `not_payable`: paid "
    "already, cancelled, paid on handover, or its time to pay is over. 503 `payment_unavailable`: no "
    "online provider can take it now. Send an Idempotency-Key to make a retry harmless.",
)
@idempotent
def order_pay(request: SignedInApiRequest, reference: str, payload: OrderPayIn):
    order = _mine(request, reference)
    back = request.build_absolute_uri(reverse("shop:order", args=[order.reference]))
    with _chinese():
        try:
            payment = payable_payment_start(
                payable=order.source_reference,
                provider=payload.provider,
                language=order.language,
                success_url=back,
                cancel_url=back,
            )
        except PayableRefused as error:
            return Status(409, {"detail": error.message, "code": error.code})
        except PaymentUnavailable as error:
            return Status(503, {"detail": error.message, "code": error.code})
    return {
        "reference": order.reference,
        "provider": payment.provider,
        "checkout_url": payment.redirect_url,
        "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
    }


def install(api: NinjaAPI) -> None:
    """The shop's refusals as HTTP answers, for the whole API."""

    def out_of_stock(request: HttpRequest, error: OutOfStock) -> HttpResponse:
        body = {"detail": error.message, "code": error.code, "product_ids": error.product_ids}
        return api.create_response(request, body, status=409)

    def illegal(request: HttpRequest, error: IllegalTransition) -> HttpResponse:
        body = {"detail": error.message, "code": error.code, "status": error.status}
        return api.create_response(request, body, status=409)

    api.exception_handler(OutOfStock)(out_of_stock)
    api.exception_handler(IllegalTransition)(illegal)
