from django.core.management.base import BaseCommand

from bookings.payments.splits import splits_run


class Command(BaseCommand):
    help = (
        "为已离店的预订分账(平台佣金和村集体分成),无子商户的记为集团代收待付经营户;重试未完成的分账 "
        "Split the platform's commission and the village collective's share of stays that are over "
        "(a payout owed to the owner where the group collected), and retry splits not finished"
    )

    def handle(self, *args, **options):
        counts = splits_run()
        self.stdout.write(
            f"新分账 {counts['created']},已发送 {counts['sent']},成功 {counts['succeeded']},"
            f"失败 {counts['failed']} Created {counts['created']}, sent {counts['sent']}, "
            f"succeeded {counts['succeeded']}, failed {counts['failed']}"
        )
