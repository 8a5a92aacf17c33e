from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import MAX_PEOPLE_PER_TICKET


class RegisterForm(forms.Form):
    quantity = forms.IntegerField(label=_("人数"), min_value=1, max_value=MAX_PEOPLE_PER_TICKET, initial=1)
    holder_name = forms.CharField(label=_("姓名"), max_length=60)
    holder_phone = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    # Left out (``del form.fields``) for a free slot or when no online provider is enabled.
    pay_online = forms.BooleanField(
        label=_("在线支付(30分钟内付款,否则名额自动释放)"), required=False, initial=True
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("票码"), max_length=32, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
