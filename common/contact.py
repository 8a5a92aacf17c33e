"""Whether a person can be reached and can sign in without WeChat: a verified phone number or a verified
e-mail address. Signing in by phone or e-mail asks for one before the person is in
(``tourism.adapter.ContactVerificationStage``); signing in with WeChat does not, so booking and unlinking
WeChat ask here."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from common.models import UserPhone, WeChatIdentity


def has_verified_contact(user) -> bool:
    if not (user and user.pk):
        return False
    return (
        UserPhone.objects.filter(user=user, verified=True).exists()
        or EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def contact_missing(user) -> bool:
    """A person signed in by WeChat alone, with neither a verified phone nor a verified e-mail: before
    booking they are asked to add a phone. Everyone who signed up by phone or e-mail chose a password and
    verified one before signing in, so a usable password answers without a query (booking counts its
    statements); an account WeChat made has none."""
    if not (user and user.pk) or user.has_usable_password():
        return False
    return WeChatIdentity.objects.filter(user=user).exists() and not has_verified_contact(user)


# The session key of the page (a path of this site) to go back to once a phone is verified.
CONTACT_NEXT = "contact_next"
CONTACT_REQUIRED = _(
    "预订前请先绑定并验证手机号，方便民宿联系您。 "
    "Add and verify your phone number before booking, so the homestay can reach you."
)
