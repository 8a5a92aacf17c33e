"""The lead guest's contact details on a booking."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NAME_MAX_LENGTH = 60
MAINLAND_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
MAINLAND_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
INTERNATIONAL = re.compile(r"^(?:\+|00)[1-9]\d{6,14}$")


def normalize_phone(phone: str) -> str:
    """A mainland mobile as its 11 digits, a landline with its area code, others as ``+`` and digits;
    ``ValidationError`` if it is none of these."""
    compact = re.sub(r"[\s()\-]", "", phone or "")
    mobile = MAINLAND_MOBILE.match(compact)
    if mobile:
        return mobile.group(1)
    if MAINLAND_LANDLINE.match(compact):
        return compact
    if INTERNATIONAL.match(compact):
        return "+" + compact.removeprefix("+").removeprefix("00")
    raise ValidationError(
        _("请填写正确的手机号码 Enter a valid phone number (international numbers start with +)"),
        code="phone",
    )


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name.isprintable():
        raise ValidationError(_("姓名含有无效字符 The name contains invalid characters"), code="name")
    if not name:
        raise ValidationError(_("请填写姓名 Enter the name"), code="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("姓名最多%(n)s个字 A name has at most %(n)s characters") % {"n": NAME_MAX_LENGTH}, code="name"
        )
    return name


def validate_contact(*, name: str, phone: str) -> tuple[str, str]:
    return clean_name(name), normalize_phone(phone)
