"""Group staff pages (文旅集团): the revenue dashboard with its CSV exports, the "needs attention" queue,
each village's dividend statement with the payouts, and the revenue-share rules. Thin: a form, one
selector or service, a page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.revenue.models import RevenueShareRule
from bookings.revenue.sectors import sector_sales
from bookings.revenue.selectors import dashboard as revenue_dashboard
from bookings.revenue.selectors import dividend_statement, revenue_rules
from bookings.revenue.services import dividend_payout_record, revenue_rule_create, revenue_rule_delete
from common.clock import local_today
from common.money import ZERO
from tourism.group import charts
from tourism.group.attention import attention_count, attention_queue
from tourism.group.columns import COLUMNS
from tourism.group.exports import TABLES, dashboard_csv, statement_csv
from tourism.group.forms import PayoutForm, PeriodForm, RuleForm
from tourism.group.tables import cards, period_query, rule_lines, tables
from villages.models import Village
from villages.roles import SignedInRequest, group_staff_required

PAYOUT_ERROR_FIELDS = {"amount": "amount", "overpaid": "amount", "paid_on": "paid_on"}


def _bad_period(form: PeriodForm) -> HttpResponse:
    problems = [str(message) for errors in form.errors.values() for message in errors]
    return HttpResponse(" ".join(problems), status=400, content_type="text/plain; charset=utf-8")


@group_staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    context = {"form": form, "attention": attention_count()}
    if not form.is_valid():
        return render(request, "group/dashboard.html", context, status=400)
    report = revenue_dashboard(period=form.period)
    context |= {
        "report": report,
        "columns": COLUMNS,
        "cards": cards(report.total),
        "tables": tables(report),
        "sectors": sector_sales(period=form.period),
        "charts": [
            charts.month_revenue_chart(report.months),
            charts.month_occupancy_chart(report.months),
            charts.village_revenue_chart(report.villages),
        ],
    }
    return render(request, "group/dashboard.html", context)


@group_staff_required
@require_GET
def attention(request: HttpRequest) -> HttpResponse:
    return render(request, "group/attention.html", {"queue": attention_queue()})


@group_staff_required
def export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404(_("没有这个表格"))
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _bad_period(form)
    return dashboard_csv(revenue_dashboard(period=form.period), table)


def _statement_page(request, village, form, payout_form=None, status=200) -> HttpResponse:
    context = {"village": village, "form": form}
    if form.is_valid():
        statement = dividend_statement(village=village, period=form.period)
        today = local_today()
        context |= {
            "statement": statement,
            "rules": rule_lines(statement.rules, today),
            "period_over": form.period.end < today,
            "query": period_query(form.period),
            "payout_form": payout_form
            or PayoutForm(initial={"amount": max(statement.outstanding, ZERO), "paid_on": today}),
        }
    else:
        status = 400
    return render(request, "group/statement.html", context, status=status)


@group_staff_required
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    village = get_object_or_404(Village, slug=slug)
    return _statement_page(request, village, PeriodForm(request.GET))


@group_staff_required
def statement_export(request: HttpRequest, slug: str) -> HttpResponse:
    village = get_object_or_404(Village, slug=slug)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return _bad_period(form)
    return statement_csv(dividend_statement(village=village, period=form.period))


@group_staff_required
@require_POST
def payout_record(request: SignedInRequest, slug: str) -> HttpResponse:
    village = get_object_or_404(Village, slug=slug)
    form = PeriodForm(request.GET)
    payout_form = PayoutForm(request.POST)
    if form.is_valid() and payout_form.is_valid():
        try:
            payout = dividend_payout_record(
                village=village, period=form.period, by=request.user, **payout_form.cleaned_data
            )
        except ValidationError as error:
            payout_form.add_error(PAYOUT_ERROR_FIELDS.get(error.code or ""), error.messages)
        else:
            messages.success(request, _("已登记分红支付 ¥%(amount)s") % {"amount": payout.amount})
            url = reverse("group:statement", kwargs={"slug": village.slug})
            return redirect(f"{url}?{period_query(form.period)}")
    return _statement_page(request, village, form, payout_form, status=400)


@group_staff_required
def rules(request: SignedInRequest) -> HttpResponse:
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        commission, collective = form.rates()
        try:
            revenue_rule_create(
                village=form.cleaned_data["village"],
                effective_from=form.cleaned_data["effective_from"],
                commission_rate=commission,
                collective_rate=collective,
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(
                "effective_from" if error.code in ("effective_from", "duplicate") else None, error.messages
            )
        else:
            messages.success(request, _("分成规则已添加"))
            return redirect("group:rules")
    context = {"form": form, "rules": rule_lines(revenue_rules(), local_today())}
    return render(request, "group/rules.html", context, status=400 if form.errors else 200)


@group_staff_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(RevenueShareRule, pk=pk)
    try:
        revenue_rule_delete(rule=rule)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("分成规则已删除"))
    return redirect("group:rules")
