"""The guest's side of paying: start a payment (POST, then off to the provider's page), the page the
provider sends the guest back to, and the page for a payment given up; WeChat Pay's own pages (the QR
code of a Native order, the JSAPI page inside WeChat). Also the providers' notifications.

A booking made by a signed-in guest is only shown to that guest; an anonymous booking to whoever has
its reference. The addresses the provider sends the guest back to carry a signed token for the booking
(``return_url``), so they also open in a browser where the guest is not signed in: a payment started
through the API (``POST /api/bookings/{reference}/pay``) from an app. The pages show the stay and its
state, never the guest's personal details.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.errors import IllegalTransition
from bookings.models import Booking
from bookings.payments.base import PaymentProviderError, online_choices, payment_client, providers_enabled
from bookings.payments.models import Payment
from bookings.payments.services import PaymentUnavailable, payment_start
from bookings.payments.wechat_pay import JSAPI_MARK, WeChatPay, jsapi_prepay
from bookings.payments.wechat_pay import PROVIDER as WECHAT_PAY
from common.qr import qr_data_uri

RETURN_SALT = "bookings.payments.return"
RETURN_MAX_AGE = timedelta(days=1)
RETURN_PARAMETER = "t"
# Signing in through the official account inside WeChat (issue 17's WeChat sign-in names its page so).
WECHAT_SIGN_IN_URL_NAME = "wechat_start"  # tourism/urls_wechat.py
WITHOUT_SIGN_IN = "without_wechat_sign_in"
JSAPI_RESULTS = {"ok", "cancel", "fail"}
WECHAT_CODE = "weixin://"  # a WeChat Pay Native payment's redirect_url: the code to show as a QR code


def return_token(booking: Booking) -> str:
    return signing.dumps(booking.reference, salt=RETURN_SALT)


def return_url(request: HttpRequest, name: str, booking: Booking) -> str:
    """The absolute address of a payment page (``payments:done`` / ``payments:cancelled``) for the
    provider to send the guest back to, with the booking's signed token."""
    path = reverse(name, args=[booking.reference])
    return request.build_absolute_uri(f"{path}?{urlencode({RETURN_PARAMETER: return_token(booking)})}")


def _token_for(request: HttpRequest, booking: Booking) -> bool:
    token = request.GET.get(RETURN_PARAMETER, "")
    try:
        reference = signing.loads(token, salt=RETURN_SALT, max_age=RETURN_MAX_AGE)
    except signing.BadSignature:
        return False
    return reference == booking.reference


def _booking(request: HttpRequest, reference: str) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related("homestay__village", "room_type"), reference=reference.upper()
    )
    if booking.user_id not in (None, request.user.pk) and not _token_for(request, booking):
        raise Http404
    return booking


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    """These pages live outside the language prefixes (Stripe returns to one fixed URL), so they speak the
    language the guest booked in."""
    with translation.override(context["booking"].language):
        return render(request, template, context, status=status)


def _problem(request: HttpRequest, booking: Booking, message: str, status: int) -> HttpResponse:
    return _render(request, "payments/problem.html", {"booking": booking, "message": message}, status=status)


def payment_page_for(request: HttpRequest, booking: Booking, payment: Payment, done: str) -> str:
    """Where to send the guest for a payment: the provider's page, our QR page for a WeChat Pay Native
    code (``weixin://``, which a browser cannot open), our JSAPI page inside WeChat, or the result page
    when nothing is paid online. The JSON API answers it too (``POST /api/bookings/{reference}/pay``)."""
    if payment.redirect_url.startswith(WECHAT_CODE):
        return return_url(request, "payments:wechat_code", booking)
    if jsapi_prepay(payment) is not None:
        return return_url(request, "payments:wechat_jsapi", booking)
    return payment.redirect_url or done


def wechat_sign_in_url(next_path: str) -> str | None:
    """The address of linking WeChat through the official account (网页授权) inside WeChat, coming back
    to ``next_path``; None when the official account is not configured."""
    if not getattr(settings, "WECHAT_OA_APPID", ""):
        return None
    try:
        path = reverse(WECHAT_SIGN_IN_URL_NAME)
    except NoReverseMatch:
        return None
    # The payer is signed in (booking needs it): linking WeChat to their account records the openid.
    return f"{path}?{urlencode({'process': 'link', REDIRECT_FIELD_NAME: next_path})}"


def _wechat_sign_in_first(
    request: HttpRequest, booking: Booking, provider: str | None
) -> HttpResponse | None:
    """Inside WeChat, paying by WeChat Pay without the payer's openid: JSAPI cannot be used, so offer
    signing in through WeChat first (when it exists), and paying by QR code instead."""
    client = payment_client(request)
    if not client.in_wechat or client.openid or request.POST.get(WITHOUT_SIGN_IN):
        return None
    if not booking.awaiting_payment:
        return None  # payment_start says why there is nothing to pay
    choices = online_choices(homestay=booking.homestay, client=client, language=booking.language)
    first = choices[0].identifier if choices else None
    if (provider or first) != WECHAT_PAY or WECHAT_PAY not in {choice.identifier for choice in choices}:
        return None
    sign_in = wechat_sign_in_url(reverse("bookings:detail", args=[booking.reference]))
    if sign_in is None:
        return None
    context = {
        "booking": booking,
        "sign_in_url": sign_in,
        "return_query": urlencode({RETURN_PARAMETER: return_token(booking)}),
        "without_sign_in": WITHOUT_SIGN_IN,
    }
    return _render(request, "payments/wechat_sign_in.html", context)


