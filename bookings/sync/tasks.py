"""Background jobs of calendar sync, in Django's tasks framework; with the database backend
(``django_tasks_db``) the ``db_worker`` command runs them.

The schedule is a timer that only queues: ``manage.py ical_sync --enqueue`` every 30 minutes (cron
``*/30 * * * *`` or a systemd timer) queues one job per feed. Adding a feed and the owner's "sync now"
button queue one job for that feed. With the database backend the download happens in the worker, not
in the web request."""

from django.tasks import task

from bookings.sync.models import CalendarFeed
from bookings.sync.services import calendar_feed_sync


@task()
def calendar_feed_sync_task(feed_id: int) -> str:
    """Sync one feed; the result is its status (``ok``, ``failed``), or ``removed``."""
    feed = CalendarFeed.objects.filter(pk=feed_id).first()
    if feed is None:
        return "removed"
    synced = calendar_feed_sync(feed=feed)
    return synced.status if synced else "removed"
