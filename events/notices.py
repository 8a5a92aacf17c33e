"""What the holder of a ticket is told: a confirmation when registered, through the person's channel
(``notifications``: e-mail, SMS, WeChat as their preference and the routing say). The message is
rendered when it is sent, from the ticket as it is then; a ticket cancelled meanwhile sends nothing."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.channels import Message
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import notification_queue

PREFIX = "ticket."
REGISTERED = "ticket.registered"


def ticket_registered_queue(*, ticket) -> None:
    """Queue the confirmation (once per ticket; sent after the transaction commits)."""
    notification_queue(
        key=f"{REGISTERED}:{ticket.pk}",
        event=REGISTERED,
        subject=f"ticket:{ticket.pk}",
        role="guest",
        recipient=ticket.holder,
        language=ticket.language or None,
        context={"ticket": ticket.pk},
    )


def render(notification: Notification) -> Message | None:
    from events.models import Ticket

    ticket = (
        Ticket.objects.select_related("slot__event__village")
        .filter(pk=notification.context.get("ticket"))
        .first()
    )
    if ticket is None or ticket.status == Ticket.Status.CANCELLED:
        return None
    slot, event = ticket.slot, ticket.slot.event
    with translation.override(notification.language or settings.LANGUAGE_CODE):
        when = timezone.localtime(slot.starts_at, timezone.get_default_timezone())
        url = settings.SITE_URL.rstrip("/") + reverse("events:ticket", kwargs={"code": ticket.code})
        headline = _("活动登记成功 You are registered")
        lines = [
            f"{headline}: {event.title}",
            f"{_('时间 When')}: {when:%Y-%m-%d %H:%M}",
            f"{_('地点 Where')}: {event.village.name} · {event.place}",
            f"{_('人数 People')}: {ticket.quantity}",
        ]
        if ticket.amount:
            lines.append(f"{_('现场付款 Pay at the door')}: ¥{ticket.amount}")
        lines.append(f"{_('入场时出示门票二维码 Show the ticket QR code at the entrance')}: {url}")
        site = str(settings.SITE_NAME)
        return Message(
            subject=f"[{site}] {headline} · {event.title}",
            text="\n".join(lines) + "\n",
            short=f"【{site}】{headline} {event.title} {when:%m-%d %H:%M}",
            facts={"event": str(event.title), "when": when, "people": ticket.quantity, "status": "已登记"},
        )


def register() -> None:
    renderer_register(PREFIX, render)
