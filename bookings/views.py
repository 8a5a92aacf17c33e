"""The tourist's booking pages: search stays, book a room type, my bookings, one booking, cancelling it.

Each view parses a form, calls a selector or a use case of the booking core (``bookings.usecases``) and
renders; the core's bilingual errors are shown on the page: 400 for bad input, 409 when the rooms or the
booking's state say no. The use case records the change and queues the guest's and the owner's
notifications, which the task worker sends after the transaction committed.

The ways of paying offered are the homestay's enabled payment providers (``booking_payments_for``):
paying at the homestay, and online (Stripe Checkout) when it is configured. A booking awaiting online
payment shows a button that starts it (``payments:start``). Cancelling refunds what is due through the
provider that took the money right away (``refund_for_cancellation``, safe to repeat; the
``expire_holds`` job retries what could not be sent).

Submitting the booking form twice (a double tap, a reload after a slow answer, the back button) never
makes a second booking silently: ``usecases.booking_place`` answers the booking of the same user, room
type, dates, party and lead guest made moments ago, and the page shows it instead of booking again (the
API gets the same guard).

Each submission of the booking form counts as one booking attempt of the user, in the same count as
``POST /api/bookings`` (``bookings.ratelimit``): past the limit the page answers 429 with the error above
the dates, before checking the stay, and books nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from bookings import selectors, usecases
from bookings.activity import Source
from bookings.errors import IllegalTransition, NightsUnavailable
from bookings.forms import CalendarForm, CancelForm, GuestForm, SearchForm, StayForm, query_with_defaults
from bookings.models import Booking
from bookings.payments.base import booking_payments_for, online_choices, payment_client
from bookings.policies import cancellation_refund, free_cancellation_until
from bookings.price_calendar import month_end, room_type_price_calendar
from bookings.pricing import Quote, quote
from bookings.ratelimit import booking_attempt_wait, client_address
from bookings.rules import stay_validate, validate_occupancy, validate_party
from bookings.services import request_hold
from bookings.transitions import GUEST, actions_for
from common.clock import local_today
from common.contact import CONTACT_NEXT, CONTACT_REQUIRED, contact_missing
from villages.models import RoomType, Theme, Village
from villages.roles import SignedInRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Status = Booking.Status

PAGE_SIZE = 20
MAX_PAGE = 50
PHONE_VISIBLE_START = 3
PHONE_VISIBLE_END = 4
TOO_MANY_ATTEMPTS = gettext_lazy("预订尝试过于频繁，请一分钟后再试。")


def _page_number(query) -> int:
    try:
        return min(max(int(query.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _page_link(query, page: int) -> str:
    query = query.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()


def search(request: HttpRequest) -> HttpResponse:
    today = local_today()
    form = SearchForm(
        query_with_defaults(request.GET, today=today),
        today=today,
        villages=list(Village.objects.filter(is_published=True).order_by("order", "slug")),
        themes=list(Theme.objects.all()),
    )
    page = _page_number(request.GET)
    results, more = [], False
    if form.is_valid():
        try:
            found = selectors.homestays_available(**form.search_arguments(), limit=page * PAGE_SIZE + 1)
        except ValidationError as error:
            form.add_core_error(error)
        else:
            results = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            more = len(found) > page * PAGE_SIZE
    valid = form.is_valid()
    return render(
        request,
        "bookings/search.html",
        {
            "form": form,
            "searched": valid,
            "results": results,
            "stay_query": form.stay_query() if valid else "",
            "nights": (form.cleaned_data["check_out"] - form.cleaned_data["check_in"]).days if valid else 0,
            "previous_page": _page_link(request.GET, page - 1) if valid and page > 1 else "",
            "next_page": _page_link(request.GET, page + 1) if more and page < MAX_PAGE else "",
        },
        status=200 if valid else 400,
    )


def _bookable_room_types():
    return RoomType.objects.select_related("homestay__village").filter(
        is_active=True, homestay__is_published=True, homestay__village__is_published=True
    )


@require_http_methods(["GET", "HEAD"])
def price_calendar(request: HttpRequest, room_type_id: int) -> HttpResponse:
    """Two months of the room type's nights with prices and free rooms; the guest picks the check-in,
    then a check-out that links to the booking page. Works without JavaScript: every pick is a link."""
    room_type = get_object_or_404(_bookable_room_types(), pk=room_type_id)
    today = local_today()
    party = {"guests": str(min(2, room_type.capacity)), "rooms": "1"}
    query = request.GET.copy()
    for name, default in party.items():
        if not query.get(name, "").strip():
            query[name] = default
    form = CalendarForm(query, today=today)
    if form.is_valid():
        try:
            validate_party(guests=form.cleaned_data["guests"], rooms=form.cleaned_data["rooms"])
            validate_occupancy(
                room_type=room_type, guests=form.cleaned_data["guests"], rooms=form.cleaned_data["rooms"]
            )
        except ValidationError as error:
            form.add_core_error(error)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    first = data.get("month") or today.replace(day=1)
    guests, rooms = data.get("guests") or int(party["guests"]), data.get("rooms") or 1
    calendar = room_type_price_calendar(
        room_type=room_type,
        first=first,
        horizon=form.horizon,
        rooms=rooms,
        check_in=data.get("check_in"),
    )
    following, this_month = month_end(first), today.replace(day=1)
    return render(
        request,
        "bookings/price_calendar.html",
        {
            "room_type": room_type,
            "homestay": room_type.homestay,
            "form": form,
            "calendar": calendar,
            "guests": guests,
            "rooms": rooms,
            "previous_month": (first - timedelta(days=1)).replace(day=1) if first > this_month else None,
            "next_month": following if following <= form.horizon else None,
        },
        status=200 if valid else 400,
    )


@dataclass
class Offer:
    """What the booking page shows about the stay: the price of each night and the rooms still free."""

    quote: Quote
    rooms_free: int
    free_cancellation_until: date | None


def _offer(room_type: RoomType, stay: dict) -> Offer:
    """Raises the core's ``ValidationError`` when a stay rule says no."""
    stay_validate(room_type=room_type, **stay)
    calendar = selectors.room_type_calendar(
        room_type=room_type, start=stay["check_in"], end=stay["check_out"]
    )
    return Offer(
        quote=quote(
            room_type=room_type, check_in=stay["check_in"], check_out=stay["check_out"], rooms=stay["rooms"]
        ),
        rooms_free=min(night.rooms_free for night in calendar),
        free_cancellation_until=free_cancellation_until(
            policy=room_type.homestay.cancellation_policy, check_in=stay["check_in"]
        ),
    )


