from django.core.management.base import BaseCommand

from events.notices import tickets_remind_due


class Command(BaseCommand):
    help = (
        "给明天参加活动的持票人发提醒(时间、地点、门票二维码),每天运行一次 "
        "Remind the ticket holders whose event is tomorrow (time, place, the QR code); run daily"
    )

    def handle(self, *args, **options):
        count = tickets_remind_due()
        self.stdout.write(f"已安排 {count} 条活动提醒 Queued {count} event reminders")
