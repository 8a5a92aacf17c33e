"""JSON API of events and tickets, the same selectors and use cases as the pages:

* ``GET /api/events`` upcoming published events (``village`` filter); ``GET /api/events/{event_id}`` one
  event with its slots still to start and their places left.
* ``POST /api/events/tickets`` register (signed in; ``Idempotency-Key`` accepted);
  ``GET /api/events/tickets`` my tickets; ``GET /api/events/tickets/{code}`` one of mine;
  ``POST /api/events/tickets/{code}/cancel`` give the places back before the slot starts.

Refusals are ``{"detail": "中文 English", "code": ...}``: 409 for the state of things (``sold_out``,
``slot_closed``, ``too_late``, ``already_checked_in``), 422 for bad input (``name``, ``quantity``,
``invalid_phone``, ``slot_not_found``). Check-in at the door is a staff page, not an API operation.
A paid ticket is paid at the door, or online when registered with ``pay_online``:
``POST /api/events/tickets/{code}/pay`` (``Idempotency-Key`` accepted) opens the payment.
"""

from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from bookings.payments.payable_services import PayableRefused, payable_payment_start
from bookings.payments.services import PaymentUnavailable
from common.idempotency import idempotent
from events import selectors, services
from events.errors import TicketError
from events.models import MAX_PEOPLE_PER_TICKET, Event, Ticket, TicketSlot
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.endpoints import MAX_ID, ObjectId
from villages.api.fields import (
    NO_NUL,
    ErrorOut,
    Money,
    Page,
    Point,
    Priced,
    Text,
    ValidationErrorOut,
    bilingual,
    choice_label,
    money,
)

router = Router(tags=["events 活动与门票"])

TICKET_NOT_FOUND = "找不到这张门票 / Ticket not found"
EVENT_NOT_FOUND = "找不到这个活动 / Event not found"
SLOT_NOT_FOUND = "找不到这个场次 / Time slot not found"


class TicketProblem(Schema):
    detail: str
    code: str


class TicketSlotOut(Priced):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    places_left: int
    price: Money = Field(
        description="每人价格 price per person; 0.00 free registration, else paid at the door"
    )

    @staticmethod
    def resolve_price(obj):
        return money(obj.price)


class VillageEventOut(Page, Point):
    id: int
    slug: str
    village: str = Field(description="村庄标识 village slug")
    kind: str
    kind_label: Text
    title: Text
    summary: Text
    place: Text
    starts_on: date
    ends_on: date

    @staticmethod
    def resolve_village(obj):
        return obj.village.slug

    @staticmethod
    def resolve_kind_label(obj):
        return choice_label(Event.Kind, obj.kind)

    @staticmethod
    def resolve_title(obj):
        return bilingual(obj, "title")

    @staticmethod
    def resolve_summary(obj):
        return bilingual(obj, "summary")

    @staticmethod
    def resolve_place(obj):
        return bilingual(obj, "place")


class VillageEventDetailOut(VillageEventOut):
    description: Text
    slots: list[TicketSlotOut]

    @staticmethod
    def resolve_description(obj):
        return bilingual(obj, "description")

    @staticmethod
    def resolve_slots(obj):
        return obj.upcoming_slots


class VillageEventQuery(Schema):
    village: str | None = Field(None, description="村庄标识 village slug")


class TicketIn(Schema):
    slot_id: int = Field(ge=1, le=MAX_ID, description="场次编号 slot id")
    quantity: int = Field(ge=1, le=MAX_PEOPLE_PER_TICKET, description="人数 people")
    holder_name: str = Field(min_length=1, max_length=60, pattern=NO_NUL)
    holder_phone: str = Field(max_length=20, pattern=NO_NUL)
    pay_online: bool = Field(False, description="在线支付 a paid slot's ticket paid online within 30 minutes")


class TicketPayIn(Schema):
    provider: str | None = Field(
        None,
        max_length=40,
        pattern=NO_NUL,
        description="wechat_pay, alipay or stripe_checkout (default: the first offered)",
    )


class TicketPaymentOut(Schema):
    code: str
    provider: str
    checkout_url: str = Field(description="支付页面 where the holder pays (a weixin:// code for WeChat Pay)")
    expires_at: datetime | None = Field(description="支付截止: the places are held until then")


class TicketOut(Priced):
    code: str = Field(description="票码 the ticket's secret code; its QR code opens the check-in page")
    status: str
    event: int
    event_title: Text
    village: str
    slot: TicketSlotOut
    quantity: int
    amount: Money = Field(description="应付 due at the door, or online with pays_online (0.00 free)")
    holder_name: str
    holder_phone: str
    checked_in_at: datetime | None
    pays_online: bool
    pay_by: datetime | None = Field(description="在线支付截止: unpaid by then, the ticket is cancelled")
    paid: bool
    url: str

    @staticmethod
    def resolve_paid(obj):
        return obj.paid_at is not None

    @staticmethod
    def resolve_event(obj):
        return obj.slot.event_id

    @staticmethod
    def resolve_event_title(obj):
        return bilingual(obj.slot.event, "title")

    @staticmethod
    def resolve_village(obj):
        return obj.slot.event.village.slug

    @staticmethod
    def resolve_amount(obj):
        return money(obj.amount)

    @staticmethod
    def resolve_url(obj):
        with translation.override(settings.LANGUAGE_CODE):
            return obj.get_absolute_url()


