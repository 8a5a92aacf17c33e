"""allauth's forms as this site uses them (``ACCOUNT_FORMS``); a module of their own because
``allauth.account.forms`` imports the sign-up form class from ``tourism.adapter``."""

from typing import Any

from allauth.account.forms import RequestLoginCodeForm
from django.core.exceptions import ValidationError

from tourism.adapter import CONTACT_NEEDED, add_human_check


class HumanCheckedRequestLoginCodeForm(RequestLoginCodeForm):
    """allauth's "send me a sign-in code" form, with a picture code once the client nears a limit, and
    a phone or an e-mail required (with both sign-in methods allauth requires neither, and an empty form
    would reach its view without a person to look up)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_human_check(self)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if not self.errors and not (self.cleaned_data.get("phone") or self.cleaned_data.get("email")):
            raise ValidationError(CONTACT_NEEDED, code="contact")
        return data
