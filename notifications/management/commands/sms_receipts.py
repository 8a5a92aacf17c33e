from django.core.management.base import BaseCommand

from notifications.receipts import sms_receipts_record


class Command(BaseCommand):
    help = (
        "向短信服务商查询回执，记录送达或未送达 "
        "Fetch the SMS providers' delivery receipts and record delivered or not delivered"
    )

    def handle(self, *args, **options):
        result = sms_receipts_record()
        self.stdout.write(
            f"送达 {result.delivered} 条，未送达 {result.failed} 条 "
            f"Delivered {result.delivered}, not delivered {result.failed}"
        )
