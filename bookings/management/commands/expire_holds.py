from django.core.management.base import BaseCommand

from bookings.payments.payables import payables_expire_due
from bookings.payments.services import payments_sync_due, refunds_send_due
from bookings.services import bookings_expire_due


class Command(BaseCommand):
    help = (
        "查询未收到通知的付款，让已过保留时间的预订过期并释放房间，再发出应退未退的款项 "
        "Ask the providers about payments not heard of, expire held bookings whose hold is over and "
        "free their rooms (and unpaid shop orders' stock), then send the refunds still due"
    )

    def handle(self, *args, **options):
        synced = payments_sync_due()
        self.stdout.write(f"已查询 {synced} 笔付款 Asked about {synced} payments")
        expired = bookings_expire_due()
        self.stdout.write(f"已过期 {expired} 个预订 Expired {expired} bookings")
        orders = payables_expire_due()
        self.stdout.write(f"已取消 {orders} 个超时未付的订单 Cancelled {orders} orders not paid in time")
        refunds = refunds_send_due()
        self.stdout.write(f"已发出 {refunds} 笔退款 Sent {refunds} refunds")
