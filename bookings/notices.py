"""What guests and owners are told about a booking, and when (the README's notification table).

``booking_notices_queue`` is called by every path that changes a booking (the use cases in
``bookings.usecases`` and the payment services) with the booking as it is now; it queues the notices
its new state calls for through ``notifications.services.notification_queue``, which records each one
once (its key names the event and the booking) and sends it after the transaction commits. So a
booking made through the page, the API or the owner console, or confirmed by a payment webhook, tells
the same people the same things, and a repeated webhook tells nobody twice.

The worker renders each message when it sends it (``render``), in the recipient's language: the
guest's in the booking's language, the owner's in their contact preference (Chinese by default). Each
message carries its SMS too (``bookings.sms``: a template per event), for those reached by text.
"""

from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bookings import emails, sms
from bookings.models import Booking
from bookings.policies import free_cancellation_until
from bookings.reviews.models import Review
from notifications.channels import Message
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import Notice, notifications_queue, route_for

Status = Booking.Status
GUEST, OWNER = "guest", "owner"
PREFIX = "booking."

# Guests: the booking's state emails (bookings.emails), refunds and the reminder.
GUEST_STATE = {
    emails.AWAITING_PAYMENT: "booking.held",
    emails.REQUESTED: "booking.requested",
    emails.CONFIRMED: "booking.confirmed",
    emails.CANCELLED: "booking.cancelled",
    emails.EXPIRED: "booking.expired",
}
STATE_OF_EVENT = {event: kind for kind, event in GUEST_STATE.items()}
REFUND_SENT = "booking.refund_sent"
REFUND_COMPLETED = "booking.refund_completed"
REMINDER = "booking.reminder"
REVIEW_INVITE = "booking.review_invite"  # after check-out: how was your stay?
# Owners.
OWNER_NEW = "booking.owner_new"
OWNER_REQUEST = "booking.owner_request"
OWNER_CANCELLED = "booking.owner_cancelled"
OWNER_PAID = "booking.owner_paid"
OWNER_CASH_REFUND = "booking.owner_cash_refund"

HEADLINES = {
    REFUND_SENT: _("退款已发出 Refund on its way"),
    REFUND_COMPLETED: _("退款已完成 Refund completed"),
    REMINDER: _("明天入住提醒 Your stay starts tomorrow"),
    REVIEW_INVITE: _("欢迎评价您的住宿 How was your stay?"),
    OWNER_NEW: _("新预订 New booking"),
    OWNER_REQUEST: _("有新的预订申请待您确认 A booking request is waiting for your answer"),
    OWNER_CANCELLED: _("预订已取消 Booking cancelled"),
    OWNER_PAID: _("收到在线付款 Online payment received"),
    OWNER_CASH_REFUND: _("请将现金退还客人 Hand the cash back to the guest"),
}


# WeChat subscription messages carry these (notifications.wechat): a status in at most five Chinese
# characters and a note, in Chinese as the templates in WeChat's console are, whatever the language.
WECHAT_WORDING = {
    "booking.held": ("待付款", "请尽快完成支付，超时将自动取消"),
    "booking.requested": ("待确认", "已提交给民宿经营户，请等待确认"),
    "booking.confirmed": ("已确认", "预订成功，期待您的到来"),
    "booking.cancelled": ("已取消", "预订已取消，如有退款将原路退回"),
    "booking.expired": ("已失效", "未在规定时间内完成，预订已失效"),
    REFUND_SENT: ("退款中", "退款已发出，将按原付款方式退回"),
    REFUND_COMPLETED: ("已退款", "退款已到账，请注意查收"),
    REMINDER: ("明日入住", "明天入住，点击查看地址和路线"),
    OWNER_NEW: ("新预订", "您的民宿有新预订，请查看"),
    OWNER_REQUEST: ("待确认", "有预订申请待您同意或拒绝"),
    OWNER_CANCELLED: ("已取消", "预订已取消，房间已重新开放"),
    OWNER_PAID: ("已付款", "客人已在线付款"),
    OWNER_CASH_REFUND: ("待退现金", "请将现金退还客人并在经营户中心登记"),
}


def _zh(obj) -> str:
    return getattr(obj, "name_zh_hans", "") or obj.name


def wechat_facts(notification: Notification, booking: Booking) -> dict:
    """The named values a WeChat subscription message's template is filled from."""
    status, note = WECHAT_WORDING.get(notification.event, ("通知", ""))
    homestay, village = booking.homestay, booking.homestay.village
    return {
        "reference": booking.reference,
        "homestay": _zh(homestay),
        "room": _zh(booking.room_type),
        "village": _zh(village),
        "address": f"{_zh(village)} {_zh(homestay)}",
        "check_in": booking.check_in,
        "stay": (booking.check_in, booking.check_out),
        "amount": Decimal(notification.context.get("amount") or booking.total),
        "status": status,
        "note": note,
    }


def subject_of(booking: Booking) -> str:
    return f"booking:{booking.reference}"


def _notice(
    booking: Booking, event: str, role: str, *, suffix: str = "", context: dict | None = None
) -> Notice | None:
    if role == GUEST:
        recipient, language = booking.user, booking.language
    else:
        recipient, language = booking.homestay.owner, None
    if recipient is None:
        return None
    return Notice(
        key=f"{event}:{booking.reference}{suffix}",
        event=event,
        subject=subject_of(booking),
        role=role,
        recipient=recipient,
        language=language,
        context=context,
    )


