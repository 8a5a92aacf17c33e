"""The group pages' forms: the report period, a dividend payout and a revenue-share rule."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bookings.revenue.periods import MAX_DAYS, Period, month_after, month_period, year_period
from common.clock import local_today
from villages.models import Village

HUNDRED = Decimal(100)


def _presets(today: date) -> dict[str, Period]:
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    twelve_months_ago = month_after(this_month.replace(year=this_month.year - 1))
    return {
        "this_month": month_period(this_month),
        "last_month": month_period(last_month),
        "this_year": year_period(today.year),
        "last_year": year_period(today.year - 1),
        "last_12_months": Period(twelve_months_ago, month_period(this_month).end),
    }


PRESET_CHOICES = [
    ("this_year", _("今年")),
    ("last_12_months", _("最近12个月")),
    ("this_month", _("本月")),
    ("last_month", _("上月")),
    ("last_year", _("去年")),
    ("custom", _("自选日期")),
]
DEFAULT_PRESET = "this_year"


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """``?preset=this_month`` or ``?start=2026-01-01&end=2026-03-31`` (Beijing dates, both included).
    Without either, this year."""

    preset = forms.ChoiceField(label=_("时段"), choices=PRESET_CHOICES, required=False)
    start = forms.DateField(label=_("从"), required=False, widget=DateInput)
    end = forms.DateField(label=_("到(含)"), required=False, widget=DateInput)

    data: QueryDict  # a mutable copy: clean() writes the period it reports back into it

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data.copy())

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        preset = data.get("preset") or ("custom" if start or end else DEFAULT_PRESET)
        self.data["preset"] = preset  # the form shows what is reported
        if preset != "custom":
            data["period"] = period = _presets(local_today())[preset]
            self.data["start"], self.data["end"] = period.start.isoformat(), period.end.isoformat()
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("请填写开始和结束日期"), code="dates")
        if start > end:
            raise forms.ValidationError(_("开始日期不能晚于结束日期"), code="dates_order")
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("时段最长三年"), code="too_long")
        data["period"] = Period(start, end)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]


class PayoutForm(forms.Form):
    amount = forms.DecimalField(
        label=_("金额(元)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    paid_on = forms.DateField(label=_("付款日期"), widget=DateInput)
    reference = forms.CharField(label=_("转账单号"), max_length=80, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class RuleForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村庄"), queryset=Village.objects.order_by("order", "id"))
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput)
    commission_percent = forms.DecimalField(
        label=_("平台佣金(%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    collective_percent = forms.DecimalField(
        label=_("村集体分成(%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def rates(self) -> tuple[Decimal, Decimal]:
        data = self.cleaned_data
        return data["commission_percent"] / HUNDRED, data["collective_percent"] / HUNDRED


class ResolveForm(forms.Form):
    """Staff say what they did about a reconciliation mismatch."""

    note = forms.CharField(
        label=_("处理说明 What was done"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "例如:已在商户平台核实,渠道次日补单 e.g. checked at the merchant platform, settled the next day"
        ),
    )
