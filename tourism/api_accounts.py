"""Who is signed in, for the mini-program (allauth's X-Session-Token) and for pages (the session cookie)."""

from django.utils import translation
from ninja import Field, Router, Schema

from common.models import UserPhone
from common.phones import phone_mask
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.fields import ErrorOut
from villages.roles import is_group_staff, is_owner

router = Router(tags=["accounts"])


class RolesOut(Schema):
    owner: bool
    group_staff: bool


class MeOut(Schema):
    id: int
    email: str
    phone: str = Field(description="The verified mobile number, masked (+86 138****5678); empty if none.")
    roles: RolesOut
    language: str = Field(
        description="The person's language: the site's language cookie, else Accept-Language, else zh-hans."
    )


@router.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    auth=SIGNED_IN,
    summary="当前用户 The signed-in user",
    description="Send the X-Session-Token from /_allauth/app/v1/auth/login, or the browser's session cookie.",
)
def me(request: SignedInApiRequest):
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "phone": phone_mask(phone.number)
        if (phone := UserPhone.objects.filter(user=user, verified=True).first())
        else "",
        "roles": {"owner": is_owner(user), "group_staff": is_group_staff(user)},
        "language": translation.get_language_from_request(request),
    }
