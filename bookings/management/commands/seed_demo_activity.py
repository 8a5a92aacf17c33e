import time

from django.core.management.base import BaseCommand, CommandError

from bookings.demo_activity import activity_seed


class Command(BaseCommand):
    help = (
        "为演示民宿生成一年的预订(经真实的预订流程:下单、入住登记、到店付款、退房、取消);"
        "已生成过则不再生成。先运行 seed_demo。 "
        "Make a year of demo bookings for the demo homestays through the real use cases (placed, "
        "checked in with guests registered, paid at the homestay, checked out, cancelled); does nothing "
        "when they exist already. Run seed_demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N 倍的预订需求(受房间数限制) N times the demand for rooms (the rooms still limit it)",
        )

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            raise CommandError("--scale 至少为 1 --scale must be at least 1")
        started = time.monotonic()
        report = activity_seed(scale=scale)
        if report.already_seeded:
            self.stdout.write("演示预订已存在,未做改动 The demo bookings exist already; nothing changed.")
            return
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示预订已生成 Demo bookings made: {report.made} "
                f"(已完成 completed {report.completed}, 在住 in house {report.in_house}, "
                f"待入住 upcoming {report.upcoming}, 已取消 cancelled {report.cancelled}, "
                f"未到店 no-shows {report.no_shows}); 客满未订成 refused as full {report.refused}; "
                f"登记入住人 guests registered {report.guests_registered}; {seconds:.1f} s."
            )
        )
