"""The mini-program's sign-in and phone number: the use cases behind ``tourism.api_miniprogram``.

``miniprogram_sign_in`` exchanges a ``wx.login`` code through WeChat's ``code2Session``
(``/sns/jscode2session``) for the person's openid and UnionID, finds the person by UnionID (one person
across the website, the official account and the mini-program) or openid, or creates a WeChat-only
account (no e-mail, no phone), and records the openid. ``session_token_issue`` then signs them in with
the same allauth session token (``X-Session-Token``) every other API call uses. The ``session_key``
WeChat returns stays in that server-side session; it is never sent back.

``miniprogram_phone_bind`` reads the number of the ``getPhoneNumber`` button's code through
``/wxa/business/getuserphonenumber`` (WeChat has verified it) and stores it as the person's verified
phone, unless another account has verified it.

Each failure is a ``MiniProgramError`` with the HTTP status and ``code`` the API answers; nothing is
changed when one is raised.
"""

import logging
import secrets

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from common import wechat_api
from common.models import UserPhone, WeChatOpenId
from common.phones import phone_normalize
from common.ratelimit import address_network, attempt_count, client_address
from common.user_phones import PhoneTaken, user_phone_verify
from common.wechat_api import WeChatAPIError
from common.wechat_ids import (
    WeChatLinkConflict,
    wechat_account_retire,
    wechat_link,
    wechat_only_and_unused,
    wechat_user,
)

logger = logging.getLogger(__name__)

SESSION_KEY_NAME = "wechat_mini_session_key"
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


class MiniProgramError(Exception):
    def __init__(self, message, *, status: int, code: str):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.code = code


NOT_CONFIGURED = _("小程序登录未开启 Mini-program sign-in is not enabled on this site")
UNAVAILABLE = _("微信暂时无法响应，请稍后再试 WeChat did not answer; try again in a moment")
# What each errcode of code2Session or the phone API means to the person, and the answer's status.
ERRORS = {
    40029: (400, "invalid_code", _("登录凭证无效，请重新登录 The code is not valid; sign in again")),
    40163: (400, "code_used", _("登录凭证已使用，请重新登录 The code was already used; sign in again")),
    45011: (429, "too_frequent", _("操作太频繁，请稍后再试 Too many attempts; try again in a minute")),
    40226: (
        403,
        "risky_user",
        _("微信判定此账号存在风险，暂不能登录 WeChat has blocked this account for now"),
    ),
}
PHONE_TAKEN = _(
    "这个手机号已属于另一个账户。请退出后用这个手机号和短信验证码登录那个账户 "
    "This number belongs to another account: sign out, then sign in to that account with the number "
    "and an SMS code"
)
PHONE_INVALID = _("微信返回的手机号无法识别 WeChat gave a number this site cannot read")
INACTIVE = _("此账户已停用 This account is disabled")
WECHAT_CONFLICT = _(
    "此微信已绑定其他账号，请联系客服 This WeChat is linked to another account; please contact us"
)


def mini_appid() -> str:
    appid = getattr(settings, "WECHAT_MINI_APPID", "")
    if not (appid and getattr(settings, "WECHAT_MINI_SECRET", "")):
        raise MiniProgramError(NOT_CONFIGURED, status=404, code="not_configured")
    return appid


def _refusal(error: WeChatAPIError) -> MiniProgramError:
    if error.errcode in ERRORS:
        status, code, message = ERRORS[error.errcode]
        return MiniProgramError(message, status=status, code=code)
    # Busy, timeouts, unreachable, and errors of our configuration (a wrong secret): nothing the
    # person can fix; the log says which for staff.
    logger.warning("WeChat mini-program call failed: errcode %s", error.errcode)
    return MiniProgramError(UNAVAILABLE, status=503, code="wechat_unavailable")


TOO_MANY = _("登录尝试太多，请稍后再试 Too many sign-in attempts; try again in a minute")


def sign_in_limit(request) -> None:
    """At most ``MINIPROGRAM_LOGIN_PER_ADDRESS_PER_MINUTE`` sign-ins per client address: made-up codes
    sent in bulk would otherwise each cost a call to WeChat, and WeChat's own frequency limit (45011)
    would then refuse real people too."""
    address = client_address(request)
    limit = getattr(settings, "MINIPROGRAM_LOGIN_PER_ADDRESS_PER_MINUTE", 30)
    if address and attempt_count(f"miniprogram-login:{address_network(address)}", limit):
        raise MiniProgramError(TOO_MANY, status=429, code="too_many_attempts")


def code_to_session(code: str) -> dict:
    """WeChat's ``code2Session``: ``openid``, ``session_key`` and (when the mini-program is bound to the
    group's Open Platform account) ``unionid``."""
    appid = mini_appid()
    try:
        data = wechat_api.sns(
            "/sns/jscode2session",
            {
                "appid": appid,
                "secret": settings.WECHAT_MINI_SECRET,
                "js_code": code,
                "grant_type": "authorization_code",
            },
        )
    except WeChatAPIError as error:
        raise _refusal(error) from error
    if not data.get("openid") or not data.get("session_key"):
        logger.warning("WeChat code2Session answered without openid or session_key")
        raise MiniProgramError(UNAVAILABLE, status=503, code="wechat_unavailable")
    return data