def _place_booking(
    request: SignedInRequest, room_type: RoomType, stay: dict, details: dict
) -> tuple[Booking, bool]:
    """The new booking, or the same one made moments ago (``True``): see the module's docstring."""
    outcome = usecases.booking_place(
        actor=usecases.Actor(role=GUEST, source=Source.WEB, user=request.user),
        room_type=room_type,
        language=request.LANGUAGE_CODE,
        **stay,
        **details,
    )
    return outcome.booking, not outcome.changed


def _placed_message(booking: Booking) -> str:
    if booking.status == Status.CONFIRMED:
        return _("预订成功，已确认。预订号 %(reference)s") % {"reference": booking.reference}
    if booking.awaiting_payment:
        return _("房间已为您保留，请在保留时间内付款。预订号 %(reference)s") % {
            "reference": booking.reference
        }
    return _("预订申请已提交，等待民宿确认。预订号 %(reference)s") % {"reference": booking.reference}


@login_required
@require_http_methods(["GET", "POST"])
def book(request: SignedInRequest, room_type_id: int) -> HttpResponse:
    room_type = get_object_or_404(_bookable_room_types(), pk=room_type_id)
    if contact_missing(request.user):
        messages.info(request, CONTACT_REQUIRED)
        # The phone page offers the way back here once the number is verified.
        request.session[CONTACT_NEXT] = request.get_full_path()
        return redirect("account_change_phone")
    request.session.pop(CONTACT_NEXT, None)
    today = local_today()
    stay_form = StayForm(
        query_with_defaults(request.GET, today=today, guests=min(2, room_type.capacity)), today=today
    )
    payments = booking_payments_for(homestay=room_type.homestay)
    guest_form = GuestForm(
        request.POST if request.method == "POST" else None,
        initial={"lead_guest_name": request.user.get_full_name()},
        payments=payments,
    )
    base = {
        "room_type": room_type,
        "homestay": room_type.homestay,
        "stay_form": stay_form,
        "guest_form": guest_form,
    }

    def page(context: dict | None = None, status: int = 200) -> HttpResponse:
        return render(request, "bookings/book.html", {**base, **(context or {})}, status=status)

    if request.method == "POST":
        wait = booking_attempt_wait(user_id=request.user.pk, address=client_address(request))
        if wait:
            stay_form.add_error(None, ValidationError(TOO_MANY_ATTEMPTS, code="rate_limited"))
            response = page(status=429)
            response["Retry-After"] = str(wait)
            return response
    # Both forms are checked before answering, so a submission shows every mistake at once.
    guests_valid = request.method == "POST" and guest_form.is_valid()
    if not stay_form.is_valid():
        return page(status=400)
    stay = stay_form.stay()
    try:
        offer = _offer(room_type, stay)
    except ValidationError as error:
        stay_form.add_core_error(error)
        return page(status=400)
    context = {
        "offer": offer,
        "stay_query": stay_form.stay_query(),
        "full": offer.rooms_free < stay["rooms"],
        "request_hold_hours": request_hold() // timedelta(hours=1),
    }
    if request.method == "GET":
        return page(context=context)
    if not guests_valid:
        return page(context=context, status=400)
    details = {name: guest_form.cleaned_data[name] for name in ("lead_guest_name", "lead_guest_phone")}
    details["payment"] = payments[guest_form.cleaned_data["payment"]].booking_payment
    try:
        booking, duplicate = _place_booking(request, room_type, stay, details)
    except NightsUnavailable as error:
        return page(context={**context, "full": True, "unavailable": error.message}, status=409)
    except ValidationError as error:
        (guest_form if error.code in GuestForm.ERROR_FIELDS else stay_form).add_core_error(error)
        return page(context=context, status=400)
    if duplicate:
        messages.info(
            request,
            _("您刚才已提交过相同的预订，没有重复预订。预订号 %(reference)s")
            % {"reference": booking.reference},
        )
    else:
        messages.success(request, _placed_message(booking))
    return redirect("bookings:detail", reference=booking.reference)