def _queue(booking: Booking, event: str, role: str, *, suffix: str = "", context: dict | None = None) -> None:
    notifications_queue(list(filter(None, [_notice(booking, event, role, suffix=suffix, context=context)])))


def guest_reachable(booking: Booking) -> bool:
    """Whether the guest can be told anything at all (an account with an address on some channel)."""
    return booking.user is not None and bool(route_for(booking.user, language=booking.language)[1])


def booking_notices_queue(booking: Booking, *, actor_role: str) -> None:
    """Queue what the booking's current state calls for. ``actor_role`` is who made the change: an
    owner is not told of what they did themselves."""
    kind = emails.email_kind(booking)
    notices = [
        _notice(booking, GUEST_STATE[kind], GUEST) if kind is not None else None,
        _notice(booking, OWNER_NEW, OWNER)
        if booking.status == Status.CONFIRMED and actor_role != OWNER
        else None,
        _notice(booking, OWNER_REQUEST, OWNER) if booking.awaiting_approval else None,
        _notice(booking, OWNER_CANCELLED, OWNER)
        if booking.status == Status.CANCELLED and booking.cancelled_by != Booking.Party.OWNER
        else None,
        _notice(booking, REVIEW_INVITE, GUEST) if booking.status == Status.COMPLETED else None,
    ]
    notifications_queue([notice for notice in notices if notice is not None])


def payment_received_queue(booking: Booking, *, payment_id: int, amount: Decimal) -> None:
    _queue(booking, OWNER_PAID, OWNER, suffix=f":{payment_id}", context={"amount": str(amount)})


def refund_notices_queue(
    booking: Booking, *, refund_id: int, amount: Decimal, event: str, cash: bool = False
) -> None:
    """``event``: ``REFUND_SENT`` or ``REFUND_COMPLETED`` to the guest, ``OWNER_CASH_REFUND`` to the owner.
    ``cash``: the host hands the money back at the homestay (the guest is told so, not "the way you paid")."""
    role = OWNER if event == OWNER_CASH_REFUND else GUEST
    _queue(booking, event, role, suffix=f":{refund_id}", context={"amount": str(amount), "cash": cash})


def reminder_queue(booking: Booking) -> None:
    _queue(booking, REMINDER, GUEST)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _guest_url(booking: Booking) -> str:
    return _absolute(reverse("bookings:detail", kwargs={"reference": booking.reference}))


def _owner_url(booking: Booking) -> str:
    return _absolute(reverse("owner:booking_detail", kwargs={"reference": booking.reference}))


def _review_url(booking: Booking) -> str:
    return _absolute(reverse("reviews:write", kwargs={"reference": booking.reference}))


def _map_url(booking: Booking) -> str:
    homestay = booking.homestay
    return f"https://uri.amap.com/marker?position={homestay.longitude},{homestay.latitude}&coordinate=wgs84"


def render(notification: Notification) -> Message | None:
    """The message of a booking notification, from the booking as it is now (the renderer of
    ``booking.*`` events, run by the worker in the notification's language)."""
    reference = notification.subject.partition(":")[2]
    booking = (
        Booking.objects.select_related("homestay__village", "room_type", "user")
        .filter(reference=reference)
        .first()
    )
    if booking is None:
        return None
    if notification.event == REMINDER and booking.status != Status.CONFIRMED:
        return None
    if notification.event == REVIEW_INVITE and Review.objects.filter(booking=booking).exists():
        return None  # reviewed before the worker got to it
    if notification.event in STATE_OF_EVENT:
        kind = STATE_OF_EVENT[notification.event]
        email = emails.booking_email(booking, kind=kind, url=_guest_url(booking), to=notification.address)
        if email is None:  # no address to write to
            return None
        # django-stubs types the alternatives as plain tuples; Django 5.2+ gives EmailAlternative.
        html = email.alternatives[0].content if email.alternatives else ""  # type: ignore[attr-defined]
        return Message(
            subject=str(email.subject),
            text=str(email.body),
            html=html,
            short=_short(booking, kind),
            sms=sms.booking_sms(notification.event, booking, context=notification.context),
            facts=wechat_facts(notification, booking),
        )
    return _other(notification, booking)


def _short(booking: Booking, kind: str) -> str:
    return f"【{settings.SITE_NAME}】{emails.HEADLINES[kind]} {booking.reference}"


def _other(notification: Notification, booking: Booking) -> Message:
    homestay = booking.homestay
    headline = HEADLINES[notification.event]
    owner_side = notification.role == OWNER
    context = {
        "event": notification.event,
        "headline": headline,
        "booking": booking,
        "homestay": homestay,
        "village": homestay.village,
        "room_type": booking.room_type,
        "amount": notification.context.get("amount"),
        "cash": notification.context.get("cash", False),
        "url": _owner_url(booking)
        if owner_side
        else _review_url(booking)
        if notification.event == REVIEW_INVITE
        else _guest_url(booking),
        "map_url": _map_url(booking),
        "site_name": settings.SITE_NAME,
        "owner_side": owner_side,
        "free_cancellation_until": free_cancellation_until(
            policy=homestay.cancellation_policy, check_in=booking.check_in
        ),
    }
    text = render_to_string("emails/notice.txt", context)
    return Message(
        subject=f"[{settings.SITE_NAME}] {headline} · {booking.reference}",
        text=text,
        short=f"【{settings.SITE_NAME}】{headline} {booking.reference}",
        sms=sms.booking_sms(notification.event, booking, context=notification.context),
        facts=wechat_facts(notification, booking),
    )


def register() -> None:
    renderer_register(PREFIX, render)
    sms.register()
