"""The tourist's shop pages: products, cart, checkout, orders. Thin: each reads a selector or calls one
use case of ``shop.services`` and renders."""

from dataclasses import replace
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings.payments.base import PaymentClient, payment_client
from bookings.payments.payable_services import (
    payable_online_choices,
    payable_payment_start,
    payable_payments_sync,
    payable_wechat_code,
)
from common.clock import local_today
from common.errors import DomainError
from common.money import ZERO
from common.qr import qr_data_uri
from shop import cart, selectors, services
from shop.errors import ShopError
from shop.models import Fulfilment, Product
from shop.transitions import BUYER, actions_for
from villages.models import Village
from villages.roles import SignedInRequest, group_staff_required


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    village = request.GET.get("village", "")
    return render(
        request,
        "shop/product_list.html",
        {
            "products": selectors.products_on_sale(village_slug=village),
            "villages": Village.objects.filter(producers__isnull=False).distinct().order_by("pk"),
            "village": village,
            "cart_count": sum(cart.cart_items(request).values()),
        },
    )


@require_http_methods(["GET", "POST"])
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("producer__village"), pk=pk, active=True)
    if request.method == "POST":
        try:
            quantity = int(request.POST.get("quantity", "1"))
        except ValueError:
            quantity = 1
        cart.cart_add(request, product_id=product.pk, quantity=quantity)
        messages.success(request, _("已加入购物车 Added to the cart: %(name)s") % {"name": product.name})
        return redirect("shop:cart")
    return render(request, "shop/product_detail.html", {"product": product})


@require_http_methods(["GET", "POST"])
def cart_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        items = {}
        for line in cart.cart_lines(request):
            try:
                quantity = int(request.POST.get(f"quantity_{line.product.pk}", line.quantity))
            except ValueError:
                quantity = line.quantity
            if quantity > 0:
                items[line.product.pk] = quantity
        cart.cart_save(request, items)
        return redirect("shop:cart")
    lines = cart.cart_lines(request)
    return render(request, "shop/cart.html", {"lines": lines, "total": cart.cart_total(lines)})


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: SignedInRequest) -> HttpResponse:
    lines = cart.cart_lines(request)
    stays = services.stays_for_pickup(user=request.user)
    error = ""
    if request.method == "POST":
        try:
            orders = services.orders_place(
                user=request.user,
                items={line.product.pk: line.quantity for line in lines},
                fulfilment=request.POST.get("fulfilment", ""),
                recipient=request.POST.get("recipient", ""),
                phone=request.POST.get("phone", ""),
                address=request.POST.get("address", ""),
                booking=_int(request.POST.get("booking")),
                language=get_language() or "zh-hans",
                pay_online=request.POST.get("payment") == "online",
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
        except ShopError as refusal:
            error = refusal.message
        else:
            cart.cart_save(request, {})
            if len(orders) == 1:
                return redirect("shop:order", reference=orders[0].reference)
            return redirect("shop:my_orders")
    return render(
        request,
        "shop/checkout.html",
        {
            "lines": lines,
            "total": cart.cart_total(lines),
            "stays": stays,
            "error": error,
            "form": request.POST,
            "fulfilments": Fulfilment.choices,
            "delivery_fee": services.delivery_fee_for(cart.cart_total(lines)),
            "online": bool(_choices(request)),
        },
        status=422 if error else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def my_orders(request: SignedInRequest) -> HttpResponse:
    return render(request, "shop/my_orders.html", {"orders": selectors.orders_of_buyer(user=request.user)})


def _client(request: HttpRequest) -> PaymentClient:
    """Where the buyer pays from. Without the openid: an order is paid by H5, a QR code or Alipay's
    page (inside WeChat the QR code, which WeChat lets the buyer long-press); JSAPI is the bookings'."""
    return replace(payment_client(request), openid="", appid="")


def _choices(request: HttpRequest) -> list:
    return payable_online_choices(client=_client(request), language=get_language() or "zh-hans")


def _my_order(request: SignedInRequest, reference: str):
    order = selectors.orders_of_buyer(user=request.user).filter(reference=reference.upper()).first()
    if order is None:
        raise Http404
    return order


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    order = _my_order(request, reference)
    if (
        request.method == "GET"
        and order.awaiting_payment
        and payable_payments_sync(payable=order.source_reference)
    ):
        order = _my_order(request, reference)  # back from paying: the provider says what happened
    if request.method == "POST":
        try:
            services.order_act(order=order, action="cancel", actor=services.Actor(BUYER, request.user))
        except ShopError as refusal:
            messages.error(request, refusal.message)
        return redirect("shop:order", reference=order.reference)
    return render(
        request,
        "shop/order_detail.html",
        {
            "order": order,
            "can_cancel": "cancel" in actions_for(order, role=BUYER),
            "overdue": order.payment_overdue(timezone.now()),
            "pay_choices": _choices(request) if order.awaiting_payment else [],
        },
    )


@login_required
@require_http_methods(["POST"])
def order_pay(request: SignedInRequest, reference: str) -> HttpResponse:
    """Open the order's online payment with the provider chosen and send the buyer to it (a WeChat Pay
    QR code is shown here, ``order_wechat``)."""
    order = _my_order(request, reference)
    back = request.build_absolute_uri(reverse("shop:order", args=[order.reference]))
    try:
        payment = payable_payment_start(
            payable=order.source_reference,
            provider=request.POST.get("provider") or None,
            client=_client(request),
            language=get_language() or "zh-hans",
            success_url=back,
            cancel_url=back,
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("shop:order", reference=order.reference)
    if payment.redirect_url.startswith("weixin://"):
        return redirect("shop:order_wechat", reference=order.reference)
    return redirect(payment.redirect_url or back)


@login_required
@require_http_methods(["GET", "POST"])
def order_wechat(request: SignedInRequest, reference: str) -> HttpResponse:
    """The WeChat Pay code of the order's open payment, to scan (or long-press inside WeChat); the page
    reloads itself, and "I have paid" asks WeChat Pay at once. Once paid, back to the order."""
    order = _my_order(request, reference)
    if request.method == "POST" or order.awaiting_payment:
        payable_payments_sync(payable=order.source_reference)
        order = _my_order(request, reference)
    payment = payable_wechat_code(payable=order.source_reference)
    if not order.awaiting_payment or payment is None:
        return redirect("shop:order", reference=order.reference)
    context = {
        "what": _("订单 %(reference)s") % {"reference": order.reference},
        "payment": payment,
        "qr": qr_data_uri(payment.redirect_url),
        "paid_not_seen": request.method == "POST",
        "in_wechat": payment_client(request).in_wechat,
        "post_url": reverse("shop:order_wechat", args=[order.reference]),
        "back_url": reverse("shop:order", args=[order.reference]),
    }
    return render(request, "payments/payable_code.html", context)


@group_staff_required
@require_GET
def report(request: SignedInRequest) -> HttpResponse:
    """The group's 消费帮扶 totals per village and producer (default: the last 30 days)."""
    end = _date(request.GET.get("end")) or local_today()
    start = _date(request.GET.get("start")) or end - timedelta(days=30)
    if start > end:
        start, end = end, start
    rows = selectors.shop_report(start=start, end=end)
    totals = {
        field: sum((getattr(row, field) for row in rows), ZERO)
        for field in ("sales", "returns", "producer_part", "group_part", "refunds", "paid_out")
    }
    return render(request, "shop/report.html", {"rows": rows, "start": start, "end": end, "totals": totals})


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