def _new_wechat_user() -> User:
    """A WeChat-only account: a generated username, no e-mail, no password to guess."""
    return get_user_model().objects.create_user(username="wx_" + secrets.token_hex(8), email="")


def miniprogram_sign_in(*, code: str) -> tuple[User, str, bool]:
    """The person this ``wx.login`` code belongs to, their ``session_key``, and whether the account was
    made now."""
    session = code_to_session(code)
    appid = mini_appid()
    openid, unionid = session["openid"], session.get("unionid") or None
    for _attempt in (0, 1):
        user = wechat_user(appid=appid, openid=openid, unionid=unionid)
        created = user is None
        if user is not None and not user.is_active:
            raise MiniProgramError(INACTIVE, status=403, code="inactive")
        try:
            with transaction.atomic():
                if user is None:
                    user = _new_wechat_user()
                wechat_link(
                    user, appid=appid, kind=WeChatOpenId.Kind.MINI_PROGRAM, openid=openid, unionid=unionid
                )
        except (WeChatLinkConflict, IntegrityError) as error:
            if created:
                # Another sign-in of the same person (a second tap, the official account at the same
                # moment) made their account between our look-up and our write: look again.
                continue
            # Their UnionID is one person's and this openid another's: never merged silently.
            raise MiniProgramError(WECHAT_CONFLICT, status=409, code="wechat_conflict") from error
        return user, session["session_key"], created
    raise MiniProgramError(WECHAT_CONFLICT, status=409, code="wechat_conflict")


def miniprogram_link(*, user: User, code: str) -> None:
    """Link the mini-program's WeChat (a fresh ``wx.login`` code) to the signed-in account, e.g. one
    signed in by phone and SMS code after ``phone_taken``: from then on the mini-program signs in to this
    account. An unused WeChat-only account that an earlier mini-program sign-in made for this WeChat
    gives it up (and is switched off); a WeChat that belongs to a real account is refused (409)."""
    session = code_to_session(code)
    appid = mini_appid()
    openid, unionid = session["openid"], session.get("unionid") or None
    try:
        with transaction.atomic():
            owner = wechat_user(appid=appid, openid=openid, unionid=unionid)
            if owner is not None and owner.pk != user.pk:
                if not wechat_only_and_unused(owner):
                    raise WeChatLinkConflict(WECHAT_CONFLICT)
                wechat_account_retire(owner)
            wechat_link(
                user, appid=appid, kind=WeChatOpenId.Kind.MINI_PROGRAM, openid=openid, unionid=unionid
            )
    except (WeChatLinkConflict, IntegrityError) as error:
        raise MiniProgramError(WECHAT_CONFLICT, status=409, code="wechat_conflict") from error


def session_token_issue(request, user: User, *, session_key: str = "") -> str:
    """An allauth app session (``X-Session-Token``) in which ``user`` is signed in, as allauth's own
    login endpoint makes one; the WeChat ``session_key`` is kept in it, server-side."""
    from allauth.headless import app_settings
    from allauth.headless.internal import sessionkit
    from django.contrib.auth import user_logged_in

    session = sessionkit.new_session()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = AUTH_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if session_key:
        session[SESSION_KEY_NAME] = session_key
    session.save()
    original = request.session
    request.session = session
    try:
        token = app_settings.TOKEN_STRATEGY.create_session_token(request)
    finally:
        request.session = original
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token


@transaction.atomic
def miniprogram_phone_bind(*, user: User, code: str) -> UserPhone:
    """Store the number WeChat verified for this person as their verified phone (replacing another
    number of theirs, and taking it from accounts that only typed it); ``phone_taken`` (409) when
    another account has verified it."""
    appid = mini_appid()
    try:
        data = wechat_api.call(appid, "POST", "/wxa/business/getuserphonenumber", json={"code": code})
    except WeChatAPIError as error:
        raise _refusal(error) from error
    info = data.get("phone_info") or {}
    if (info.get("watermark") or {}).get("appid") != appid:
        logger.warning("WeChat phone number answer for another app")
        raise MiniProgramError(UNAVAILABLE, status=503, code="wechat_unavailable")
    try:
        number = phone_normalize(f"+{info.get('countryCode', '86')}{info.get('purePhoneNumber', '')}")
    except ValidationError as error:
        raise MiniProgramError(PHONE_INVALID, status=422, code="phone_invalid") from error
    try:
        return user_phone_verify(user=user, number=number)
    except PhoneTaken as error:
        raise MiniProgramError(PHONE_TAKEN, status=409, code="phone_taken") from error
