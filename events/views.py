"""The pages: thin, each calls one selector or use case (``events.services``)."""

from dataclasses import replace

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from bookings.payments.base import PaymentClient, payment_client
from bookings.payments.payable_services import (
    payable_online_choices,
    payable_payment_start,
    payable_payments_sync,
    payable_wechat_code,
)
from common.errors import DomainError
from common.qr import qr_data_uri
from events import selectors, services
from events.errors import AlreadyCheckedIn, TicketError
from events.forms import CodeForm, RegisterForm
from events.models import Event, Ticket, TicketSlot
from villages.roles import group_staff_required, is_group_staff

EVENT_NOT_FOUND = _("找不到这个活动，它可能还没有发布。")
SLOT_NOT_FOUND = _("找不到这个场次，它可能已取消。")
TICKET_NOT_FOUND = _("找不到这张门票。")


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    village = request.GET.get("village") or None
    return render(request, "events/list.html", {"events": selectors.events_upcoming(village=village)})


@require_GET
def event_detail(request: HttpRequest, village_slug: str, slug: str) -> HttpResponse:
    try:
        event = selectors.event_detail(village_slug=village_slug, slug=slug)
    except Event.DoesNotExist:
        raise Http404(EVENT_NOT_FOUND) from None
    return render(
        request,
        "events/detail.html",
        {"event": event, "staff": is_group_staff(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket_register(request: HttpRequest, slot_id: int) -> HttpResponse:
    try:
        slot = TicketSlot.objects.select_related("event__village").get(
            pk=slot_id, event__is_published=True, event__village__is_published=True
        )
    except TicketSlot.DoesNotExist:
        raise Http404(SLOT_NOT_FOUND) from None
    form = RegisterForm(request.POST or None)
    if slot.is_free or not _choices(request):
        del form.fields["pay_online"]
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.ticket_register(
                slot=slot,
                holder=request.user,  # type: ignore[arg-type]  # login_required
                language=get_language() or "",
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error("holder_phone" if error.code == "invalid_phone" else None, error)
        except (TicketError, TicketSlot.DoesNotExist) as error:
            form.add_error(None, str(getattr(error, "message", SLOT_NOT_FOUND)))
            status = 409
        else:
            if registration.ticket.awaiting_payment:
                messages.success(request, _("已为您保留名额，请在30分钟内在线付款。"))
            else:
                messages.success(request, _("登记成功，入场时出示门票二维码。"))
            return redirect(registration.ticket.get_absolute_url())
    return render(
        request, "events/register.html", {"slot": slot, "event": slot.event, "form": form}, status=status
    )


@login_required
@require_GET
def my_tickets(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming: list[Ticket] = []
    other: list[Ticket] = []
    for ticket in selectors.tickets_for_holder(user=request.user):
        live = ticket.status == Ticket.Status.ISSUED and ticket.slot.ends_at > now
        (upcoming if live else other).append(ticket)
    return render(request, "events/my_tickets.html", {"upcoming": upcoming[::-1], "other": other})


def _own_ticket(request: HttpRequest, code: str) -> Ticket:
    """The signed-in holder's ticket; anyone else's is as unknown as one that does not exist."""
    try:
        ticket = selectors.ticket_by_code(code=code)
    except Ticket.DoesNotExist:
        raise Http404(TICKET_NOT_FOUND) from None
    if ticket.holder_id != request.user.pk:
        raise Http404(TICKET_NOT_FOUND)
    return ticket


def check_in_url(request: HttpRequest, ticket: Ticket) -> str:
    return request.build_absolute_uri(reverse("events:check_in", kwargs={"code": ticket.code}))


@login_required
@require_GET
def ticket_detail(request: HttpRequest, code: str) -> HttpResponse:
    ticket = _own_ticket(request, code)
    if ticket.awaiting_payment and payable_payments_sync(payable=ticket.source_reference):
        ticket = _own_ticket(request, code)  # back from paying: the provider says what happened
    url = check_in_url(request, ticket)
    qr = segno.make(url, error="m", micro=False).svg_inline(scale=5, omitsize=False)
    return render(
        request,
        "events/ticket.html",
        {
            "ticket": ticket,
            "slot": ticket.slot,
            "event": ticket.slot.event,
            "qr": mark_safe(qr),  # noqa: S308  (segno's SVG of our own URL)
            "can_cancel": ticket.status == Ticket.Status.ISSUED and ticket.slot.starts_at > timezone.now(),
            "pay_choices": _choices(request) if ticket.awaiting_payment else [],
            "overdue": ticket.payment_overdue(timezone.now()),
        },
    )


def _client(request: HttpRequest) -> PaymentClient:
    """Where the holder pays from; without the openid (a ticket is paid by H5, a QR code or Alipay)."""
    return replace(payment_client(request), openid="", appid="")


def _choices(request: HttpRequest) -> list:
    return payable_online_choices(client=_client(request), language=get_language() or "zh-hans")


@login_required
@require_http_methods(["POST"])
def ticket_pay(request: HttpRequest, code: str) -> HttpResponse:
    """Open the ticket's online payment with the provider chosen and send the holder to it."""
    ticket = _own_ticket(request, code)
    back = request.build_absolute_uri(ticket.get_absolute_url())
    try:
        payment = payable_payment_start(
            payable=ticket.source_reference,
            provider=request.POST.get("provider") or None,
            client=_client(request),
            language=get_language() or "zh-hans",
            success_url=back,
            cancel_url=back,
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect(ticket.get_absolute_url())
    if payment.redirect_url.startswith("weixin://"):
        return redirect("events:ticket_wechat", code=ticket.code)
    return redirect(payment.redirect_url or back)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_wechat(request: HttpRequest, code: str) -> HttpResponse:
    """The WeChat Pay code of the ticket's open payment; "I have paid" asks WeChat Pay at once."""
    ticket = _own_ticket(request, code)
    if request.method == "POST" or ticket.awaiting_payment:
        payable_payments_sync(payable=ticket.source_reference)
        ticket = _own_ticket(request, code)
    payment = payable_wechat_code(payable=ticket.source_reference)
    if not ticket.awaiting_payment or payment is None:
        return redirect(ticket.get_absolute_url())
    context = {
        "what": ticket.slot.event.title,
        "payment": payment,
        "qr": qr_data_uri(payment.redirect_url),
        "paid_not_seen": request.method == "POST",
        "in_wechat": payment_client(request).in_wechat,
        "post_url": reverse("events:ticket_wechat", kwargs={"code": ticket.code}),
        "back_url": ticket.get_absolute_url(),
    }
    return render(request, "payments/payable_code.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ticket_cancel(request: HttpRequest, code: str) -> HttpResponse:
    ticket = _own_ticket(request, code)
    if request.method == "POST":
        try:
            changed = services.ticket_cancel(ticket=ticket)
        except TicketError as error:
            messages.error(request, error.message)
        else:
            if changed:
                messages.success(request, _("门票已取消，名额已退回。"))
            else:
                messages.info(request, _("这张门票已经取消过了。"))
        return redirect(ticket.get_absolute_url())
    return render(
        request, "events/cancel.html", {"ticket": ticket, "slot": ticket.slot, "event": ticket.slot.event}
    )


@group_staff_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, code: str) -> HttpResponse:
    """What the door's phone opens from the ticket's QR code: the ticket and a 核验入场 button."""
    try:
        ticket = selectors.ticket_by_code(code=code)
    except Ticket.DoesNotExist:
        raise Http404(TICKET_NOT_FOUND) from None
    refusal, status = "", 200
    if request.method == "POST":
        try:
            services.ticket_check_in(ticket=ticket, by=request.user, paid=bool(request.POST.get("paid")))  # type: ignore[arg-type]
        except AlreadyCheckedIn as error:
            refusal, status = error.message, 409
        except TicketError as error:
            refusal, status = error.message, 409
        else:
            messages.success(request, _("核验成功，请入场。"))
            return redirect(request.path)
        ticket = selectors.ticket_by_code(code=code)
    return render(
        request,
        "events/check_in.html",
        {
            "ticket": ticket,
            "slot": ticket.slot,
            "event": ticket.slot.event,
            "refusal": refusal,
            "today": services.ticket_is_for_today(ticket),
        },
        status=status,
    )


@group_staff_required
@require_http_methods(["GET", "POST"])
def slot_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff's list of a slot's tickets, with counts, and a box for a code that cannot be scanned."""
    try:
        slot = selectors.slot_for_staff(pk=pk)
    except TicketSlot.DoesNotExist:
        raise Http404(SLOT_NOT_FOUND) from None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        if Ticket.objects.filter(code=code, slot=slot).exists():
            return redirect("events:check_in", code=code)
        form.add_error("code", _("这个场次没有这张票，请核对票码。"))
    tickets = selectors.slot_tickets(slot=slot)
    counts = {
        "issued": sum(t.quantity for t in tickets if t.status == Ticket.Status.ISSUED),
        "checked_in": sum(t.quantity for t in tickets if t.status == Ticket.Status.CHECKED_IN),
        "cancelled": sum(t.quantity for t in tickets if t.status == Ticket.Status.CANCELLED),
    }
    return render(
        request,
        "events/slot_staff.html",
        {"slot": slot, "event": slot.event, "tickets": tickets, "counts": counts, "form": form},
    )
