from django.core.management.base import BaseCommand

from events.demo import events_seed_demo


class Command(BaseCommand):
    help = (
        "添加演示活动和场次(日期从今天算起,可重复运行) "
        "Add the demo events and their time slots (dates from today; safe to run again)"
    )

    def handle(self, *args, **options):
        events, slots = events_seed_demo()
        self.stdout.write(f"新增 {events} 个活动、{slots} 个场次 Added {events} events and {slots} slots")
