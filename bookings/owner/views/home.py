"""The console's front page, a homestay's details and its room types."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bookings.owner.earnings import owner_earnings
from bookings.owner.forms import HomestayForm, RoomTypeForm
from bookings.owner.selectors import owner_today
from bookings.owner.services import homestay_update, room_type_create, room_type_update
from bookings.owner.views.access import own_homestay, own_room_type
from bookings.payments.splits import split_accounts_for_owner, splits_for_owner
from bookings.sync.selectors import feeds_needing_attention
from villages.models import RoomType
from villages.roles import SignedInRequest, owned_homestays, owner_required

# Service errors shown next to the field they are about (by ``ValidationError.code``).
SPLITS_SHOWN = 50

ERROR_FIELDS = {
    "room_count": "room_count",
    "room_count_below_taken": "room_count",
}


@owner_required
def dashboard(request: SignedInRequest) -> HttpResponse:
    homestays = owned_homestays(request.user).prefetch_related(
        Prefetch("room_types", queryset=RoomType.objects.order_by("order", "id"))
    )
    return render(
        request,
        "owner/dashboard.html",
        {
            "homestays": homestays,
            "today": owner_today(owner=request.user),
            "attention": feeds_needing_attention(owner=request.user),
        },
    )


def _add_service_error(form, error: ValidationError) -> None:
    field = ERROR_FIELDS.get(getattr(error, "code", ""))
    form.add_error(field if field in form.fields else None, error.messages)


@owner_required
def homestay_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    homestay = own_homestay(request, pk)
    form = HomestayForm(request.POST or None, instance=homestay)
    if request.method == "POST" and form.is_valid():
        try:
            homestay_update(homestay=homestay, **form.service_fields())
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("民宿信息已保存"))
            return redirect("owner:homestay_edit", pk=homestay.pk)
    homestay.refresh_from_db()
    status = 400 if form.errors else 200
    return render(request, "owner/homestay_form.html", {"homestay": homestay, "form": form}, status=status)


@owner_required
def room_type_add(request: SignedInRequest, homestay_pk: int) -> HttpResponse:
    homestay = own_homestay(request, homestay_pk)
    form = RoomTypeForm(request.POST or None, instance=RoomType(homestay=homestay))
    if request.method == "POST" and form.is_valid():
        try:
            room_type = room_type_create(
                homestay=homestay, room_count=form.cleaned_data["room_count"], **form.service_fields()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("房型已添加"))
            return redirect("owner:room_type_edit", pk=room_type.pk)
    status = 400 if form.errors else 200
    return render(request, "owner/room_type_form.html", {"homestay": homestay, "form": form}, status=status)


@owner_required
def room_type_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    room_type = own_room_type(request, pk)
    form = RoomTypeForm(request.POST or None, instance=room_type)
    if request.method == "POST" and form.is_valid():
        try:
            room_type_update(
                room_type=room_type, room_count=form.cleaned_data["room_count"], **form.service_fields()
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("房型已保存"))
            return redirect("owner:room_type_edit", pk=room_type.pk)
    room_type.refresh_from_db()
    status = 400 if form.errors else 200
    return render(
        request,
        "owner/room_type_form.html",
        {"homestay": room_type.homestay, "room_type": room_type, "form": form},
        status=status,
    )


@owner_required
def earnings(request: SignedInRequest) -> HttpResponse:
    context = {
        "earnings": owner_earnings(owner=request.user),
        "split_accounts": split_accounts_for_owner(owner=request.user),
        "splits": splits_for_owner(owner=request.user)[:SPLITS_SHOWN],
    }
    return render(request, "owner/earnings.html", context)
