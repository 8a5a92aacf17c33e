"""Emails to the guest about a booking: plain text and a simple HTML part, in the booking's language
(``booking.language``).

Their sentences are bilingual msgids, "中文 English", like the booking core's messages: a Chinese email
reads Chinese first with the English beside it, and the English catalogue makes an English email English
only. Emails carry no guest document numbers and no phone number of the guest.

``booking_email(booking)`` builds the email for the booking's state (confirmed, request received, rooms
held for payment, cancelled, expired). Nobody sends it directly: ``bookings.notices`` queues it as a
notification and the worker renders and sends it (``notifications``).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from bookings.models import Booking
from bookings.policies import free_cancellation_until

Status = Booking.Status

CONFIRMED = "confirmed"
REQUESTED = "requested"
AWAITING_PAYMENT = "awaiting_payment"
CANCELLED = "cancelled"
EXPIRED = "expired"

HEADLINES = {
    CONFIRMED: _("预订已确认 Booking confirmed"),
    REQUESTED: _("预订申请已收到 Booking request received"),
    AWAITING_PAYMENT: _("房间已为您保留 Rooms held for you"),
    CANCELLED: _("预订已取消 Booking cancelled"),
    EXPIRED: _("预订已过期 Booking expired"),
}


def email_kind(booking: Booking) -> str | None:
    """Which email a booking in its current state calls for; ``None`` for states nobody is told about."""
    if booking.status == Status.HELD:
        return AWAITING_PAYMENT if booking.awaiting_payment else REQUESTED
    return {Status.CONFIRMED: CONFIRMED, Status.CANCELLED: CANCELLED, Status.EXPIRED: EXPIRED}.get(
        Status(booking.status)
    )


def _recipient(booking: Booking) -> str:
    return booking.user.email if booking.user is not None else ""


def booking_email(
    booking: Booking, *, url: str = "", kind: str | None = None, to: str = ""
) -> EmailMultiAlternatives | None:
    """The email for the booking's state (or for ``kind``), or ``None`` when there is none or nobody to
    send it to. ``url`` is the absolute address of the booking's page, linked from the email when given;
    ``to`` the address (default: the booking's user's)."""
    kind = kind or email_kind(booking)
    recipient = to or _recipient(booking)
    if kind is None or not recipient:
        return None
    homestay = booking.homestay
    with override(booking.language):
        context = {
            "booking": booking,
            "kind": kind,
            "headline": HEADLINES[kind],
            "homestay": homestay,
            "village": homestay.village,
            "room_type": booking.room_type,
            "site_name": settings.SITE_NAME,
            "free_cancellation_until": free_cancellation_until(
                policy=homestay.cancellation_policy, check_in=booking.check_in
            ),
            "url": url,
        }
        subject = f"[{settings.SITE_NAME}] {HEADLINES[kind]} · {booking.reference}"
        text = render_to_string("emails/booking.txt", context)
        html = render_to_string("emails/booking.html", context)
    message = EmailMultiAlternatives(subject, text, to=[recipient])
    message.attach_alternative(html, "text/html")
    return message
