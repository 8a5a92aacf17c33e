"""Queue and send notifications.

``notification_queue`` records a message for one person and, once the caller's transaction commits,
hands it to Django's tasks framework (``notifications.tasks``): nothing is ever sent inside a request's
transaction, and a rolled-back change sends nothing. The same ``key`` queued twice is recorded once.

``notification_deliver`` (the task) claims the row, renders the message from fresh state through the
event's renderer, sends it on the person's channel and records the result. A failure is retried with
backoff (``BACKOFF``) up to ``MAX_ATTEMPTS`` times, then the notification is ``failed`` and shows in the
group's "needs attention" queue; any error, not only the channel's, counts as a failed attempt. A
channel that cannot carry the message to this person at all (``DeliveryError(fallback=True)``: they
refused WeChat messages, say) hands it to their next channel (``route_instead``), noting why in
``last_error``; the provider's id for a sent message is kept in ``provider_id``. Channels
time out well within the one-minute first backoff (``EMAIL_TIMEOUT``), so a slow send is never claimed
twice. ``notifications_send_due`` is the safety net for a cron job or the
worker's schedule: it sends what is due and was never handed to a worker (a worker that was down).
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery
from django.tasks import default_task_backend
from django.utils import timezone, translation

from notifications.channels import DeliveryError, channels_enabled
from notifications.models import Channel, ContactPreference, Notification
from notifications.registry import renderer_for
from notifications.routing import channel_choose

logger = logging.getLogger(__name__)

Status = Notification.Status
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
MAX_ATTEMPTS = len(BACKOFF) + 1
UNSENT_GRACE = timedelta(minutes=2)  # a notification queued moments ago is left to its worker


_PREFERENCE = ContactPreference.user.field.remote_field  # the user's side: ``user.contact_preference``


def _preference(user: User | None) -> ContactPreference | None:
    """The person's row, or None; read from the user object when the caller loaded it with them
    (``select_related("contact_preference")``, or set as the booking use case does)."""
    if user is None:
        return None
    if _PREFERENCE.is_cached(user):
        return cast(ContactPreference | None, _PREFERENCE.get_cached_value(user))
    return ContactPreference.objects.filter(user=user).first()


def contact_preference_get(*, user: User) -> ContactPreference:
    """The person's preference, or the default (the channel by ``notifications.routing``, Chinese) when
    they never chose."""
    return _preference(user) or ContactPreference(user=user)


@transaction.atomic
def contact_preference_set(*, user: User, channel: str, language: str) -> ContactPreference:
    if (channel and channel not in channels_enabled()) or language not in dict(settings.LANGUAGES):
        raise ValueError("unknown channel or language")
    preference, _created = ContactPreference.objects.update_or_create(
        user=user, defaults={"channel": channel, "language": language}
    )
    _PREFERENCE.set_cached_value(user, preference)
    return preference


def route_for(user: User | None, *, language: str | None = None, role: str = "guest") -> tuple[str, str, str]:
    """``(channel, address, language)`` for a person in ``role`` (``owner`` or ``guest``): the channel
    by ``notifications.routing.channel_choose`` (e-mail and no address when nothing reaches them);
    ``language`` (e.g. the booking's) wins over their preference."""
    preference = _preference(user)
    language = language or (preference.language if preference else settings.LANGUAGE_CODE)
    if user is None:
        return Channel.EMAIL, "", language
    chosen = preference.channel if preference else ""
    channel, address = channel_choose(user=user, role=role, chosen=chosen, available=channels_enabled())
    return channel or Channel.EMAIL, address, language


REROUTED = " → "


def route_instead(user: User | None, *, failed: str, role: str = "guest") -> tuple[str, str]:
    """``(channel, address)`` for a message the person's channel ``failed`` to carry (WeChat said they
    refused it, say): ``channel_choose``'s order for them without the channel that failed; no address
    when nothing else reaches them."""
    if user is None:
        return failed, ""
    preference = _preference(user)
    available = {name: backend for name, backend in channels_enabled().items() if name != failed}
    chosen = preference.channel if preference and preference.channel != failed else ""
    channel, address = channel_choose(user=user, role=role, chosen=chosen, available=available)
    return (channel, address) if address else (failed, "")


@dataclass(frozen=True)
class Notice:
    """One notification to record: see ``notification_queue``."""

    key: str
    event: str
    subject: str
    role: str
    recipient: User | None
    language: str | None = None
    context: dict | None = None


def notification_queue(
    *,
    key: str,
    event: str,
    subject: str,
    role: str,
    recipient: User | None,
    language: str | None = None,
    context: dict | None = None,
) -> Notification:
    """Record the notification (once per ``key``) and send it after the current transaction commits."""
    notice = Notice(key, event, subject, role, recipient, language, context)
    notifications_queue([notice])
    return Notification.objects.get(key=key[:200])


def notifications_queue(notices: list[Notice]) -> None:
    """Record each notification whose key is new, all in one statement (``INSERT ... ON CONFLICT DO
    NOTHING``: a key recorded before, or listed twice, is left as it is), and send the new ones after the
    current transaction commits. A person without an address on any channel gets a ``skipped`` row."""
    rows: dict[str, Notification] = {}
    for notice in notices:
        channel, address, language = route_for(notice.recipient, language=notice.language, role=notice.role)
        rows.setdefault(
            notice.key[:200],
            Notification(
                key=notice.key[:200],
                event=notice.event,
                subject=notice.subject,
                role=notice.role,
                recipient=notice.recipient,
                channel=channel,
                address=address,
                language=language,
                context=notice.context or {},
                status=Status.PENDING if address else Status.SKIPPED,
                last_error="" if address else "no address",
            ),
        )
    if not rows:
        return
    meta = Notification._meta
    query = InsertQuery(Notification, on_conflict=OnConflict.IGNORE)
    query.insert_values(
        [f for f in meta.local_concrete_fields if f is not meta.auto_field], list(rows.values())
    )
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk, meta.get_field("key")]
    ((sql, params),) = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created = cursor.fetchall()
    for notification_id, key in created:
        if rows[key].status == Status.PENDING:
            transaction.on_commit(partial(notification_enqueue, notification_id), robust=True)


