"""The guest register of one of the owner's homestays (住宿登记): a page to choose the days and the
downloads, with the guests' full document numbers. Only the homestay's owner: another owner gets 404
(``own_homestay``), anyone else 403 (``owner_required``); the group staff have no such export."""

from datetime import timedelta
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bookings.owner.forms import RegisterRangeForm
from bookings.owner.register import guest_register
from bookings.owner.views.access import own_homestay
from common.clock import local_today
from common.spreadsheets import FORMATS, spreadsheet_response
from villages.roles import SignedInRequest, owner_required

DEFAULT_DAYS = 30


def _range_form(request: SignedInRequest) -> RegisterRangeForm:
    data: QueryDict = request.GET.copy()
    if not data.get("start") and not data.get("end"):
        today = local_today()
        data["start"] = (today - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        data["end"] = today.isoformat()
    return RegisterRangeForm(data)


@owner_required
@require_GET
@never_cache
def register_page(request: SignedInRequest, pk: int) -> HttpResponse:
    homestay = own_homestay(request, pk)
    form = _range_form(request)
    context: dict = {"homestay": homestay, "form": form}
    if not form.is_valid():
        return render(request, "owner/guest_register.html", context, status=400)
    sheet = guest_register(homestay=homestay, **form.cleaned_data)
    dates = form.cleaned_data
    query = urlencode({"start": dates["start"].isoformat(), "end": dates["end"].isoformat()})
    context |= {"guests": len(sheet.rows), "query": query}
    return render(request, "owner/guest_register.html", context)


@owner_required
@require_GET
@never_cache
def register_export(request: SignedInRequest, pk: int, file_format: str) -> HttpResponse:
    homestay = own_homestay(request, pk)
    if file_format not in FORMATS:
        raise Http404(_("没有这种文件格式"))
    form = _range_form(request)
    if not form.is_valid():
        problems = [str(message) for errors in form.errors.values() for message in errors]
        return HttpResponse(" ".join(problems), status=400, content_type="text/plain; charset=utf-8")
    return spreadsheet_response(guest_register(homestay=homestay, **form.cleaned_data), file_format)
