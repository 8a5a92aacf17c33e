"""allauth's forms as this site uses them (``ACCOUNT_FORMS``); a module of their own because
``allauth.account.forms`` imports the sign-up form class from ``tourism.adapter``."""

from typing import Any

from allauth.account.forms import ChangePhoneForm, RequestLoginCodeForm, VerifyPhoneForm
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from django.core.exceptions import ValidationError

from tourism.adapter import CONTACT_NEEDED, add_human_check, phone_taken_refusal


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


class HumanCheckedChangePhoneForm(ChangePhoneForm):
    """allauth's "change my number" form (the phone page, and "use a different number" while verifying a
    sign-up), with a picture code once the client nears a limit on codes, as on the sign-up and code
    pages: each change texts a code to the new number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_human_check(self)


class PhoneTakenExplainedVerifyPhoneForm(VerifyPhoneForm):
    """allauth's "enter the code" form for a number: once the right code proves the number the person's,
    allauth refuses a number another account has verified with a bare form error; this page says how to
    join up instead (sign out, sign in there by code, link WeChat there), with a button to sign out."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code == "phone_taken":
                raise ImmediateHttpResponse(phone_taken_refusal(context.request, self.user)) from error
            raise
