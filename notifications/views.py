"""The signed-in person's choice of how and in which language the platform writes to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import PreferenceForm
from notifications.models import Channel
from notifications.privacy import mask_address
from notifications.routing import OWNER
from notifications.services import contact_preference_get, contact_preference_set, route_for
from villages.roles import SignedInRequest, is_owner


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
