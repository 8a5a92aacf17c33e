"""The endpoints: check who asks, call one selector or use case (``bookings.usecases``, the same ones the
pages and the owner console call), answer. The engine's refusals become HTTP answers in one place,
``bookings.api.errors`` (ninja exception handlers): 409 for the state of things, 422 for bad input, 503
when a payment provider cannot be reached.

Engine messages are bilingual ("中文 English") only in Chinese (the English catalogue translates them to
English alone), so the engine is called with Chinese active: the API answers in both languages whatever
the request's language, like the catalogue.
"""

from dataclasses import replace
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from bookings import usecases
from bookings.activity import Source
from bookings.api.schemas import (
    AvailabilityOut,
    AvailabilityQuery,
    BookingIn,
    BookingOut,
    BookingSummaryOut,
    IllegalTransitionOut,
    NightsUnavailableOut,
    PaymentNotOfferedOut,
    PaymentStartIn,
    PaymentStartOut,
    Problem,
    Reference,
    utc,
)
from bookings.errors import IllegalTransition
from bookings.models import Booking
from bookings.payments.base import (
    PaymentClient,
    PaymentProvider,
    booking_payments_for,
    online_choices,
    payment_client,
)
from bookings.payments.services import PaymentUnavailable, payment_start
from bookings.payments.views import WECHAT_CODE, payment_page_for, return_url
from bookings.pricing import MAX_QUOTED_NIGHTS
from bookings.ratelimit import booking_attempt_wait, client_address
from bookings.selectors import booking_detail, bookings_for_user, homestays_available
from bookings.transitions import GUEST
from common.contact import CONTACT_REQUIRED, contact_missing
from common.idempotency import idempotent
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.endpoints import PAGINATION_RULE, CataloguePagination
from villages.api.fields import ErrorOut, ValidationErrorOut
from villages.models import RoomType

router = Router(tags=["bookings 预订"])

SIGNED_IN_ERRORS = {401: ErrorOut, 403: ErrorOut}
REFUSED = {422: Problem | ValidationErrorOut}
NOT_FOUND = {404: ErrorOut}
# A state change of one of my bookings refused: not possible now (409), or invalid input (422).
STATE_CHANGE_REFUSED = {409: IllegalTransitionOut, 422: ValidationErrorOut}
MALFORMED_BODY = {400: ErrorOut}  # a body that is not JSON at all; JSON of the wrong shape is 422
BOOKING_NOT_FOUND = "找不到这个预订 / Booking not found"
ROOM_TYPE_NOT_FOUND = "找不到这个房型 / Room type not found"
RATE_LIMITED = "预订尝试过于频繁,请稍后再试 / Too many booking attempts: please wait a minute"
PAYMENT_NOT_OFFERED = (
    "这家民宿现在不接受这种付款方式,请换一种 / This homestay does not take this way of paying now; "
    "choose another"
)
PAID_AT_HOMESTAY = "这个预订在民宿付款,无需在线支付 / This booking is paid at the homestay, not online"
PROVIDER_NOT_OFFERED = (
    "这个预订现在不能用这种方式在线支付,请从 choices 中选择 / This booking cannot be paid this way now; "
    "choose one of `choices`"
)


def _in_chinese():
    return translation.override(settings.LANGUAGE_CODE)


def _check_stay_length(check_in: date, check_out: date) -> None:
    """Refuse an absurd stay before the engine lists its nights: 0001-01-01 to 9999-12-31 would be 3.6
    million dates, seconds of work for one request."""
    if (check_out - check_in).days > MAX_QUOTED_NIGHTS:
        raise ValidationError(
            gettext("一次最多预订%(n)s晚 At most %(n)s nights at a time") % {"n": MAX_QUOTED_NIGHTS},
            code="too_long",
        )


def _actor(request: SignedInApiRequest) -> usecases.Actor:
    return usecases.Actor(role=GUEST, source=Source.API, user=request.auth)


