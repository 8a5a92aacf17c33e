"""Signing in with WeChat (微信登录) on the website.

Two WeChat apps can sign a person in here, both through WeChat's OAuth 2.0 web authorisation:

- inside WeChat's own browser, the group's **official account** (公众号, ``WECHAT_OA_APPID``): the page
  ``open.weixin.qq.com/connect/oauth2/authorize`` first with ``snsapi_base`` (silent, no prompt: enough
  for someone whose openid is already known) and, for someone new, once more with ``snsapi_userinfo``
  (WeChat asks the person) to learn their UnionID and name. No QR code: a phone cannot scan its own
  screen;
- elsewhere, the **website app** of the Open Platform (网站应用, ``WEIXIN_APP_ID``): the QR code of
  ``connect/qrconnect`` (``snsapi_login``) that the person scans with WeChat on their phone.

Either way the code comes back to ``callback``, is exchanged once at ``/sns/oauth2/access_token`` (through
``common.wechat_api``), and the person is found by UnionID (``common.wechat_ids``): the website, the
official account and the mini-program are one person, never three. Each app is on only when its AppID and
secret are set; with neither, there is no button and every address here answers 404.

These are our own views rather than allauth's ``weixin`` provider: allauth keys a social account by
(provider, openid), so one person would be one row per app and a UnionID seen first in the mini-program
would make a second person; the state check, the one-time code and WeChat's errors are a few lines here.
"""

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common import wechat_api
from common.contact import has_verified_contact
from common.models import WeChatIdentity, WeChatOpenId
from common.wechat_browser import in_wechat
from common.wechat_ids import (
    WeChatLinkConflict,
    wechat_account_retire,
    wechat_link,
    wechat_only_and_unused,
    wechat_unlink,
    wechat_user,
)

SESSION_KEY = "wechat_oauth"
STATE_TTL = 600  # seconds a sign-in may take between leaving for WeChat and coming back
PENDING_MAX = 5  # sign-ins started in other tabs that stay valid
BASE, USERINFO, LOGIN = "snsapi_base", "snsapi_userinfo", "snsapi_login"
# The allauth provider the website's QR login used before these views: its accounts still sign in.
LEGACY_PROVIDER = "weixin"


