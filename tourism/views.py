"""Site-wide pages: the home page, 我的 (a signed-in person's hub on a phone) and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import Resolver404
from django.views.decorators.http import require_GET

from events.selectors import events_upcoming
from shareholders.selectors import shareholdings_of
from villages import selectors
from villages.views import village_marker

HOME_EVENTS = 4


def home(request):
    villages = list(selectors.villages_published())
    themes = {theme.slug: theme for village in villages for theme in village.themes.all()}
    return render(
        request,
        "home.html",
        {
            "villages": villages,
            "events": events_upcoming(limit=HOME_EVENTS),
            "themes": sorted(themes.values(), key=lambda theme: (theme.order, theme.slug)),
            "map_data": {"markers": [village_marker(village) for village in villages], "lines": []},
        },
    )


@login_required
@require_GET
def me(request):
    """我的: what a person reaches from the tab bar's fourth tab on a phone: their bookings, account,
    notification settings, the consoles of their roles, their dividends if they head a member
    household (入股农户), and signing out."""
    return render(request, "me.html", {"user_has_dividends": bool(shareholdings_of(user=request.user))})


def favicon(request):
    """Browsers (WeChat's among them) ask for /favicon.ico whatever the page links to."""
    return redirect(static("img/favicon.svg"))


def page_not_found(request, exception):
    """A helpful 404 in the language of the address, with the reason when a view gave one."""
    reason = ""
    if isinstance(exception, Http404) and not isinstance(exception, Resolver404) and exception.args:
        reason = exception.args[0] if isinstance(exception.args[0], str) else ""
    return render(request, "404.html", {"reason": reason}, status=404)


def server_error(request):
    """A static page: no context processors and no database, so it works when those are what failed."""
    return HttpResponseServerError(loader.get_template("500.html").render())