def notification_enqueue(notification_id: int, *, run_after: datetime | None = None) -> None:
    """Hand the notification to the task worker; a backend that cannot take it now leaves it to
    ``notifications_send_due``."""
    from notifications.tasks import notification_send

    task = notification_send
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return
        task = task.using(run_after=run_after)
    try:
        task.enqueue(notification_id)
    except Exception:  # the queue is the database or a broker: a hiccup there must not undo anything
        logger.exception("notification %s not queued; the due job sends it", notification_id)


@transaction.atomic
def _claim(notification_id: int, now: datetime) -> Notification | None:
    notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
    if notification is None or notification.status != Status.PENDING:
        return None
    if notification.next_attempt_at is not None and notification.next_attempt_at > now:
        return None  # another worker holds it, or its retry is not due yet
    if notification.attempts >= MAX_ATTEMPTS:  # a worker died while sending the last try
        _finish(notification, status=Status.FAILED, next_attempt_at=None)
        return None
    notification.attempts += 1
    notification.next_attempt_at = now + BACKOFF[min(notification.attempts, len(BACKOFF)) - 1]
    notification.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    return notification


def _finish(notification: Notification, **fields) -> Notification:
    for name, value in fields.items():
        setattr(notification, name, value)
    notification.save(update_fields=[*fields, "updated_at"])
    return notification


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one notification if it is due; safe to call twice (a sent one is never sent again)."""
    now = timezone.now()
    notification = _claim(notification_id, now)
    if notification is None:
        return None
    try:
        with translation.override(notification.language):
            message = renderer_for(notification.event)(notification)
            if message is None:
                return _finish(notification, status=Status.SKIPPED, next_attempt_at=None)
            message = replace(message, event=message.event or notification.event)
            reference = channels_enabled()[notification.channel].send(
                address=notification.address, message=message
            )
    except Exception as error:  # whatever fails, the row records it and staff see it
        retryable = not isinstance(error, DeliveryError | LookupError) or (
            isinstance(error, DeliveryError) and error.retryable
        )
        text = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        # The log names the notification, never the address or the error text (it may quote either).
        logger.warning(
            "notification %s (%s) not sent: %s", notification.pk, notification.event, type(error).__name__
        )
        if isinstance(error, DeliveryError) and error.fallback and _reroute(notification, text):
            notification_enqueue(notification.pk)
            return notification
        if retryable and notification.attempts < MAX_ATTEMPTS:
            _finish(notification, last_error=text[:300])
            notification_enqueue(notification.pk, run_after=notification.next_attempt_at)
            return notification
        return _finish(notification, status=Status.FAILED, last_error=text[:300], next_attempt_at=None)
    return _finish(
        notification,
        status=Status.SENT,
        sent_at=timezone.now(),
        # A message sent on another channel keeps why its first channel could not carry it.
        last_error=notification.last_error if REROUTED in notification.last_error else "",
        next_attempt_at=None,
        provider_id=str(reference or "")[:100],
    )


def _reroute(notification: Notification, reason: str) -> bool:
    """Move a notification its channel cannot deliver to the person's next channel (``route_instead``),
    due now; the reason stays in ``last_error``. False when there is no other way to reach them."""
    channel, address = route_instead(
        notification.recipient, failed=notification.channel, role=notification.role
    )
    if not address:
        return False
    _finish(
        notification,
        channel=channel,
        address=address,
        last_error=f"{notification.channel}{REROUTED}{channel}: {reason}"[:300],
        next_attempt_at=None,
    )
    return True


def notifications_send_due() -> int:
    """Send every pending notification that is due: retries whose time has come, and messages queued
    more than ``UNSENT_GRACE`` ago that no worker picked up. Returns how many were tried."""
    now = timezone.now()
    due = Notification.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=now - UNSENT_GRACE)
    )
    tried = 0
    for notification_id in due.order_by("id").values_list("pk", flat=True):
        tried += notification_deliver(notification_id=notification_id) is not None
    return tried


@transaction.atomic
def notification_retry(*, notification: Notification) -> Notification:
    """Staff send a failed notification again (after fixing the person's address, say: it is looked up
    again)."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status != Status.FAILED:
        return notification
    channel, address, _language = route_for(
        notification.recipient, language=notification.language, role=notification.role
    )
    if address:  # the person's address as it is now: staff may have corrected it
        notification.channel, notification.address = channel, address
    notification.status = Status.PENDING
    notification.attempts = 0
    notification.next_attempt_at = None
    notification.provider_id = ""
    notification.save(
        update_fields=[
            *("status", "attempts", "next_attempt_at", "channel", "address", "provider_id", "updated_at")
        ]
    )
    transaction.on_commit(lambda: notification_enqueue(notification.pk), robust=True)
    return notification