class WeChatLoginError(Exception):
    """A sign-in that cannot finish; ``message`` is for the person (Chinese first), nothing changed."""

    def __init__(self, message: Any, *, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


EXPIRED = _(
    "微信登录已过期或链接无效，请重新登录 The WeChat sign-in expired or the link is not valid; try again"
)
CANCELLED = _("您没有同意微信授权，未登录 You did not allow WeChat to sign you in")
CODE_USED = _("微信授权码已失效，请重新登录 The WeChat code is no longer valid; sign in again")
UNREACHABLE = _("暂时连不上微信，请稍后再试 WeChat cannot be reached right now; try again later")
REFUSED = _("微信拒绝了这次登录，请稍后再试 WeChat refused this sign-in; try again later")
INACTIVE = _("此账号已停用 This account is disabled")
# Codes WeChat answers for a code that is wrong, used or expired (40029 invalid, 40163 used, 42003 expired).
CODE_ERRORS = {40029, 40163, 42003}


@dataclass(frozen=True)
class App:
    appid: str
    secret: str
    kind: str  # WeChatOpenId.Kind
    authorize_path: str
    scope: str


def official_account() -> App | None:
    appid, secret = settings.WECHAT_OA_APPID, settings.WECHAT_OA_SECRET
    if not (appid and secret):
        return None
    return App(appid, secret, WeChatOpenId.Kind.OFFICIAL_ACCOUNT, "/connect/oauth2/authorize", BASE)


def website() -> App | None:
    appid, secret = settings.WEIXIN_APP_ID.strip(), settings.WEIXIN_APP_SECRET.strip()
    if not (appid and secret):
        return None
    return App(appid, secret, WeChatOpenId.Kind.WEBSITE, "/connect/qrconnect", LOGIN)


def app_for(request: HttpRequest) -> App | None:
    """The app that can sign this browser in: the official account inside WeChat (never the QR code,
    which a phone cannot scan), the website's QR login elsewhere; None when that one is not set up."""
    return official_account() if in_wechat(request) else website()


def app_by_id(appid: str) -> App | None:
    return next((app for app in (official_account(), website()) if app and app.appid == appid), None)


def authorize_url(request: HttpRequest, app: App, *, scope: str, process: str, next_url: str) -> str:
    """WeChat's authorisation page, with a one-time state remembered in the session."""
    state = secrets.token_urlsafe(16)
    pending = {
        key: value
        for key, value in request.session.get(SESSION_KEY, {}).items()
        if value.get("at", 0) > time.time() - STATE_TTL
    }
    pending[state] = {
        "appid": app.appid,
        "scope": scope,
        "process": process,
        "next": next_url,
        "user": request.user.pk if request.user.is_authenticated else None,
        "at": time.time(),
    }
    request.session[SESSION_KEY] = dict(sorted(pending.items(), key=lambda kv: kv[1]["at"])[-PENDING_MAX:])
    callback = request.build_absolute_uri(reverse("wechat_callback"))
    query = urlencode(
        {
            "appid": app.appid,
            "redirect_uri": callback,
            "response_type": "code",
            "scope": scope,
            "state": state,
        }
    )
    return f"{settings.WECHAT_OPEN_BASE.rstrip('/')}{app.authorize_path}?{query}#wechat_redirect"


def state_take(request: HttpRequest, state: str) -> dict:
    """The pending sign-in this state names, removed so it serves once; ``WeChatLoginError`` if it is not
    one this browser started, or it is too old."""
    pending = dict(request.session.get(SESSION_KEY, {}))
    started = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if not started or started.get("at", 0) <= time.time() - STATE_TTL:
        raise WeChatLoginError(EXPIRED)
    if started["user"] != (request.user.pk if request.user.is_authenticated else None):
        raise WeChatLoginError(EXPIRED)
    return started


@dataclass(frozen=True)
class WeChatPerson:
    """Who WeChat says came back: their openid in the app, and their UnionID and name when known."""

    app: App
    openid: str
    unionid: str | None
    nickname: str
    scope: str


def _sns(path: str, params: dict) -> dict:
    try:
        return wechat_api.sns(path, params)
    except wechat_api.WeChatAPIError as error:
        if error.errcode in CODE_ERRORS:
            raise WeChatLoginError(CODE_USED) from error
        if error.errcode is None or error.retryable:
            raise WeChatLoginError(UNREACHABLE, status=503) from error
        raise WeChatLoginError(REFUSED, status=502) from error


def code_exchange(app: App, code: str) -> WeChatPerson:
    """The code traded for the person (WeChat accepts each code once, within five minutes), with their
    profile from ``/sns/userinfo`` when the scope allows it."""
    token = _sns(
        "/sns/oauth2/access_token",
        {"appid": app.appid, "secret": app.secret, "code": code, "grant_type": "authorization_code"},
    )
    openid = str(token.get("openid") or "")
    if not openid or not token.get("access_token"):
        raise WeChatLoginError(REFUSED, status=502)
    scope = str(token.get("scope") or "")
    unionid, nickname = token.get("unionid") or None, ""
    if USERINFO in scope or LOGIN in scope:
        profile = _sns(
            "/sns/userinfo", {"access_token": token["access_token"], "openid": openid, "lang": "zh_CN"}
        )
        if profile.get("openid") and profile["openid"] != openid:
            raise WeChatLoginError(REFUSED, status=502)
        unionid = profile.get("unionid") or unionid
        nickname = str(profile.get("nickname") or "")[:100]
    return WeChatPerson(app, openid, unionid, nickname, scope)


def known_person(person: WeChatPerson) -> User | None:
    """The account this WeChat person already has: by UnionID (any of the group's apps), by openid in
    this app, or an account made by the website's earlier allauth WeChat login."""
    user = wechat_user(appid=person.app.appid, openid=person.openid, unionid=person.unionid)
    if user is None and person.app.kind == WeChatOpenId.Kind.WEBSITE:
        legacy = SocialAccount.objects.filter(provider=LEGACY_PROVIDER, uid=person.openid).first()
        user = legacy.user if legacy else None
    return user


def _record(user: User, person: WeChatPerson) -> None:
    wechat_link(
        user,
        appid=person.app.appid,
        kind=person.app.kind,
        openid=person.openid,
        unionid=person.unionid,
        nickname=person.nickname,
    )


def wechat_sign_in(person: WeChatPerson) -> tuple[User, bool]:
    """The person's account, made for them if WeChat has never signed them in here (no e-mail, no phone,
    no password: they add a phone before booking); ``True`` when it is new. The openid in this app is
    recorded either way (JSAPI payment reads the official account's). Two first sign-ins at once make
    one account: the loser of the UnionID's unique constraint finds the winner's."""
    for _attempt in (0, 1):
        user = known_person(person)
        created = user is None
        try:
            with transaction.atomic():
                if user is None:
                    user = _new_user(person)
                _record(user, person)
            return user, created
        except WeChatLinkConflict:
            if not created:
                raise
    raise WeChatLinkConflict("concurrent first sign-ins")


def _new_user(person: WeChatPerson) -> User:
    username = get_account_adapter().generate_unique_username(["wechat", "wx"])
    user = get_user_model()(username=username, first_name=person.nickname[:150])
    user.set_unusable_password()
    user.save()
    return user


def wechat_connect(user: User, person: WeChatPerson) -> None:
    """Link this WeChat to the signed-in account. If it is the WeChat of an account a WeChat sign-in
    made and nobody used (someone with a phone account who tapped 微信一键登录 first), that account
    gives it up and is switched off; the WeChat of an account that has been used is never moved
    (``WeChatLinkConflict``), nor is a second WeChat linked to this account."""
    other = known_person(person)
    if other is not None and other.pk != user.pk and not wechat_only_and_unused(other):
        raise WeChatLinkConflict(LINKED_ELSEWHERE)
    identity = WeChatIdentity.objects.filter(user=user).first()
    if identity is not None and (
        (identity.unionid and person.unionid and identity.unionid != person.unionid)
        or identity.openids.filter(appid=person.app.appid).exclude(openid=person.openid).exists()
    ):
        raise WeChatLinkConflict(OTHER_WECHAT)
    try:
        with transaction.atomic():
            if other is not None and other.pk != user.pk:
                SocialAccount.objects.filter(user=other, provider=LEGACY_PROVIDER).delete()
                wechat_account_retire(other)
            _record(user, person)
    except WeChatLinkConflict as conflict:
        raise WeChatLinkConflict(LINKED_ELSEWHERE) from conflict


def wechat_disconnect(user: User) -> bool:
    """Unlink the account's WeChat (every app's openid, and the website's earlier allauth link); True if
    there was one. Refused (``WeChatLoginError``) when WeChat is the account's only way in: it must keep
    a verified phone (SMS code) or a verified e-mail (code or password) to sign in with afterwards."""
    if not has_verified_contact(user):
        raise WeChatLoginError(LAST_WAY_IN, status=409)
    with transaction.atomic():
        legacy, _rows = SocialAccount.objects.filter(user=user, provider=LEGACY_PROVIDER).delete()
        return wechat_unlink(user) or bool(legacy)


LINKED_ELSEWHERE = _(
    "这个微信已用于另一个账号。那个账号已经用过（有预订、订单、密码或已验证的手机号、邮箱），不会自动合并："
    "请用微信登录那个账号；若要把微信改绑到这里，请先在那个账号的「微信绑定」页解除绑定。 "
    "This WeChat already belongs to another account that has been used (bookings, orders, a password, or "
    "a verified phone or e-mail), so it is not moved here: sign in to that account with WeChat, or unlink "
    "WeChat there first and then link it here."
)
LAST_WAY_IN = _(
    "微信是这个账号唯一的登录方式。请先绑定并验证手机号，再解除微信绑定。 "
    "WeChat is the only way into this account: add and verify a phone number before unlinking it."
)
OTHER_WECHAT = _(
    "此账号已绑定另一个微信，请先解除绑定。 This account is linked to another WeChat; unlink it first."
)
