from django.core.management.base import BaseCommand

from shareholders.services import shareholders_seed_demo


class Command(BaseCommand):
    help = (
        "给还没有股东的村庄登记演示股东(村集体和5到12户入股农户) "
        "Give villages without shareholders a demo register (the collective and 5 to 12 member households)"
    )

    def handle(self, *args, **options):
        seeded = shareholders_seed_demo()
        self.stdout.write(f"{seeded} 个村庄登记了演示股东 Seeded the demo register of {seeded} villages")
