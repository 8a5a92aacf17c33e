"""Calendar sync pages: the room type's own feed for other platforms (a secret address that can be
replaced) and the other platforms' calendars it imports. The feed itself is public to whoever has the
secret address: the other platforms fetch it without signing in."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bookings.errors import NightsUnavailable
from bookings.owner.forms import FeedForm
from bookings.owner.views.access import own_feed, own_room_type
from bookings.sync.export import room_type_ical
from bookings.sync.models import CalendarExport
from bookings.sync.selectors import conflicts_for_room_type, feeds_for_room_type
from bookings.sync.services import (
    calendar_export_regenerate,
    calendar_feed_add,
    calendar_feed_remove,
    external_nights_accept,
    external_nights_dismiss,
)
from bookings.sync.tasks import calendar_feed_sync_task
from villages.roles import SignedInRequest, owner_required

FEED_CACHE_SECONDS = 300
ID = re.compile(r"[0-9]{1,18}")  # a row id, ASCII digits within the database's integer range


def _export_url(request: HttpRequest, export: CalendarExport | None) -> str:
    if export is None:
        return ""
    return request.build_absolute_uri(reverse("owner:ical_export", kwargs={"token": export.token}))


@owner_required
def room_sync(request: SignedInRequest, pk: int) -> HttpResponse:
    room_type = own_room_type(request, pk)
    form = FeedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                feed = calendar_feed_add(room_type=room_type, **form.cleaned_data)
            except ValidationError as error:
                form.add_error("url" if error.code in ("url", "duplicate") else None, error.messages)
            else:
                calendar_feed_sync_task.enqueue(feed.pk)
                messages.success(request, _("已添加日历,正在同步"))
                return redirect("owner:room_sync", pk=room_type.pk)
    return render(
        request,
        "owner/sync.html",
        {
            "room_type": room_type,
            "homestay": room_type.homestay,
            "export_url": _export_url(request, CalendarExport.objects.filter(room_type=room_type).first()),
            "feeds": feeds_for_room_type(room_type=room_type),
            "conflicts": conflicts_for_room_type(room_type=room_type),
            "form": form,
        },
        status=status,
    )


@owner_required
@require_POST
def export_regenerate(request: SignedInRequest, pk: int) -> HttpResponse:
    room_type = own_room_type(request, pk)
    calendar_export_regenerate(room_type=room_type)
    messages.success(request, _("已生成新的日历地址,旧地址已失效;请到其他平台更新"))
    return redirect("owner:room_sync", pk=room_type.pk)


@owner_required
@require_POST
def feed_sync_now(request: SignedInRequest, pk: int) -> HttpResponse:
    feed = own_feed(request, pk)
    calendar_feed_sync_task.enqueue(feed.pk)
    messages.success(request, _("已开始同步,稍后刷新页面查看结果"))
    return redirect("owner:room_sync", pk=feed.room_type_id)


@owner_required
@require_POST
def feed_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    feed = own_feed(request, pk)
    calendar_feed_remove(feed=feed)
    messages.success(request, _("已删除这个日历,它占用的日期已重新开放"))
    return redirect("owner:room_sync", pk=feed.room_type_id)


@owner_required
@require_POST
def conflicts_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    """The owner's decision on conflicts: ``accept`` closes a room for each, ``dismiss`` drops them."""
    room_type = own_room_type(request, pk)
    night_ids = [int(value) for value in request.POST.getlist("night") if ID.fullmatch(value)]
    action = request.POST.get("action")
    if action == "accept":
        try:
            done = external_nights_accept(room_type=room_type, night_ids=night_ids)
        except NightsUnavailable as error:
            nights = _("、").join(date_format(night, _("n月j日")) for night in error.nights)
            messages.error(request, _("这些日期已没有空房,没有关房:%(nights)s") % {"nights": nights})
        else:
            messages.success(request, _("已确认 %(n)s 晚,已关房") % {"n": done})
    elif action == "dismiss":
        done = external_nights_dismiss(room_type=room_type, night_ids=night_ids)
        messages.success(request, _("已忽略 %(n)s 晚冲突") % {"n": done})
    else:
        return HttpResponseBadRequest(_("无效的操作 Unknown action"))
    return redirect("owner:room_sync", pk=room_type.pk)


@require_GET
def ical_export(request: HttpRequest, token: str) -> HttpResponse:
    export = CalendarExport.objects.select_related("room_type__homestay").filter(token=token).first()
    if export is None:
        raise Http404(_("日历地址无效或已更换"))
    response = HttpResponse(
        room_type_ical(room_type=export.room_type), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="room-{export.room_type_id}.ics"'
    response["Cache-Control"] = f"private, max-age={FEED_CACHE_SECONDS}"
    response["X-Robots-Tag"] = "noindex"
    return response
