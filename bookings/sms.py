"""The text messages (SMS) of booking notifications: one pre-approved template per event, in Chinese.

Aliyun and Tencent send only templates approved beforehand, so each event's text is fixed here with
named parameters (``SMS_TEMPLATES`` maps each template's name to the provider's code; README "SMS
templates"). Every text, signature included, fits in one SMS of 70 characters with realistic long
values: the homestay's name is cut to ``NAME_LIMIT`` characters, and no parameter comes near Aliyun's
35 (tests/bookings/test_sms.py). Templates are approved in Chinese, so a guest who booked in English
gets the Chinese text; the e-mail and the booking page carry the English.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from bookings.models import Booking
from notifications.channels import SmsContent
from notifications.sms.templates import SmsTemplate, sms_param, sms_template_register

NAME_LIMIT = 12
BEIJING = ZoneInfo("Asia/Shanghai")

TEMPLATES = [
    SmsTemplate(
        "booking_held",
        "您在${homestay}的预订${ref}待付款，请于${deadline}前完成支付，逾期自动取消。",
        "客人：预订待付款 Guest: booking awaiting payment",
    ),
    SmsTemplate(
        "booking_requested",
        "您在${homestay}的预订申请${ref}已提交，民宿确认后会再通知您。",
        "客人：预订申请已提交 Guest: booking request received",
    ),
    SmsTemplate(
        "booking_confirmed",
        "您在${homestay}的预订${ref}已确认，${checkin}入住，共${nights}晚，期待您的光临。",
        "客人：预订已确认 Guest: booking confirmed",
    ),
    SmsTemplate(
        "booking_cancelled",
        "您在${homestay}的预订${ref}已取消。如有退款，我们会另行通知。",
        "客人：预订已取消 Guest: booking cancelled",
    ),
    SmsTemplate(
        "booking_expired",
        "您在${homestay}的预订${ref}已过期，房间已释放，欢迎重新预订。",
        "客人：预订已过期 Guest: booking expired",
    ),
    SmsTemplate(
        "booking_refund_sent",
        "预订${ref}的${amount}元退款已发出，将按原付款方式退回。",
        "客人：退款已发出 Guest: refund on its way",
    ),
    SmsTemplate(
        "booking_refund_cash",
        "预订${ref}的${amount}元将由民宿以现金退还给您，登记后会再通知您。",
        "客人：民宿将退还现金 Guest: the host hands back cash",
    ),
    SmsTemplate(
        "booking_refund_completed",
        "预订${ref}的${amount}元已退还给您。",
        "客人：退款已完成 Guest: refund completed",
    ),
    SmsTemplate(
        "booking_reminder",
        "您预订的${homestay}明天入住（预订号${ref}），地址和电话请见预订详情。",
        "客人：明天入住提醒 Guest: stay starts tomorrow",
    ),
    SmsTemplate(
        "booking_review_invite",
        "感谢入住${homestay}！欢迎在“我的预订”中评价本次住宿（预订号${ref}）。",
        "客人：邀请评价 Guest: review invitation",
    ),
    SmsTemplate(
        "owner_new",
        "${homestay}有新预订${ref}：${checkin}入住${nights}晚${rooms}间，请在经营户中心查看。",
        "经营户：新预订 Owner: new booking",
    ),
    SmsTemplate(
        "owner_request",
        "${homestay}有预订申请${ref}，${checkin}入住，请于${deadline}前在经营户中心处理。",
        "经营户：预订申请待确认 Owner: booking request to answer",
    ),
    SmsTemplate(
        "owner_cancelled",
        "预订${ref}（${checkin}入住）已取消，房间已重新开放。",
        "经营户：预订已取消 Owner: booking cancelled",
    ),
    SmsTemplate(
        "owner_paid",
        "预订${ref}的客人已在线支付${amount}元。",
        "经营户：收到在线付款 Owner: online payment received",
    ),
    SmsTemplate(
        "owner_cash_refund",
        "请将预订${ref}的${amount}元现金退还客人，并在经营户中心登记已退还。",
        "经营户：请退还现金 Owner: hand back cash",
    ),
]

# Event -> template name (bookings.notices names the events).
EVENT_TEMPLATES = {
    "booking.held": "booking_held",
    "booking.requested": "booking_requested",
    "booking.confirmed": "booking_confirmed",
    "booking.cancelled": "booking_cancelled",
    "booking.expired": "booking_expired",
    "booking.refund_sent": "booking_refund_sent",
    "booking.refund_completed": "booking_refund_completed",
    "booking.reminder": "booking_reminder",
    "booking.review_invite": "booking_review_invite",
    "booking.owner_new": "owner_new",
    "booking.owner_request": "owner_request",
    "booking.owner_cancelled": "owner_cancelled",
    "booking.owner_paid": "owner_paid",
    "booking.owner_cash_refund": "owner_cash_refund",
}
CASH_REFUND_SENT = "booking_refund_cash"


def _day(value) -> str:
    return f"{value.month}月{value.day}日"


def booking_sms_params(booking: Booking, *, amount: str | None = None) -> dict[str, str]:
    """Every parameter a booking template may name, in Chinese, each within its limit."""
    with translation.override("zh-hans"):
        homestay = sms_param(booking.homestay.name, limit=NAME_LIMIT)
    deadline = ""
    if booking.hold_expires_at is not None:
        local = timezone.localtime(booking.hold_expires_at, BEIJING)
        deadline = f"{_day(local)}{local:%H:%M}"
    return {
        "ref": booking.reference,
        "homestay": homestay,
        "checkin": _day(booking.check_in),
        "nights": str(booking.nights),
        "rooms": str(booking.rooms),
        "deadline": deadline,
        "amount": sms_param(amount or ""),
    }


def booking_sms(event: str, booking: Booking, *, context: dict) -> SmsContent:
    """The SMS of ``event`` about ``booking`` (``context``: the notification's, with ``amount`` and
    ``cash`` for refunds and payments)."""
    name = EVENT_TEMPLATES[event]
    if name == "booking_refund_sent" and context.get("cash"):
        name = CASH_REFUND_SENT
    template = next(template for template in TEMPLATES if template.name == name)
    params = booking_sms_params(booking, amount=context.get("amount"))
    return SmsContent(template=name, params={key: params[key] for key in template.params})


def register() -> None:
    for template in TEMPLATES:
        sms_template_register(template)