def _my_booking(request: SignedInApiRequest, reference: str) -> Booking:
    try:
        booking = booking_detail(reference=reference)
    except Booking.DoesNotExist:
        raise HttpError(404, BOOKING_NOT_FOUND) from None
    if booking.user_id != request.auth.pk:
        raise HttpError(404, BOOKING_NOT_FOUND)
    return booking


@router.get(
    "/availability",
    response={200: AvailabilityOut, **REFUSED},
    summary="可订民宿 Homestays free for a stay",
    description="Published homestays with the room types free on every night of [check_in, check_out) for "
    "`rooms` rooms and `guests` guests, within every stay rule, with the total price of the stay. "
    "Public. `limit` 1-100 (default 20), `offset`; `has_more` says whether a next page exists. "
    "A stay the rules refuse (check-out not after check-in, past dates, no guests, over 366 nights) is 422 "
    '`{"detail": "中文 English", "code": ...}`; parameters of the wrong type are 422 with a list.',
)
def availability(request: HttpRequest, query: Query[AvailabilityQuery]):
    with _in_chinese():
        _check_stay_length(query.check_in, query.check_out)
        results = homestays_available(
            check_in=query.check_in,
            check_out=query.check_out,
            guests=query.guests,
            rooms=query.rooms,
            village=query.village,
            theme=query.theme,
            max_price=query.max_price,
            sort=query.sort,
            limit=query.offset + query.limit + 1,
        )
    page = results[query.offset : query.offset + query.limit]
    return {
        "check_in": query.check_in,
        "check_out": query.check_out,
        "nights": (query.check_out - query.check_in).days,
        "guests": query.guests,
        "rooms": query.rooms,
        "items": page,
        "has_more": len(results) > query.offset + query.limit,
    }


@router.post(
    "/bookings",
    auth=SIGNED_IN,
    response={
        200: BookingOut,
        201: BookingOut,
        **MALFORMED_BODY,
        **SIGNED_IN_ERRORS,
        409: NightsUnavailableOut,
        **REFUSED,
        429: Problem,
    },
    summary="预订 Book a room type",
    description="Send the X-Session-Token header, or the session cookie and the X-CSRFToken header. "
    "201: the booking, held for payment (online) or for the owner's approval (on-request homestays), or "
    "confirmed at once (instant book, paid at the homestay). 200: you booked the same stay (room type, "
    "dates, party, lead guest) in the last 10 minutes: this is that booking, nothing new was booked (a "
    "retry without an Idempotency-Key never books twice). 409 `nights_unavailable`: some night is "
    "full, `nights` lists them. 422 `{detail, code}`: the booking rules refuse it (codes `past`, "
    "`dates_order`, `too_long`, `booking_window`, `same_day_cutoff`, `min_nights`, `max_nights`, `guests`, "
    "`rooms`, `capacity`, `inactive`, `name`, `phone`, `room_type_not_found` for an unknown "
    "room_type_id, `contact_required` for someone signed in with WeChat alone who has not verified a phone "
    "number or e-mail yet, and `payment_unavailable` for a way of paying the homestay does not take now: "
    "`online` while no online payment provider is configured, or a homestay that takes only one way). "
    "A booking held for online payment has a `pay_url`: POST it (optionally naming `provider`) to pay. "
    "429 `rate_limited` with Retry-After: more than "
    "BOOKING_CREATE_RATE_PER_MINUTE (default 20) attempts by one user in a minute. 400: the body is not "
    "JSON. Nothing changes unless the answer is 201. The booking's language is `lang`, else the language "
    "cookie, else Accept-Language, else zh-hans.",
)
@idempotent
def booking_create(request: SignedInApiRequest, payload: BookingIn, response: HttpResponse):
    wait = booking_attempt_wait(user_id=request.auth.pk, address=client_address(request))
    if wait:
        response["Retry-After"] = str(wait)
        return Status(429, {"detail": RATE_LIMITED, "code": "rate_limited"})
    if contact_missing(request.auth):
        return Status(422, {"detail": str(CONTACT_REQUIRED), "code": "contact_required"})
    language = payload.lang or translation.get_language_from_request(request)
    with _in_chinese():
        _check_stay_length(payload.check_in, payload.check_out)
        try:
            outcome = usecases.booking_place(
                actor=_actor(request),
                room_type=payload.room_type_id,
                check_in=payload.check_in,
                check_out=payload.check_out,
                guests=payload.guests,
                rooms=payload.rooms,
                lead_guest_name=payload.lead_guest_name,
                lead_guest_phone=payload.lead_guest_phone,
                payment=payload.payment,
                language=language,
                accept=_payment_offered(payload.payment),
            )
        except RoomType.DoesNotExist:
            return Status(422, {"detail": ROOM_TYPE_NOT_FOUND, "code": "room_type_not_found"})
        except _PaymentNotOffered:
            return Status(422, {"detail": PAYMENT_NOT_OFFERED, "code": PaymentUnavailable.code})
    if outcome.changed:  # the new booking carries its nights and event: nothing to read again
        return Status(201, outcome.booking)
    return Status(200, booking_detail(reference=outcome.booking.reference))