def _in_chinese():
    return translation.override(settings.LANGUAGE_CODE)


def _my_ticket(request: SignedInApiRequest, code: str) -> Ticket:
    try:
        ticket = selectors.ticket_by_code(code=code)
    except Ticket.DoesNotExist:
        raise HttpError(404, TICKET_NOT_FOUND) from None
    if ticket.holder_id != request.auth.pk:
        raise HttpError(404, TICKET_NOT_FOUND)
    return ticket


@router.get(
    "/events/tickets",
    auth=SIGNED_IN,
    response={200: list[TicketOut], 401: ErrorOut},
    summary="我的门票 My tickets",
)
def ticket_list(request: SignedInApiRequest):
    return list(selectors.tickets_for_holder(user=request.auth))


@router.post(
    "/events/tickets",
    auth=SIGNED_IN,
    response={
        200: TicketOut,
        201: TicketOut,
        400: ErrorOut,
        401: ErrorOut,
        409: TicketProblem,
        422: TicketProblem | ValidationErrorOut,
    },
    summary="活动登记 Register for an event's time slot",
    description="201: the ticket. 200: the same registration sent again within 10 minutes (or the same "
    "Idempotency-Key): that ticket, nothing new. 409 `sold_out` (not enough places left) or "
    "`slot_closed` (started). 422 `name`, `quantity`, `invalid_phone`, `slot_not_found`. A paid slot's "
    "ticket is paid at the door: online payment of tickets is not offered yet.",
)
@idempotent
def ticket_create(request: SignedInApiRequest, payload: TicketIn):
    language = translation.get_language_from_request(request)
    with _in_chinese():
        try:
            registration = services.ticket_register(
                slot=payload.slot_id,
                holder=request.auth,
                holder_name=payload.holder_name,
                holder_phone=payload.holder_phone,
                quantity=payload.quantity,
                language=language,
                pay_online=payload.pay_online,
            )
        except TicketSlot.DoesNotExist:
            return Status(422, {"detail": SLOT_NOT_FOUND, "code": "slot_not_found"})
        except TicketError as error:
            return Status(409, {"detail": error.message, "code": error.code})
    ticket = selectors.ticket_by_code(code=registration.ticket.code)
    return Status(201 if registration.created else 200, ticket)


@router.get(
    "/events/tickets/{code}",
    auth=SIGNED_IN,
    response={200: TicketOut, 401: ErrorOut, 404: ErrorOut},
    summary="门票 One of my tickets",
)
def ticket_detail(request: SignedInApiRequest, code: str):
    return _my_ticket(request, code)


@router.post(
    "/events/tickets/{code}/cancel",
    auth=SIGNED_IN,
    response={200: TicketOut, 401: ErrorOut, 404: ErrorOut, 409: TicketProblem},
    summary="取消门票 Cancel my ticket",
    description="Before the slot starts; the places go back. Cancelling a cancelled ticket changes nothing "
    "(200). 409 `too_late` (started) or `already_checked_in`.",
)
def ticket_cancel(request: SignedInApiRequest, code: str):
    ticket = _my_ticket(request, code)
    with _in_chinese():
        try:
            services.ticket_cancel(ticket=ticket)
        except TicketError as error:
            return Status(409, {"detail": error.message, "code": error.code})
    return selectors.ticket_by_code(code=code)


@router.post(
    "/events/tickets/{code}/pay",
    auth=SIGNED_IN,
    url_name="ticket_pay",
    response={
        200: TicketPaymentOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: TicketProblem,
        422: ValidationErrorOut,
        503: TicketProblem,
    },
    summary="在线付款 Pay my ticket online",
    description="For a ticket registered with `pay_online`: opens the payment with the provider and "
    "answers `checkout_url` and `expires_at`; asking again while it is open answers the same page. The "
    "ticket is `paid` once the provider reports the payment. 409 `not_payable`: paid already, cancelled, "
    "paid at the door, or its time to pay is over. 503 `payment_unavailable`.",
)
@idempotent
def ticket_pay(request: SignedInApiRequest, code: str, payload: TicketPayIn):
    ticket = _my_ticket(request, code)
    back = request.build_absolute_uri(ticket.get_absolute_url())
    with _in_chinese():
        try:
            payment = payable_payment_start(
                payable=ticket.source_reference,
                provider=payload.provider,
                language=ticket.language or "zh-hans",
                success_url=back,
                cancel_url=back,
            )
        except PayableRefused as error:
            return Status(409, {"detail": error.message, "code": error.code})
        except PaymentUnavailable as error:
            return Status(503, {"detail": error.message, "code": error.code})
    return {
        "code": ticket.code,
        "provider": payment.provider,
        "checkout_url": payment.redirect_url,
        "expires_at": payment.expires_at,
    }


@router.get("/events", response=list[VillageEventOut], summary="近期活动 Upcoming events")
def event_list(request: HttpRequest, query: Query[VillageEventQuery]):
    return selectors.events_upcoming(village=query.village)


@router.get(
    "/events/{event_id}",
    response={200: VillageEventDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="活动详情 One event with its slots",
)
def event_detail(request: HttpRequest, event_id: ObjectId):
    try:
        return selectors.event_detail(pk=event_id)
    except Event.DoesNotExist:
        raise HttpError(404, EVENT_NOT_FOUND) from None