@require_POST
def start(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    done = return_url(request, "payments:done", booking)
    sign_in_first = _wechat_sign_in_first(request, booking, request.POST.get("provider") or None)
    if sign_in_first is not None:
        return sign_in_first
    try:
        payment = payment_start(
            booking=booking,
            success_url=done,
            cancel_url=return_url(request, "payments:cancelled", booking),
            provider=request.POST.get("provider") or None,
            client=payment_client(request),
        )
    except IllegalTransition as error:
        return _problem(request, booking, error.message, status=409)
    except PaymentUnavailable as error:
        return _problem(request, booking, error.message, status=503)
    return _see_other(payment_page_for(request, booking, payment, done))


def _sync_open_payments(booking: Booking) -> Booking:
    """Ask the providers about the booking's payments still open (a notification may be late or lost);
    what they say is recorded through the same services as a notification."""
    enabled = providers_enabled()
    open_payments = booking.payments.filter(
        status__in=[Payment.Status.PENDING, Payment.Status.PROCESSING], provider__in=list(enabled)
    ).exclude(provider_reference="")
    synced = False
    for payment in open_payments:
        try:
            enabled[payment.provider].payment_sync(payment=payment)
        except PaymentProviderError:
            continue  # the notification, or the next query, tells
        synced = True
    return (
        Booking.objects.select_related("homestay__village", "room_type").get(pk=booking.pk)
        if synced
        else booking
    )


@require_GET
def done(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    if booking.awaiting_payment:
        booking = _sync_open_payments(booking)
    return _render(request, "payments/done.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
def wechat_code(request: HttpRequest, reference: str) -> HttpResponse:
    """The WeChat Pay Native code of the booking's open payment as a QR code to scan with WeChat. The
    page reloads itself, and "I have paid" (POST) asks WeChat Pay at once; once paid, off to the result."""
    booking = _booking(request, reference)
    done = return_url(request, "payments:done", booking)
    if request.method == "POST" or booking.awaiting_payment:
        booking = _sync_open_payments(booking)
    payment = (
        booking.payments.filter(
            provider=WECHAT_PAY, status=Payment.Status.PENDING, redirect_url__startswith=WECHAT_CODE
        )
        .order_by("-id")
        .first()
    )
    if not booking.awaiting_payment or payment is None:
        return _see_other(done)
    context = {
        "booking": booking,
        "payment": payment,
        "qr": qr_data_uri(payment.redirect_url),
        "return_query": urlencode({RETURN_PARAMETER: return_token(booking)}),
        "paid_not_seen": request.method == "POST",
        "in_wechat": payment_client(request).in_wechat,
    }
    return _render(request, "payments/wechat_code.html", context)


@require_GET
def wechat_jsapi(request: HttpRequest, reference: str) -> HttpResponse:
    """Inside WeChat: hands the booking's JSAPI prepay, signed, to ``WeixinJSBridge`` (WeChat's pay
    sheet). The bridge's answer comes back as ``?result=ok|cancel|fail``, which only chooses the words:
    what happened is asked of WeChat Pay (ok goes to the result page, which asks too)."""
    booking = _booking(request, reference)
    result = request.GET.get("result", "")
    if result not in JSAPI_RESULTS:
        result = ""
    if result and booking.awaiting_payment:
        booking = _sync_open_payments(booking)
    done = return_url(request, "payments:done", booking)
    payment = (
        booking.payments.filter(
            provider=WECHAT_PAY, status=Payment.Status.PENDING, redirect_url__startswith=JSAPI_MARK
        )
        .order_by("-id")
        .first()
    )
    if not booking.awaiting_payment or payment is None or result == "ok":
        return _see_other(done)
    provider = providers_enabled().get(WECHAT_PAY)
    if not isinstance(provider, WeChatPay):
        return _see_other(done)
    try:
        params = provider.jsapi_params(payment=payment)
    except PaymentProviderError:
        return _problem(request, booking, str(PaymentUnavailable().message), status=503)
    others = [
        choice
        for choice in online_choices(
            homestay=booking.homestay, client=payment_client(request), language=booking.language
        )
        if choice.identifier != WECHAT_PAY
    ]
    context = {
        "booking": booking,
        "payment": payment,
        "bridge": {
            "params": params,
            "result_url": return_url(request, "payments:wechat_jsapi", booking),
            "invoke_now": not result,
        },
        "result": result,
        "other_choices": others,
        "return_query": urlencode({RETURN_PARAMETER: return_token(booking)}),
    }
    return _render(request, "payments/wechat_jsapi.html", context)


@require_GET
def cancelled(request: HttpRequest, reference: str) -> HttpResponse:
    booking = _booking(request, reference)
    can_retry = (
        booking.awaiting_payment
        and booking.hold_expires_at is not None
        and booking.hold_expires_at > timezone.now()
    )
    client = payment_client(request)
    return _render(
        request,
        "payments/cancelled.html",
        {
            "booking": booking,
            "can_retry": can_retry,
            "pay_choices": online_choices(
                homestay=booking.homestay, client=client, language=booking.language
            ),
            "return_query": urlencode({RETURN_PARAMETER: return_token(booking)}),
        },
    )


@csrf_exempt
@require_POST
def provider_notify(request: HttpRequest, provider: str) -> HttpResponse:
    """A payment provider's notification (Stripe's webhook, Alipay's and WeChat Pay's notify addresses),
    handled by that provider when it is enabled."""
    enabled = providers_enabled().get(provider)
    if enabled is None:
        raise Http404(f"{provider} is not configured")
    return enabled.handle_webhook(request)