@dataclass(frozen=True)
class Listed:
    """A booking as the guest sees it: a hold whose time is over counts as expired, whether or not the
    ``expire_holds`` job has run yet."""

    booking: Booking
    lapsed: bool

    @property
    def status_label(self) -> "str | StrPromise":
        return Status.EXPIRED.label if self.lapsed else self.booking.get_status_display()

    @property
    def status(self) -> str:
        return Status.EXPIRED if self.lapsed else self.booking.status

    @property
    def awaiting_payment(self) -> bool:
        """Held for the guest's online payment, and the hold is not over: the guest can pay now."""
        return self.booking.awaiting_payment and not self.lapsed


def _listed(booking: Booking, now: datetime) -> Listed:
    hold_over = booking.hold_expires_at is not None and booking.hold_expires_at <= now
    return Listed(booking, booking.status == Status.HELD and hold_over)


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    now, today = timezone.now(), local_today()
    upcoming, past, cancelled = [], [], []
    for booking in selectors.bookings_for_user(user=request.user).order_by("check_in", "id"):
        listed = _listed(booking, now)
        if listed.status in (Status.CANCELLED, Status.EXPIRED):
            cancelled.append(listed)
        elif booking.check_out <= today or booking.status in (Status.COMPLETED, Status.NO_SHOW):
            past.append(listed)
        else:
            upcoming.append(listed)
    return render(
        request,
        "bookings/my_bookings.html",
        {
            "groups": [
                ("upcoming", _("即将入住"), upcoming),
                ("past", _("已结束"), past[::-1]),
                ("cancelled", _("已取消或已过期"), cancelled[::-1]),
            ],
            "count": len(upcoming) + len(past) + len(cancelled),
        },
    )


