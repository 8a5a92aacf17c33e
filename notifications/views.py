"""The signed-in person's choice of how and in which language the platform writes to them, and the
address WeChat pushes its message events to (``notifications.wechat_push``)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications.forms import PreferenceForm
from notifications.models import Channel
from notifications.privacy import mask_address
from notifications.routing import OWNER
from notifications.services import contact_preference_get, contact_preference_set, route_for
from notifications.wechat_push import PushRefused, push_read, push_record, push_verify
from villages.roles import SignedInRequest, is_owner

logger = logging.getLogger(__name__)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    current = contact_preference_get(user=request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"channel": current.channel, "language": current.language},
        user=request.user,
    )
    if request.method == "POST":
        if form.is_valid():
            contact_preference_set(user=request.user, **form.cleaned_data)
            messages.success(request, _("通知设置已保存"))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", _context(request, form), status=400)
    return render(request, "notifications/preferences.html", _context(request, form))


def _context(request: SignedInRequest, form: PreferenceForm) -> dict:
    owner = is_owner(request.user)
    channel, address, _language = route_for(request.user, role=OWNER if owner else "guest")
    return {
        "form": form,
        "owner": owner,
        "now_channel": Channel(channel).label if address else "",
        "now_address": mask_address(address),
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def wechat_push(request: HttpRequest) -> HttpResponse:
    """WeChat's check of the address (GET: ``echostr`` back) and its pushes (POST: ``success``); a
    request not signed with our token is 400. Off (404) until ``WECHAT_PUSH_TOKEN`` is set."""
    if not getattr(settings, "WECHAT_PUSH_TOKEN", ""):
        raise Http404
    try:
        if request.method == "GET":
            push_verify(query=request.GET)
            return HttpResponse(request.GET.get("echostr", ""), content_type="text/plain; charset=utf-8")
        push = push_read(query=request.GET, body=request.body)
    except PushRefused as refusal:
        logger.info("WeChat push refused: %s", refusal)
        return HttpResponse("invalid push", status=400, content_type="text/plain; charset=utf-8")
    push_record(push=push)
    return HttpResponse("success", content_type="text/plain; charset=utf-8")
