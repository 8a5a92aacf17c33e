"""The owner's bookings: the list by tab, one booking with what can be done next, and guest
registration at check-in (the only page that shows full identity document numbers)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bookings import usecases
from bookings.activity import Source
from bookings.errors import BookingError
from bookings.notices import guest_reachable
from bookings.owner.forms import DeclineForm, GuestFormSet, ReasonForm
from bookings.owner.selectors import FILTERS, booking_actions, owner_bookings, owner_today
from bookings.owner.views.access import own_booking
from bookings.selectors import booking_events, guests_masked
from bookings.transitions import OWNER
from villages.roles import SignedInRequest, owner_required

PAGE_SIZE = 30


@owner_required
def booking_list(request: SignedInRequest) -> HttpResponse:
    show = request.GET.get("show", "upcoming")
    if show not in FILTERS:
        show = "upcoming"
    page = Paginator(owner_bookings(owner=request.user, show=show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "owner/booking_list.html",
        {"show": show, "filters": FILTERS, "page": page, "today": owner_today(owner=request.user)},
    )


@owner_required
def booking_detail(request: SignedInRequest, reference: str) -> HttpResponse:
    booking = own_booking(request, reference)
    return render(
        request,
        "owner/booking_detail.html",
        {
            "booking": booking,
            "nights": booking.booked_nights.all(),
            "guests": guests_masked(booking=booking),
            "actions": booking_actions(booking),
            "events": list(booking_events(booking=booking)),
            "reason_form": ReasonForm(),
            "decline_form": DeclineForm(),
        },
    )


def _reason(form_class, request: HttpRequest) -> str:
    form = form_class(request.POST)
    if not form.is_valid():
        raise ValidationError(_("请填写原因(最多200字)"))
    return form.cleaned_data["reason"]


def _approve(request, booking, actor):
    return usecases.booking_approve(booking=booking, actor=actor), _("已同意预订,客人会收到确认")


def _decline(request, booking, actor):
    reason = _reason(DeclineForm, request)
    return usecases.booking_decline(booking=booking, actor=actor, reason=reason), _(
        "已拒绝预订,客人会收到通知"
    )


def _cancel(request, booking, actor):
    outcome = usecases.booking_cancel(booking=booking, actor=actor, reason=_reason(ReasonForm, request))
    if outcome.booking.refund_due:
        return outcome, _("预订已取消,客人已付的 %(refund)s 元将全额退还") % {
            "refund": outcome.booking.refund_due
        }
    return outcome, _("预订已取消,客人尚未付款,无需退款")


def _check_in(request, booking, actor):
    return usecases.booking_check_in(booking=booking, actor=actor), _("已办理入住")


def _check_out(request, booking, actor):
    return usecases.booking_check_out(booking=booking, actor=actor), _("已办理退房")


def _no_show(request, booking, actor):
    return usecases.booking_no_show(booking=booking, actor=actor), _("已标记为未到店")


def _paid(request, booking, actor):
    return usecases.booking_paid_at_homestay(booking=booking, actor=actor), _("已登记客人到店付款")


def _cash_refunded(request, booking, actor):
    return usecases.cash_refund_handed_back(booking=booking, actor=actor), _("已登记现金退还,客人会收到通知")


ACTIONS: dict[str, Callable] = {
    "approve": _approve,
    "decline": _decline,
    "cancel": _cancel,
    "check_in": _check_in,
    "check_out": _check_out,
    "no_show": _no_show,
    "paid": _paid,
    "cash_refunded": _cash_refunded,
}


def _actor(request: SignedInRequest) -> usecases.Actor:
    return usecases.Actor(role=OWNER, source=Source.CONSOLE, user=request.user)


@owner_required
@require_POST
def booking_action(request: SignedInRequest, reference: str, action: str) -> HttpResponse:
    """One of the console's buttons: the use case does the whole job (state, ledger, activity, notices,
    refunds); the guest hears of it by the notification the use case queued."""
    booking = own_booking(request, reference)
    if action not in ACTIONS:
        raise Http404(_("没有这个操作"))
    try:
        outcome, done = ACTIONS[action](request, booking, _actor(request))
    except BookingError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
        if outcome.changed and not guest_reachable(outcome.booking):
            messages.warning(
                request,
                _("客人没有可用的邮箱,请打电话告诉客人:%(phone)s")
                % {"phone": outcome.booking.lead_guest_phone},
            )
    return redirect("owner:booking_detail", reference=booking.reference)


@never_cache
@owner_required
def booking_guests(request: SignedInRequest, reference: str) -> HttpResponse:
    """Register the guests' documents at check-in (实名登记). Full numbers are shown here only, to the
    owner of the booking, and the page is never cached."""
    booking = own_booking(request, reference)
    actions = booking_actions(booking)
    registered = list(booking.registered_guests.all()) if "register" in actions else []
    initial = [
        {
            "name": g.name,
            "document_type": g.document_type,
            "document_number": g.document_number,
            "is_lead": g.is_lead,
        }
        for g in registered
    ]
    rows = max(booking.guests, len(initial))
    formset = GuestFormSet(request.POST or None, initial=initial + [{}] * (rows - len(initial)))
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            guests = [details for form in formset if (details := form.details())]
            try:
                usecases.guests_register(booking=booking, guests=guests, actor=_actor(request))
            except BookingError as error:
                formset.non_form_errors().append(error.message)
                status = 409
            except ValidationError as error:
                formset.non_form_errors().extend(error.messages)
            else:
                messages.success(request, _("入住人已登记"))
                return redirect("owner:booking_guests", reference=booking.reference)
    return render(
        request,
        "owner/booking_guests.html",
        {
            "booking": booking,
            "formset": formset,
            "masked": [] if registered else guests_masked(booking=booking),
            "actions": actions,
        },
        status=status,
    )
