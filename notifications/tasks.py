"""The worker's side: ``manage.py db_worker`` runs these (``make run`` starts one beside the site)."""

from django.tasks import task

from notifications.services import notification_deliver


@task()
def notification_send(notification_id: int) -> str:
    """Send one notification; the result is its status afterwards (or ``not_due``)."""
    notification = notification_deliver(notification_id=notification_id)
    return notification.status if notification is not None else "not_due"
