"""The WeChat sign-in pages (``tourism.wechat_login``): leaving for WeChat's authorisation, coming back
with the code, and the account page that links and unlinks WeChat. All 404 while WeChat is not set up."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.contact import has_verified_contact
from common.models import WeChatIdentity
from common.wechat_ids import WeChatLinkConflict
from tourism import wechat_login as wx
from villages.roles import SignedInRequest

LOGIN, LINK = "login", "link"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def wechat_enabled(view):
    """404 for every WeChat address while neither WeChat app is set up."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if wx.official_account() is None and wx.website() is None:
            raise Http404(str(_("微信登录未开启 WeChat sign-in is not available here")))
        return view(request, *args, **kwargs)

    return wrapped


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _failed(request: HttpRequest, message, *, status: int) -> HttpResponse:
    return render(request, "account/wechat_failed.html", {"message": message}, status=status)


@never_cache
@wechat_enabled
@require_GET
def wechat_start(request: HttpRequest) -> HttpResponse:
    """To WeChat's authorisation page: ``?process=link`` links WeChat to the signed-in account."""
    app = wx.app_for(request)
    if app is None:
        raise Http404(str(_("微信登录未开启 WeChat sign-in is not available here")))
    process = LINK if request.GET.get("process") == LINK else LOGIN
    if process == LINK and not request.user.is_authenticated:
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
    fallback = reverse("wechat_account") if process == LINK else reverse(settings.LOGIN_REDIRECT_URL)
    next_url = _next(request, fallback)
    if process == LOGIN and request.user.is_authenticated:
        return redirect(next_url)
    # Linking needs the UnionID, which snsapi_base does not give.
    scope = wx.USERINFO if process == LINK and app.scope == wx.BASE else app.scope
    return redirect(wx.authorize_url(request, app, scope=scope, process=process, next_url=next_url))


@never_cache
@wechat_enabled
@require_GET
def wechat_callback(request: HttpRequest) -> HttpResponse:
    """WeChat sends the person back here with ``code`` and our ``state``."""
    try:
        started = wx.state_take(request, request.GET.get("state", ""))
        app = wx.app_by_id(started["appid"])
        if app is None:
            raise Http404
        code = request.GET.get("code", "")
        if not code:
            raise wx.WeChatLoginError(wx.CANCELLED)
        person = wx.code_exchange(app, code)
        if started["process"] == LINK:
            return _linked(request, person, started["next"])
        if person.scope == wx.BASE and wx.known_person(person) is None:
            # Someone new: ask WeChat once for their UnionID and name, so an account they already have
            # through the mini-program or the website is found, never duplicated.
            return redirect(
                wx.authorize_url(request, app, scope=wx.USERINFO, process=LOGIN, next_url=started["next"])
            )
        user, _created = wx.wechat_sign_in(person)
    except wx.WeChatLoginError as error:
        return _failed(request, error.message, status=error.status)
    except WeChatLinkConflict as conflict:
        return _failed(request, str(conflict), status=409)
    if not user.is_active:
        return _failed(request, wx.INACTIVE, status=403)
    login(request, user, backend=BACKEND)
    messages.success(request, _("已用微信登录 Signed in with WeChat"))
    return redirect(started["next"])


def _linked(request: HttpRequest, person: wx.WeChatPerson, next_url: str) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # state_take has checked it is the account that started the link
        raise wx.WeChatLoginError(wx.EXPIRED)
    try:
        wx.wechat_connect(user, person)
    except WeChatLinkConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("wechat_account")
    messages.success(request, _("已绑定微信，以后可以用微信登录 WeChat is linked: you can sign in with it"))
    return redirect(next_url)


@never_cache
@wechat_enabled
@login_required
def wechat_account(request: SignedInRequest) -> HttpResponse:
    """The account page: whether WeChat is linked, and the button to link or unlink it."""
    identity = WeChatIdentity.objects.filter(user=request.user).first()
    return render(
        request,
        "account/wechat.html",
        {
            "identity": identity,
            "can_link": wx.app_for(request) is not None,
            "can_unlink": has_verified_contact(request.user),
        },
    )


@wechat_enabled
@require_POST
@login_required
def wechat_unlink(request: SignedInRequest) -> HttpResponse:
    try:
        if wx.wechat_disconnect(request.user):
            messages.success(request, _("已解除微信绑定 WeChat is unlinked"))
    except wx.WeChatLoginError as error:
        messages.error(request, error.message)
    return redirect("wechat_account")