class _PaymentNotOffered(Exception):
    pass


def _payment_offered(payment: str):
    def accept(room_type: RoomType) -> None:
        if payment not in booking_payments_for(homestay=room_type.homestay):
            raise _PaymentNotOffered

    return accept


@router.get(
    "/bookings",
    auth=SIGNED_IN,
    response={200: list[BookingSummaryOut], **SIGNED_IN_ERRORS, 422: ValidationErrorOut},
    summary="我的预订 My bookings",
    description="The signed-in guest's bookings, newest first. " + PAGINATION_RULE,
)
@paginate(CataloguePagination)
def booking_list(request: SignedInApiRequest):
    return bookings_for_user(user=request.auth).order_by("-created_at", "-id")


@router.get(
    "/bookings/{reference}",
    auth=SIGNED_IN,
    response={200: BookingOut, **SIGNED_IN_ERRORS, **NOT_FOUND, 422: ValidationErrorOut},
    summary="预订详情 One of my bookings",
    description="With each night's price, the refund policy and the registered guests (document numbers "
    "masked). Another user's booking or an unknown reference: 404.",
)
def booking_get(request: SignedInApiRequest, reference: Reference):
    return _my_booking(request, reference)


@router.post(
    "/bookings/{reference}/cancel",
    auth=SIGNED_IN,
    response={
        200: BookingOut,
        **SIGNED_IN_ERRORS,
        **NOT_FOUND,
        **STATE_CHANGE_REFUSED,
    },
    summary="取消预订 Cancel one of my bookings",
    description="Cancels a held or confirmed booking up to the arrival day; `refund_due` is what the "
    "homestay's refund policy gives back of what was paid, sent back at once the way it was paid: "
    "`refunds` lists it with its status (`pending` until the payment provider confirms it). A payment "
    "page still open is closed. Cancelling a cancelled booking answers the same booking again and "
    "never refunds twice. 409 `illegal_transition`: the booking can no longer be cancelled (arrival "
    "day passed, checked in, expired...). Another user's booking: 404.",
)
@idempotent
def booking_cancel_mine(request: SignedInApiRequest, reference: Reference):
    booking = _my_booking(request, reference)
    with _in_chinese():
        usecases.booking_cancel(booking=booking, actor=_actor(request))
    return booking_detail(reference=booking.reference)


def _choice(provider: PaymentProvider) -> dict:
    with translation.override(None):
        zh, _space, en = str(provider.button_label).partition(" ")
    return {"provider": provider.identifier, "label": {"zh": zh, "en": en or zh}}


