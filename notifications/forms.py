from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from notifications.channels import channels_enabled
from notifications.models import Channel
from notifications.privacy import mask_address

AUTOMATIC = _("自动（推荐） Automatic (recommended)")
NOT_SET_UP = _("您还没有可用的地址，暂时改用其他方式 You have no address here yet; another way is used")


class PreferenceForm(forms.Form):
    """How a person wants to hear from the platform: automatically (``notifications.routing``) or a
    channel among those enabled, each shown with the (masked) address it would use; and the language."""

    channel = forms.ChoiceField(label=_("通知方式"), widget=forms.RadioSelect, required=False)
    language = forms.ChoiceField(label=_("通知语言"), choices=settings.LANGUAGES, widget=forms.RadioSelect)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        enabled = channels_enabled()
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        choices: list[tuple[str, str]] = [("", str(AUTOMATIC))]
        for value, label in Channel.choices:
            if value in enabled:
                address = enabled[value].address_for(user)
                shown = mask_address(address) if address else str(NOT_SET_UP)
                choices.append((value, f"{label} · {shown}"))
        channel.choices = choices
