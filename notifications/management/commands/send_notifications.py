from django.core.management.base import BaseCommand

from notifications.services import notifications_send_due


class Command(BaseCommand):
    help = (
        "发送到期的通知(重试和未被处理的) "
        "Send the notifications that are due: retries, and any no worker picked up"
    )

    def handle(self, *args, **options):
        tried = notifications_send_due()
        self.stdout.write(f"已尝试发送 {tried} 条通知 Tried {tried} notifications")
