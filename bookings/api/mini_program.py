"""``POST /api/bookings/{reference}/wechat-pay``: paying a booking inside the mini-program. WeChat Pay's
JSAPI order is opened with the mini-program's AppID (``WECHAT_MINI_APPID``, bound to the merchant) for
the payer's openid there (recorded when they signed in to the mini-program), and the answer is what
``wx.requestPayment`` takes, signed with the merchant's key. Whether the guest paid is never taken from
the mini-program: WeChat Pay's notification (or a query) confirms the booking; read it again."""

from datetime import datetime

from django.conf import settings
from ninja import Field, Schema, Status

from bookings.api.endpoints import (
    NOT_FOUND,
    PAID_AT_HOMESTAY,
    PAYMENT_NOT_OFFERED,
    SIGNED_IN_ERRORS,
    _in_chinese,
    _my_booking,
    router,
)
from bookings.api.schemas import IllegalTransitionOut, Problem, Reference, utc
from bookings.errors import IllegalTransition
from bookings.models import Booking
from bookings.payments.base import PaymentClient, PaymentProviderError, providers_for
from bookings.payments.services import PaymentUnavailable, payment_start
from bookings.payments.views import return_url
from bookings.payments.wechat_pay import PROVIDER as WECHAT_PAY
from bookings.payments.wechat_pay import WeChatPay
from bookings.ratelimit import client_address
from common.idempotency import idempotent
from common.wechat_ids import openid_for
from villages.api.auth import SIGNED_IN, SignedInApiRequest
from villages.api.fields import ValidationErrorOut

SIGN_IN_NEEDED = "wechat_sign_in_needed"
SIGN_IN_NEEDED_DETAIL = (
    "请先在小程序中用微信登录,再用微信支付 / Sign in with WeChat in the mini-program first, then pay"
)


class WeChatPayParamsOut(Schema):
    reference: str = Field(description="预订号 booking reference")
    expires_at: datetime | None = Field(description="支付截止 UTC: the order closes then")
    timeStamp: str = Field(description="wx.requestPayment timeStamp (seconds, as text)")
    nonceStr: str = Field(description="wx.requestPayment nonceStr")
    package: str = Field(description="wx.requestPayment package: prepay_id=...")
    signType: str = Field(description="wx.requestPayment signType: RSA")
    paySign: str = Field(
        description="wx.requestPayment paySign: RSA-SHA256 by the merchant's key over "
        "appId\\ntimeStamp\\nnonceStr\\npackage\\n"
    )


@router.post(
    "/bookings/{reference}/wechat-pay",
    auth=SIGNED_IN,
    url_name="booking_wechat_pay",
    response={
        200: WeChatPayParamsOut,
        **SIGNED_IN_ERRORS,
        **NOT_FOUND,
        409: IllegalTransitionOut | Problem,
        422: Problem | ValidationErrorOut,
        503: Problem,
    },
    summary="小程序微信支付 Pay one of my bookings by WeChat Pay in the mini-program",
    description="For a booking awaiting online payment, in the mini-program: opens a WeChat Pay JSAPI "
    "order for the signed-in guest's openid in the mini-program and answers the parameters of "
    "`wx.requestPayment` (`timeStamp`, `nonceStr`, `package`, `signType`, `paySign`). Asking again while "
    "the order is open answers the same order, freshly signed. Whatever `wx.requestPayment` says, the "
    "booking becomes `confirmed` only once WeChat Pay reports the payment: read the booking again. 409 "
    f"`{SIGN_IN_NEEDED}`: the guest has not signed in with WeChat in the mini-program (no openid). 409 "
    "`illegal_transition`: nothing to pay online (paid, paid at the homestay, cancelled, hold over). "
    "422 `payment_unavailable`: WeChat Pay or the mini-program is not configured, or the homestay does "
    "not take WeChat Pay. 503 `payment_unavailable`: WeChat Pay cannot be reached; try again later. "
    "Another user's booking: 404.",
)
@idempotent
def booking_wechat_pay(request: SignedInApiRequest, reference: Reference):
    booking = _my_booking(request, reference)
    appid = getattr(settings, "WECHAT_MINI_APPID", "")
    provider = next(
        (offered for offered in providers_for(homestay=booking.homestay) if offered.identifier == WECHAT_PAY),
        None,
    )
    with _in_chinese():
        if not appid or not isinstance(provider, WeChatPay):
            return Status(422, {"detail": PAYMENT_NOT_OFFERED, "code": PaymentUnavailable.code})
        if booking.payment != Booking.Payment.ONLINE:
            raise IllegalTransition(PAID_AT_HOMESTAY, status=booking.status, action="pay")
        openid = openid_for(request.auth, appid)
        if not openid:
            return Status(409, {"detail": SIGN_IN_NEEDED_DETAIL, "code": SIGN_IN_NEEDED})
        payment = payment_start(
            booking=booking,
            success_url=return_url(request, "payments:done", booking),
            cancel_url=return_url(request, "payments:cancelled", booking),
            provider=WECHAT_PAY,
            client=PaymentClient(
                mobile=True, in_wechat=True, ip=client_address(request) or "", openid=openid, appid=appid
            ),
        )
        try:
            params = provider.jsapi_params(payment=payment)
        except PaymentProviderError:
            raise PaymentUnavailable from None
    params.pop("appId")
    return {"reference": booking.reference, "expires_at": utc(payment.expires_at), **params}
