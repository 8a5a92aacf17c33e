"""The signed-in person's choice of how and in which language the platform writes to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import PreferenceForm
from notifications.services import contact_preference_get, contact_preference_set
from villages.roles import SignedInRequest


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: SignedInRequest) -> HttpResponse:
    current = contact_preference_get(user=request.user)
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"channel": current.channel, "language": current.language},
    )
    if request.method == "POST":
        if form.is_valid():
            contact_preference_set(user=request.user, **form.cleaned_data)
            messages.success(request, _("通知设置已保存"))
            return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    return render(request, "notifications/preferences.html", {"form": form})
