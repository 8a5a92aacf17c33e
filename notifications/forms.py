from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.channels import channels_enabled
from notifications.models import Channel


class PreferenceForm(forms.Form):
    """How a person wants to hear from the platform: the channel among those enabled, and the language."""

    channel = forms.ChoiceField(label=_("通知方式"), widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("通知语言"), choices=settings.LANGUAGES, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        enabled = channels_enabled()
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)
        channel.choices = [(value, label) for value, label in Channel.choices if value in enabled]
