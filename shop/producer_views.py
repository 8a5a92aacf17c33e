"""The producers' console on a phone: orders to pack and hand over, stock, earnings. Only the people who
run a producer (``Producer.users``) and the group's staff (who see every producer) get in; anyone else
signed in is refused (403)."""

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shop import product_photos, returns, selectors, services
from shop.errors import ShopError
from shop.models import Product
from shop.transitions import PRODUCER, STAFF, TRANSITIONS, actions_for
from villages.roles import SignedInRequest, is_group_staff


def producer_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not selectors.is_producer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _role(request: HttpRequest) -> str:
    return STAFF if is_group_staff(request.user) else PRODUCER


@producer_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    show = "all" if request.GET.get("show") == "all" else "open"
    return render(
        request,
        "shop/producer/dashboard.html",
        {"orders": selectors.orders_for_seller(user=request.user, show=show)[:100], "show": show},
    )


@producer_required
@require_http_methods(["GET", "POST"])
def order_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    order = selectors.order_for_seller(user=request.user, reference=reference)
    if order is None:
        raise Http404
    role = _role(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in TRANSITIONS:
            messages.error(request, _("请选择操作 Choose an action"))
        else:
            actor = services.Actor(role, request.user)
            try:
                if action == "return":
                    returns.order_return(
                        order=order,
                        actor=actor,
                        reason=request.POST.get("reason", ""),
                        goods_back=request.POST.get("goods_back") == "on",
                    )
                else:
                    services.order_act(
                        order=order,
                        action=action,
                        actor=actor,
                        tracking_number=request.POST.get("tracking_number", ""),
                        reason=request.POST.get("reason", ""),
                    )
            except ValidationError as refusal:
                messages.error(request, refusal.messages[0])
            except ShopError as refusal:
                messages.error(request, refusal.message)
        return redirect("producer:order", reference=order.reference)
    return render(
        request,
        "shop/producer/order_detail.html",
        {"order": order, "actions": actions_for(order, role=role), "events": order.events.all()},
    )


@producer_required
@require_http_methods(["GET", "POST"])
def products(request: SignedInRequest) -> HttpResponse:
    mine = Product.objects.filter(producer__in=selectors.producers_of(user=request.user)).select_related(
        "producer__village"
    )
    if request.method == "POST":
        product = mine.filter(pk=_int(request.POST.get("product")) or 0).first()
        if product is None:
            raise Http404
        try:
            stock = _int(request.POST.get("stock"))
            if stock is None:
                raise ValidationError(_("请填写库存数量 Enter the stock"), code="stock_missing")
            services.product_stock_set(
                product=product,
                stock=stock,
                price=_price(request.POST.get("price")),
                active=request.POST.get("active") == "on",
            )
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("已保存 Saved: %(name)s") % {"name": product.name})
        return redirect("producer:products")
    return render(request, "shop/producer/products.html", {"products": mine})


@producer_required
@require_POST
def product_photo(request: SignedInRequest, pk: int) -> HttpResponse:
    """A photo of one of the producer's own products (another's is 404), from the phone's camera or
    gallery."""
    product = Product.objects.filter(producer__in=selectors.producers_of(user=request.user), pk=pk).first()
    if product is None:
        raise Http404
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("请选择一张照片 Choose a photo"))
    else:
        try:
            product_photos.product_photo_set(product=product, upload=upload)
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(request, _("照片已更新 Photo updated: %(name)s") % {"name": product.name})
    response = redirect("producer:products")
    response["Location"] += f"#product-{product.pk}"
    return response


@producer_required
@require_GET
def earnings(request: SignedInRequest) -> HttpResponse:
    producers = selectors.producers_of(user=request.user)
    return render(
        request,
        "shop/producer/earnings.html",
        {
            "months": selectors.producer_earnings(producers=producers),
            "producers": producers,
            "balances": selectors.producer_balances(producers=producers),
            "payouts": selectors.payouts_of(producers=producers)[:24],
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _price(value) -> Decimal | None:
    if not value:
        return None
    try:
        price = Decimal(value)
    except InvalidOperation:
        price = None
    if price is not None and price.is_finite():
        return price
    raise ValidationError(_("价格格式不正确 The price is not a number"), code="price_invalid")