def _own_booking(request: HttpRequest, reference: str) -> Booking:
    """The signed-in user's booking; any other booking is as unknown as one that does not exist."""
    try:
        booking = selectors.booking_detail(reference=reference)
    except Booking.DoesNotExist:
        booking = None
    if booking is None or booking.user_id != request.user.pk:
        raise Http404(_("找不到这个预订。"))
    return booking


def mask_phone(phone: str) -> str:
    """``13800138000`` -> ``138****8000``: enough for the guest to recognise it, not to read it out."""
    visible = PHONE_VISIBLE_START + PHONE_VISIBLE_END
    if len(phone) <= visible:
        return "*" * len(phone)
    hidden = len(phone) - visible
    return phone[:PHONE_VISIBLE_START] + "*" * hidden + phone[-PHONE_VISIBLE_END:]


def _cancellable(listed: Listed) -> bool:
    """What the transition table allows the guest, as the services will check it."""
    return "cancel" in actions_for(listed.booking, role=GUEST)


def _booking_context(booking: Booking) -> dict:
    listed = _listed(booking, timezone.now())
    today = local_today()
    return {
        "booking": booking,
        "listed": listed,
        "homestay": booking.homestay,
        "village": booking.homestay.village,
        "nights": list(booking.booked_nights.all()),
        "lead_guest_phone": mask_phone(booking.lead_guest_phone),
        "free_cancellation_until": free_cancellation_until(
            policy=booking.homestay.cancellation_policy, check_in=booking.check_in
        ),
        "can_cancel": _cancellable(listed),
        "refunds": list(booking.refunds.order_by("id")) if booking.refund_due else [],
        "events": [event for event in selectors.booking_events(booking=booking) if event.guest_visible],
        "today": today,
    }


@login_required
def booking_detail(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    client = payment_client(request)
    pay_choices = online_choices(homestay=booking.homestay, client=client, language=booking.language)
    return render(
        request,
        "bookings/detail.html",
        {
            **_booking_context(booking),
            "guests": selectors.guests_masked(booking=booking),
            "pay_choices": pay_choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request: SignedInRequest, reference: str) -> HttpResponse:
    booking = _own_booking(request, reference)
    if booking.status == Status.CANCELLED:
        messages.info(request, _("该预订已取消，无需再次取消。"))
        return redirect("bookings:detail", reference=booking.reference)
    form = CancelForm(request.POST if request.method == "POST" else None)
    context = {
        **_booking_context(booking),
        "form": form,
        "refund": cancellation_refund(booking=booking, by=Booking.Party.GUEST, today=local_today()),
    }
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "bookings/cancel.html", context, status=200 if request.method == "GET" else 400
        )
    try:
        outcome = usecases.booking_cancel(
            booking=booking,
            actor=usecases.Actor(role=GUEST, source=Source.WEB, user=request.user),
            reason=form.cleaned_data["reason"],
        )
    except IllegalTransition as error:
        return render(request, "bookings/cancel.html", {**context, "refused": error.message}, status=409)
    cancelled = outcome.booking
    if not outcome.changed:
        messages.info(request, _("该预订已取消，无需再次取消。"))
    else:
        messages.success(
            request,
            _("预订 %(reference)s 已取消，应退款 %(refund)s 元。")
            % {"reference": cancelled.reference, "refund": cancelled.refund_due},
        )
    return redirect("bookings:detail", reference=cancelled.reference)
