from django.core.management.base import BaseCommand

from bookings.services import bookings_expire_due


class Command(BaseCommand):
    help = "让已过保留时间的预订过期并释放房间 Expire held bookings whose hold is over and free their rooms"

    def handle(self, *args, **options):
        expired = bookings_expire_due()
        self.stdout.write(f"已过期 {expired} 个预订 Expired {expired} bookings")
