"""Who is signed in, for every part of the JSON API: the mini-program sends allauth's X-Session-Token,
the site's pages the session cookie and the CSRF token. A request with neither is told to sign in."""

from allauth.headless.contrib.ninja.security import XSessionTokenAuth
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.security import SessionAuth
from ninja.utils import check_csrf

SIGN_IN_REQUIRED = "请先登录。Please sign in."
CSRF_FAILED = "安全校验失败,请刷新页面后重试 / Security check (CSRF) failed: reload the page and try again"


class SessionTokenAuth(XSessionTokenAuth):
    """allauth's X-Session-Token check, with the header named in the OpenAPI document so clients see it."""

    openapi_in = "header"
    openapi_name = "X-Session-Token"


class SessionCookieAuth(SessionAuth):
    """The browser's session cookie. The CSRF token is required only when the cookie signs someone in, so
    an anonymous request gets 401 (sign in) rather than 403, and the 403 says what to do in both languages."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)


class SignedInApiRequest(HttpRequest):
    """The request an endpoint with ``auth=SIGNED_IN`` receives (for the type checker): ninja sets ``auth``
    to the signed-in user."""

    auth: User


session_token_auth = SessionTokenAuth()
SIGNED_IN = [session_token_auth, SessionCookieAuth()]


def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """The API's answer to a missing, invalid or expired sign-in, in words a person understands."""
    return JsonResponse({"detail": SIGN_IN_REQUIRED}, status=exc.status_code)
