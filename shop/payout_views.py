"""The group's staff pay producers: what the ledger says each is owed, the payouts recorded, and the
form to record one (``shop.payouts``). Thin: a selector to read, one use case to write."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shop import payouts, selectors
from shop.models import Producer
from villages.roles import SignedInRequest, group_staff_required


def _amount(text: str | None) -> Decimal:
    try:
        amount = Decimal((text or "").strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ValidationError(_("请填写金额 Enter the amount"), code="amount_invalid")
    return amount


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValidationError(_("日期格式不正确 The date is not valid"), code="date_invalid") from None


@group_staff_required
@require_http_methods(["GET", "POST"])
def producer_payouts(request: SignedInRequest) -> HttpResponse:
    producers = Producer.objects.select_related("village").order_by("village", "name")
    if request.method == "POST":
        producer = producers.filter(pk=_int(request.POST.get("producer"))).first()
        if producer is None:
            messages.error(request, _("请选择生产者 Choose a producer"))
            return redirect("shop:payouts")
        try:
            payout = payouts.producer_payout_record(
                producer=producer,
                amount=_amount(request.POST.get("amount")),
                paid_on=_day(request.POST.get("paid_on")),
                key=request.POST.get("key", ""),
                note=request.POST.get("note", ""),
                by=request.user,
            )
        except ValidationError as refusal:
            messages.error(request, refusal.messages[0])
        else:
            messages.success(
                request,
                _("已登记付款:%(producer)s %(amount)s元 Payout recorded: %(producer)s ¥%(amount)s")
                % {"producer": producer.name, "amount": payout.amount},
            )
        return redirect("shop:payouts")
    return render(
        request,
        "shop/payouts.html",
        {
            "balances": selectors.producer_balances(producers=producers),
            "payouts": selectors.payouts_of(producers=producers)[:50],
            "key": payouts.payout_key(),
        },
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
