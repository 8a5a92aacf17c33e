"""Carriers' delivery receipts for the SMS notifications sent: ``sms_receipts_record`` asks the SMS
backend (Aliyun ``QuerySendDetails``, Tencent ``PullSmsSendStatus``) about every SMS sent in the last
``RECEIPT_WINDOW`` that has no receipt yet, and records each answer once: delivered sets
``delivered_at``; undelivered makes the notification ``failed`` with the carrier's error (a phone
switched off for days, a number no longer in service), so staff see it on /group/attention/ and can
send it again. Run by ``manage.py sms_receipts`` every few minutes (docs/deployment.md).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.models import Channel, Notification
from notifications.sms import SmsError, SmsSent, sms_backend

logger = logging.getLogger(__name__)

Status = Notification.Status
# Carriers report within minutes to a day or two; Aliyun keeps details for 30 days.
RECEIPT_WINDOW = timedelta(days=3)
BATCH = 200
UNDELIVERED = "短信未送达 SMS not delivered"


@dataclass(frozen=True)
class ReceiptsResult:
    delivered: int = 0
    failed: int = 0


def _awaiting():
    since = timezone.now() - RECEIPT_WINDOW
    return (
        Notification.objects.filter(
            channel=Channel.SMS, status=Status.SENT, delivered_at__isnull=True, sent_at__gte=since
        )
        .exclude(provider_id="")
        .order_by("sent_at", "id")
    )


def sms_receipts_record() -> ReceiptsResult:
    """Ask the provider about SMS notifications awaiting a receipt and record what it answers. A
    provider error is logged and leaves everything as it was for the next run."""
    waiting = _awaiting().values_list("provider_id", "address", "sent_at")[:BATCH]
    sent = [SmsSent(message_id=message_id, phone=phone, sent_at=at) for message_id, phone, at in waiting]
    if not sent:
        return ReceiptsResult()
    try:
        receipts = sms_backend().receipts(sent=sent)
    except SmsError as error:
        logger.warning("SMS receipts not fetched: %s %s", error.code, type(error).__name__)
        return ReceiptsResult()
    delivered = failed = 0
    for receipt in receipts:
        if not receipt.message_id:
            continue
        if receipt.delivered:
            delivered += _delivered(receipt.message_id)
        else:
            failed += _undelivered(receipt.message_id, receipt.error)
    return ReceiptsResult(delivered=delivered, failed=failed)


def _delivered(provider_id: str) -> int:
    return Notification.objects.filter(
        channel=Channel.SMS, provider_id=provider_id, status=Status.SENT, delivered_at__isnull=True
    ).update(delivered_at=timezone.now(), updated_at=timezone.now())


@transaction.atomic
def _undelivered(provider_id: str, error: str) -> int:
    notifications = Notification.objects.select_for_update().filter(
        channel=Channel.SMS, provider_id=provider_id, status=Status.SENT, delivered_at__isnull=True
    )
    text = f"{UNDELIVERED}: {error}" if error else UNDELIVERED
    updated = 0
    for notification in notifications:
        logger.warning("notification %s (%s) not delivered", notification.pk, notification.event)
        notification.status = Status.FAILED
        notification.last_error = text[:300]
        notification.save(update_fields=["status", "last_error", "updated_at"])
        updated += 1
    return updated
