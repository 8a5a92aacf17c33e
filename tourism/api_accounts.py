"""Who is signed in, for the mini-program (allauth's X-Session-Token) and for pages (the session cookie)."""

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import django_auth

from villages.roles import is_group_staff, is_owner

SIGN_IN_REQUIRED = "请先登录。Please sign in."

router = Router(tags=["accounts"])


class SessionTokenAuth(XSessionTokenAuth):
    """allauth's X-Session-Token check, with the header named in the OpenAPI document so clients see it."""

    openapi_in = "header"
    openapi_name = "X-Session-Token"


session_token_auth = SessionTokenAuth()


class RolesOut(Schema):
    owner: bool
    group_staff: bool


class MeOut(Schema):
    id: int
    email: str
    roles: RolesOut
    language: str = Field(
        description="The person's language: the site's language cookie, else Accept-Language, else zh-hans."
    )


@router.get(
    "/me",
    response=MeOut,
    auth=[session_token_auth, django_auth],
    summary="当前用户 The signed-in user",
    description="Send the X-Session-Token from /_allauth/app/v1/auth/login, or the browser's session cookie.",
)
def me(request: HttpRequest):
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "roles": {"owner": is_owner(user), "group_staff": is_group_staff(user)},
        "language": translation.get_language_from_request(request),
    }


def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """The API's answer to a missing, invalid or expired sign-in, in words a person understands."""
    return JsonResponse({"detail": SIGN_IN_REQUIRED}, status=exc.status_code)
