"""Phone numbers: read as people type them, stored in E.164, shown masked.

A number typed without a country code is read as a mainland China number (``13812345678``), so
``138 1234 5678``, ``+86 138-1234-5678`` and ``008613812345678`` all become ``+8613812345678``.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "CN"
HIDDEN = "****"


def phone_normalize(text: str, *, region: str = DEFAULT_REGION) -> str:
    """The number in E.164 (``+8613812345678``), or ``ValidationError`` when it is not a valid number."""
    text = (text or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("手机号码不正确，请输入11位手机号 Enter a valid mobile number, e.g. 13812345678"),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_mask(phone: str) -> str:
    """``+8613812345678`` -> ``+86 138****5678``: the country code, the first three and the last four
    digits of the national number, enough to recognise a number and not to call it."""
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return HIDDEN + phone[-4:] if len(phone) > 4 else HIDDEN
    national = str(number.national_number)
    if len(national) < 8:
        return f"+{number.country_code} {HIDDEN}{national[-2:]}"
    return f"+{number.country_code} {national[:3]}{HIDDEN}{national[-4:]}"
