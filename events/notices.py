"""What the holder of a ticket is told: a confirmation when registered, and a reminder the day before
its slot (``tickets_remind_due``, the daily ``ticket_reminders`` job), through the person's channel
(``notifications``: e-mail, SMS, WeChat as their preference and the routing say). The message is
rendered when it is sent, from the ticket as it is then; a ticket cancelled meanwhile sends nothing.

Each has an SMS template (``SMS``: Chinese, one SMS of 70 characters with the signature, the event's
title cut to ``TITLE_LIMIT`` and the place to ``PLACE_LIMIT`` characters), listed in
``SMS_TEMPLATE_NAMES``."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.clock import local_today
from notifications.channels import Message, SmsContent
from notifications.models import Notification
from notifications.registry import renderer_register
from notifications.services import notification_queue
from notifications.sms.templates import SmsTemplate, sms_param, sms_template_register

PREFIX = "ticket."
REGISTERED = "ticket.registered"
REMINDER = "ticket.reminder"
TITLE_LIMIT = 12
PLACE_LIMIT = 10
SMS = {
    REGISTERED: SmsTemplate(
        "ticket_registered",
        "您已登记${event}，${when}开始，共${people}人，入场请出示“我的门票”中的二维码。",
        "持票人：登记成功 Ticket holder: registered",
    ),
    REMINDER: SmsTemplate(
        "ticket_reminder",
        "您登记的${event}明天${time}开始，地点：${place}，入场请出示门票二维码。",
        "持票人：明天活动提醒 Ticket holder: event tomorrow",
    ),
}


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


def ticket_reminder_queue(*, ticket) -> None:
    notification_queue(
        key=f"{REMINDER}:{ticket.pk}",
        event=REMINDER,
        subject=f"ticket:{ticket.pk}",
        role="guest",
        recipient=ticket.holder,
        language=ticket.language or None,
        context={"ticket": ticket.pk},
    )


def tickets_remind_due() -> int:
    """Queue the reminder for every issued ticket whose slot starts tomorrow, Beijing time. Each ticket
    is reminded once however often the job runs (the notification's key); a ticket cancelled before the
    worker sends it is skipped (``render``)."""
    from events.models import Ticket

    zone = timezone.get_default_timezone()
    tomorrow = local_today() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=zone)
    due = Ticket.objects.filter(
        status=Ticket.Status.ISSUED,
        slot__starts_at__gte=start,
        slot__starts_at__lt=start + timedelta(days=1),
    ).select_related("holder")
    count = 0
    for ticket in due.order_by("id"):
        with transaction.atomic():
            ticket_reminder_queue(ticket=ticket)
        count += 1
    return count


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
        reminder = notification.event == REMINDER
        headline = (
            _("明天的活动 Your event is tomorrow") if reminder else _("活动登记成功 You are registered")
        )
        lines = [
            f"{headline}: {event.title}",
            f"{_('时间 When')}: {when:%Y-%m-%d %H:%M}",
            f"{_('地点 Where')}: {event.village.name} · {event.place}",
            f"{_('人数 People')}: {ticket.quantity}",
        ]
        if ticket.amount and not reminder:
            lines.append(f"{_('现场付款 Pay at the door')}: ¥{ticket.amount}")
        lines.append(f"{_('入场时出示门票二维码 Show the ticket QR code at the entrance')}: {url}")
        site = str(settings.SITE_NAME)
        params = {
            "event": sms_param(getattr(event, "title_zh_hans", "") or event.title, limit=TITLE_LIMIT),
            "when": f"{when.month}月{when.day}日{when:%H:%M}",
            "time": f"{when:%H:%M}",
            "people": str(ticket.quantity),
            "place": sms_param(
                getattr(event, "place_zh_hans", "") or event.place or event.village.name, limit=PLACE_LIMIT
            ),
        }
        template = SMS[notification.event]
        return Message(
            subject=f"[{site}] {headline} · {event.title}",
            text="\n".join(lines) + "\n",
            short=f"【{site}】{headline} {event.title} {when:%m-%d %H:%M}",
            sms=SmsContent(template.name, {name: params[name] for name in template.params}),
            facts={"event": str(event.title), "when": when, "people": ticket.quantity, "status": "已登记"},
        )


def register() -> None:
    renderer_register(PREFIX, render)
    for template in SMS.values():
        sms_template_register(template)