def _api_client(request: HttpRequest) -> PaymentClient:
    """Where the guest pays from, by the app's or browser's user agent and address. Never a JSAPI payer:
    the mini-program pays through ``/wechat-pay``, the site's pages inside WeChat through their own."""
    return replace(payment_client(request), ip=client_address(request) or "", openid="", appid="")


def _payment_answer(request: HttpRequest, booking: Booking, payment, choices: list[dict]) -> dict:
    done = return_url(request, "payments:done", booking)
    qr_code = payment.redirect_url.startswith(WECHAT_CODE)
    return {
        "reference": booking.reference,
        "provider": payment.provider,
        "kind": "qr_code" if qr_code else "redirect",
        "checkout_url": payment_page_for(request, booking, payment, done),
        "code_url": payment.redirect_url if qr_code else None,
        "expires_at": utc(payment.expires_at),
        "choices": choices,
    }


@router.post(
    "/bookings/{reference}/pay",
    auth=SIGNED_IN,
    url_name="booking_pay",
    response={
        200: PaymentStartOut,
        **MALFORMED_BODY,
        **SIGNED_IN_ERRORS,
        **NOT_FOUND,
        409: IllegalTransitionOut,
        422: PaymentNotOfferedOut | ValidationErrorOut,
        503: Problem,
    },
    summary="在线付款 Pay one of my bookings online",
    description="For a booking awaiting online payment (its `pay_url`): opens the payment with the "
    "provider named in the body's `provider` (`wechat_pay`, `alipay`, `stripe_checkout` for card; "
    "optional: the first offered, see `choices`) and answers how the guest pays, by `kind`: "
    "`redirect`, open `checkout_url` "
    "(Stripe Checkout, Alipay's page, WeChat Pay's H5 page in a phone browser); `qr_code`, WeChat Pay "
    "Native on a desktop or inside WeChat's browser: show `code_url` (`weixin://...`) as a QR code to "
    "scan with WeChat, or open `checkout_url`, this site's page showing it. In the mini-program use "
    "`POST /api/bookings/{reference}/wechat-pay` instead (`wx.requestPayment`). `expires_at`: the payment "
    "closes then; the rooms stay held until then. Asking again while that payment is open answers the "
    "same one; naming another provider opens one with it (should the guest pay both, the second is "
    "refunded automatically). After paying (or giving up) the guest comes back to this site's payment "
    "result page; the booking becomes `confirmed` (or, on request, awaits the owner) once the provider "
    "reports the payment, so read the booking again. 409 `illegal_transition`: nothing to pay online "
    "(paid already, paid at the homestay, cancelled, or the hold is over: book again). 422 "
    "`payment_unavailable` with `choices`: the booking does not take that provider from where you ask "
    "(not configured, not chosen by the homestay, or Alipay inside WeChat). 503 `payment_unavailable`: "
    "online payment is not configured, the provider cannot be reached, or it answered too slowly to "
    "replace an open payment; nothing changed, try again later. The same Idempotency-Key with another "
    "`provider` is 422. Another user's booking: 404.",
)
@idempotent
def booking_pay(request: SignedInApiRequest, reference: Reference, payload: PaymentStartIn | None = None):
    booking = _my_booking(request, reference)
    client = _api_client(request)
    provider = payload.provider if payload is not None else None
    with _in_chinese():
        if booking.payment != Booking.Payment.ONLINE:
            raise IllegalTransition(PAID_AT_HOMESTAY, status=booking.status, action="pay")
        offered = online_choices(homestay=booking.homestay, client=client, language=booking.language)
        choices = [_choice(each) for each in offered]
        if provider is not None and provider not in {each.identifier for each in offered}:
            detail = {"detail": PROVIDER_NOT_OFFERED, "code": PaymentUnavailable.code, "choices": choices}
            return Status(422, detail)
        payment = payment_start(
            booking=booking,
            success_url=return_url(request, "payments:done", booking),
            cancel_url=return_url(request, "payments:cancelled", booking),
            provider=provider,
            client=client,
        )
        return _payment_answer(request, booking, payment, choices)
