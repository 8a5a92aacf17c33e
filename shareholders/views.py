"""Pages: the group staff's register, declarations and payouts under /group/shareholders/ (staff only, as
every /group/ page), and a member household's own statement at /me/dividends/. Thin: a form, one
service or selector, a page. Private numbers are shown masked only (``Shareholder.masked_*``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.revenue.selectors import collective_owed
from common.clock import local_today
from shareholders import exports, selectors
from shareholders.forms import DeclarationForm, HoldingEndForm, HoldingForm, PayoutForm, ShareholderForm
from shareholders.models import Allocation, DividendDeclaration, Holding, Shareholder
from shareholders.services import (
    declaration_declare,
    declaration_discard,
    declaration_draft,
    holding_add,
    holding_end,
    household_payout_record,
    shareholder_add,
)
from villages.models import Village
from villages.roles import SignedInRequest, group_staff_required


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@group_staff_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    villages = Village.objects.order_by("order", "id")
    context = {"villages": villages, "declarations": selectors.declarations()[:50]}
    return render(request, "shareholders/index.html", context)


def _register_page(request, village, form=None, status=200) -> HttpResponse:
    context = {
        "village": village,
        "shareholders": selectors.register(village=village),
        "form": form or ShareholderForm(initial={"entered_on": local_today()}),
        "today": local_today(),
    }
    return render(request, "shareholders/register.html", context, status=status)


@group_staff_required
def register(request: HttpRequest, slug: str) -> HttpResponse:
    village = get_object_or_404(Village, slug=slug)
    if request.method != "POST":
        return _register_page(request, village)
    form = ShareholderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shareholder = shareholder_add(
                village=village,
                kind=data["kind"],
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                bank_account=data["bank_account"],
                user=data["account"],
            )
            holding_add(shareholder=shareholder, shares=data["shares"], entered_on=data["entered_on"])
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("已登记股东 %(name)s") % {"name": shareholder.name})
            return redirect("shareholders:register", slug=village.slug)
    return _register_page(request, village, form, status=400)


def _back_to_register(shareholder: Shareholder) -> HttpResponse:
    return redirect("shareholders:register", slug=shareholder.village.slug)


@group_staff_required
@require_POST
def holding_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    shareholder = get_object_or_404(Shareholder.objects.select_related("village"), pk=pk)
    form = HoldingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写股数和入股日期"))
        return _back_to_register(shareholder)
    try:
        holding_add(shareholder=shareholder, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已登记持股"))
    return _back_to_register(shareholder)


@group_staff_required
@require_POST
def holding_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    holding = get_object_or_404(Holding.objects.select_related("shareholder__village"), pk=pk)
    form = HoldingEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写退股日期"))
        return _back_to_register(holding.shareholder)
    try:
        outcome = holding_end(holding=holding, exited_on=form.cleaned_data["exited_on"])
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request, _("已登记退股") if outcome.changed else _("这笔持股之前已登记退股,未作改动")
        )
    return _back_to_register(holding.shareholder)


@group_staff_required
@require_GET
def shareholder_statement(request: HttpRequest, pk: int) -> HttpResponse:
    shareholder = get_object_or_404(Shareholder.objects.select_related("village"), pk=pk)
    statements = [selectors.household_statement(shareholder=shareholder)]
    return render(request, "shareholders/statement.html", {"statements": statements, "staff_view": True})


@group_staff_required
@require_GET
def declarations(request: HttpRequest) -> HttpResponse:
    return render(request, "shareholders/declarations.html", {"declarations": selectors.declarations()})


@group_staff_required
def declare(request: SignedInRequest, slug: str) -> HttpResponse:
    village = get_object_or_404(Village, slug=slug)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            declaration = declaration_draft(
                village=village,
                period=data["period"],
                collective_amount=data["collective_amount"],
                group_amount=data["group_amount"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            return redirect("shareholders:declaration", pk=declaration.pk)
    earned = None
    if form.is_bound and form.is_valid():
        earned = collective_owed(village=village, period=form.cleaned_data["period"])
    context = {"village": village, "form": form, "earned": earned}
    return render(request, "shareholders/declare.html", context, status=400 if form.errors else 200)


def _declaration(pk: int) -> DividendDeclaration:
    return get_object_or_404(DividendDeclaration.objects.select_related("village", "declared_by"), pk=pk)


@group_staff_required
@require_GET
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    found = _declaration(pk)
    context = {
        "declaration": found,
        "earned": selectors.collective_earned(declaration=found),
        "today": local_today(),
    }
    if found.is_draft:
        context["preview"] = selectors.split_preview(declaration=found)
    else:
        context["allocations"] = selectors.allocations(declaration=found)
    return render(request, "shareholders/declaration.html", context)


@group_staff_required
@require_POST
def declaration_declare_view(request: SignedInRequest, pk: int) -> HttpResponse:
    found = _declaration(pk)
    try:
        outcome = declaration_declare(declaration=found, by=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if outcome.changed:
            messages.success(request, _("分红已宣告,应付各户的金额已记账"))
        else:
            messages.info(request, _("这次分红之前已宣告,未作改动"))
    return redirect("shareholders:declaration", pk=found.pk)


@group_staff_required
@require_POST
def declaration_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = _declaration(pk)
    try:
        declaration_discard(declaration=found)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("shareholders:declaration", pk=found.pk)
    messages.success(request, _("草稿已删除"))
    return redirect("shareholders:declarations")


@group_staff_required
@require_POST
def payout_record(request: SignedInRequest, pk: int) -> HttpResponse:
    allocation = get_object_or_404(
        Allocation.objects.select_related("declaration__village", "shareholder"), pk=pk
    )
    form = PayoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写付款日期"))
    else:
        try:
            outcome = household_payout_record(allocation=allocation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            if outcome.changed:
                messages.success(
                    request, _("已登记 %(name)s 的分红支付") % {"name": allocation.shareholder.name}
                )
            else:
                messages.info(request, _("这一户之前已登记支付,未作改动"))
    return redirect("shareholders:declaration", pk=allocation.declaration_id)


@group_staff_required
@require_GET
def export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404(_("没有这种格式"))
    found = _declaration(pk)
    if found.is_draft:
        raise Http404(_("草稿没有分配表"))
    rows = selectors.allocations(declaration=found)
    if file_format == "xlsx":
        return exports.allocations_xlsx(found, rows)
    return exports.allocations_csv(found, rows)


@login_required
@require_GET
def my_dividends(request: HttpRequest) -> HttpResponse:
    """A member household's own statement: only the shareholders linked to the signed-in person."""
    statements = [
        selectors.household_statement(shareholder=shareholder)
        for shareholder in selectors.shareholdings_of(user=request.user)
    ]
    return render(request, "shareholders/statement.html", {"statements": statements, "staff_view": False})
