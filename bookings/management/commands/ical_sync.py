from django.core.management.base import BaseCommand

from bookings.sync.models import CalendarFeed
from bookings.sync.services import calendar_feed_sync
from bookings.sync.tasks import calendar_feed_sync_task


class Command(BaseCommand):
    help = (
        "同步经营户添加的外部平台日历 Sync the calendars of other platforms that owners added. "
        "--enqueue queues one background job per feed for the task worker instead (cron or a timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--feed", type=int, action="append", help="只同步这个编号的日历 Only this feed id (repeatable)"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务 Queue jobs instead of syncing here"
        )

    def handle(self, *args, feed=None, enqueue=False, **options):
        feeds = CalendarFeed.objects.order_by("id")
        if feed:
            feeds = feeds.filter(pk__in=feed)
        failed = 0
        for each in list(feeds):
            if enqueue:
                calendar_feed_sync_task.enqueue(each.pk)
                self.stdout.write(f"已排队 queued #{each.pk} {each.name}")
                continue
            synced = calendar_feed_sync(feed=each)
            if synced is None:
                continue
            failed += synced.status == CalendarFeed.Status.FAILED
            line = f"#{synced.pk} {synced.name}: {synced.get_status_display()} {synced.message}".rstrip()
            self.stdout.write(line)
        if failed:
            self.stderr.write(f"{failed} 个日历同步失败 {failed} calendars failed")
