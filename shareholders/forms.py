"""The staff pages' forms: input only; every rule is the services'."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from bookings.revenue.periods import Period
from shareholders.models import Shareholder


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ShareholderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=Shareholder.Kind.choices, initial=Shareholder.Kind.HOUSEHOLD
    )
    name = forms.CharField(label=_("户主姓名或名称"), max_length=60)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=34, required=False)
    account = forms.CharField(
        label=_("关联账号(用户名或邮箱,可不填)"),
        max_length=150,
        required=False,
        help_text=_("关联后,这户可以在手机上查看自己的分红"),
    )
    shares = forms.IntegerField(label=_("股数"), min_value=1, max_value=10**9)
    entered_on = forms.DateField(label=_("入股日期"), widget=DateInput)

    def clean_account(self):
        wanted = self.cleaned_data["account"].strip()
        if not wanted:
            return None
        people = get_user_model().objects.filter(is_active=True)
        user = people.filter(username=wanted).first() or people.filter(email__iexact=wanted).first()
        if user is None:
            raise forms.ValidationError(_("找不到这个账号 No account by that name"))
        return user


class HoldingForm(forms.Form):
    shares = forms.IntegerField(label=_("股数"), min_value=1, max_value=10**9)
    entered_on = forms.DateField(label=_("入股日期"), widget=DateInput)


class HoldingEndForm(forms.Form):
    exited_on = forms.DateField(label=_("退股日期(这天起不再持有)"), widget=DateInput)


class DeclarationForm(forms.Form):
    start = forms.DateField(label=_("分红期从"), widget=DateInput)
    end = forms.DateField(label=_("到(含)"), widget=DateInput)
    collective_amount = forms.DecimalField(
        label=_("来自村集体分成(元)"), max_digits=12, decimal_places=2, min_value=Decimal(0)
    )
    group_amount = forms.DecimalField(
        label=_("集团追加(元)"), max_digits=12, decimal_places=2, min_value=Decimal(0), initial=Decimal(0)
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("开始日期不能晚于结束日期 The start comes before the end"))
            data["period"] = Period(start, end)
        return data


class PayoutForm(forms.Form):
    paid_on = forms.DateField(label=_("付款日期"), widget=DateInput)
    reference = forms.CharField(label=_("银行转账单号"), max_length=80, required=False)
