from django.core.management.base import BaseCommand

from bookings.revenue.services import revenue_rules_seed_demo


class Command(BaseCommand):
    help = (
        "给还没有分成规则的村庄设置演示规则(佣金10%,村集体5%) "
        "Give villages without a revenue-share rule the demo rule (commission 10%, collective 5%)"
    )

    def handle(self, *args, **options):
        added = revenue_rules_seed_demo()
        self.stdout.write(f"新增 {added} 条演示规则 Added {added} demo rules")
