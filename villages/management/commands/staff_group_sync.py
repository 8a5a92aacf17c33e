from django.core.management.base import BaseCommand

from villages.roles import GROUP_STAFF
from villages.staff_group import staff_group_sync


class Command(BaseCommand):
    help = (
        f"创建或更新“{GROUP_STAFF}”工作人员组的后台权限:村庄内容全部可管;付款、退款、支付通知、账本、"
        "预订动态和通知可查看;付款和退款可清除“需人工处理”标记,失败的通知可重新发送。部署后 migrate "
        "之后运行一次,可重复运行。 "
        f"Create or update the admin permissions of the {GROUP_STAFF} (culture-tourism group) staff group: "
        "all village content; view payments, refunds, provider events, the ledger, booking events and "
        "notifications; clear the needs-attention flag of payments and refunds and send failed "
        "notifications again. Run it once after migrate when deploying; safe to run again."
    )

    def handle(self, *args, **options):
        group = staff_group_sync()
        count = group.permissions.count()
        message = f"“{group.name}”组已有 {count} 项权限 The {group.name} group has {count} permissions."
        self.stdout.write(self.style.SUCCESS(message))
