from django.core.management.base import BaseCommand

from bookings.usecases import reminders_queue_due


class Command(BaseCommand):
    help = (
        "给明天入住的客人发提醒(地址、民宿电话、怎么去),每天运行一次 "
        "Remind the guests who arrive tomorrow (address, the host's phone, how to get there); run daily"
    )

    def handle(self, *args, **options):
        count = reminders_queue_due()
        self.stdout.write(f"已安排 {count} 条入住提醒 Queued {count} arrival reminders")
