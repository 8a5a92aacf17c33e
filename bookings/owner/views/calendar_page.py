"""A room type's month: what each night looks like, and the owner's changes to a range of nights
(close or open rooms, set a price, set a minimum stay). Two date inputs and a button; no script."""

import re
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.calendar import calendar_set_min_nights, calendar_set_price
from bookings.errors import NightsUnavailable
from bookings.owner.forms import CALENDAR_FORMS
from bookings.owner.selectors import room_type_month
from bookings.owner.views.access import own_room_type
from bookings.sync.services import calendar_close_rooms_by_owner
from common.clock import local_today
from villages.models import RoomType
from villages.roles import SignedInRequest, owner_required

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_AROUND = 36  # how far from today the month view goes, either way


def _month(value: str | None, today: date) -> date:
    """The 1st of the month asked for (``2026-09``), or of this month when the value is missing or odd."""
    match = MONTH.match(value or "")
    if match:
        year, month = int(match[1]), int(match[2])
        months_away = (year - today.year) * 12 + month - today.month
        if 1 <= month <= 12 and abs(months_away) <= MONTHS_AROUND:
            return date(year, month, 1)
    return today.replace(day=1)


def _apply(room_type: RoomType, action: str, data: dict) -> str:
    """Run the change; the message to show when it worked."""
    nights = {"room_type": room_type, "first_night": data["first_night"], "last_night": data["last_night"]}
    if action == "close":
        calendar_close_rooms_by_owner(**nights, rooms_closed=data["rooms_closed"])
        if data["rooms_closed"]:
            return _("已关闭%(n)s间房") % {"n": data["rooms_closed"]}
        return _("房间已全部开放")
    if action == "price":
        calendar_set_price(**nights, price=data["price"])
        return _("价格已设置") if data["price"] is not None else _("已恢复默认价格")
    calendar_set_min_nights(**nights, min_nights=data["min_nights"])
    return _("最少入住晚数已设置") if data["min_nights"] is not None else _("已恢复默认最少入住晚数")


def _refused(error: NightsUnavailable) -> str:
    nights = _("、").join(date_format(night, _("n月j日")) for night in error.nights[:15])
    return _("以下日期的空房不够,没有做任何修改(已有客人的房间不能关闭,请先联系客人):%(nights)s") % {
        "nights": nights
    }


def _day(value: str) -> date | None:
    try:
        return parse_date(value)
    except ValueError:  # well formed but no such day, e.g. 2026-02-30
        return None


def _initial(request: HttpRequest, today: date) -> dict:
    """The nights the forms start with: the night tapped in the month view (``?first=``), else today."""
    first = _day(request.GET.get("first", "")) or today
    last = _day(request.GET.get("last", ""))
    return {"first_night": first, "last_night": last if last and last >= first else first}


@owner_required
def room_calendar(request: SignedInRequest, pk: int) -> HttpResponse:
    room_type = own_room_type(request, pk)
    today = local_today()
    first = _month(request.GET.get("month"), today)
    initial = {**_initial(request, today), "rooms_closed": room_type.room_count}
    forms = {
        action: form_class(initial=initial, auto_id=f"id_{action}_%s")
        for action, form_class in CALENDAR_FORMS.items()
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CALENDAR_FORMS:
            return HttpResponse(_("未知的操作"), status=400)
        form = forms[action] = CALENDAR_FORMS[action](request.POST, auto_id=f"id_{action}_%s")
        status = 400
        if form.is_valid():
            try:
                done = _apply(room_type, action, form.cleaned_data)
            except NightsUnavailable as error:
                form.add_error(None, _refused(error))
                status = 409
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, done)
                url = reverse("owner:room_calendar", kwargs={"pk": room_type.pk})
                return redirect(f"{url}?month={form.cleaned_data['first_night']:%Y-%m}")
    return render(
        request,
        "owner/calendar.html",
        {
            "room_type": room_type,
            "homestay": room_type.homestay,
            "month": room_type_month(room_type=room_type, first=first),
            "forms": forms,
        },
        status=status,
    )
