from django.core.management.base import BaseCommand, CommandError

from villages.demo.accounts import DEFAULT_DEMO_PASSWORD, demo_password
from villages.demo.loader import demo_seed


class Command(BaseCommand):
    help = (
        "载入演示内容:六个重点村、景点、民宿、房型、线路和演示账号;可重复运行。 "
        "Load the demo content (six key villages, attractions, homestays, room types, routes, demo "
        "accounts); safe to run again. Demo passwords come from DEMO_PASSWORD, default "
        f"{DEFAULT_DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N 倍数据量:每村另加 (N-1) 倍生成内容 N times the data: (N-1)x generated content a village",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="把已有演示账号的密码也重设 Also reset the passwords of existing demo accounts",
        )

    def handle(self, *args, scale: int, reset_passwords: bool, **options):
        if scale < 1:
            raise CommandError("--scale 至少为 1 --scale must be at least 1")
        report = demo_seed(scale=scale, password=demo_password(), reset_passwords=reset_passwords)
        counts = report.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪 Demo data ready: {counts['villages']} 村庄 villages, "
                f"{counts['attractions']} 景点 attractions, {counts['homestays']} 民宿 homestays, "
                f"{counts['room_types']} 房型 room types, {counts['routes']} 线路 routes."
            )
        )
        self.stdout.write("演示账号 Demo accounts:")
        for account in report.accounts:
            password = (
                account.password or "(未更改,可用 --reset-passwords 重设 unchanged; use --reset-passwords)"
            )
            self.stdout.write(f"  {account.username}  {account.email}  密码 password: {password}")
            self.stdout.write(f"      {account.role.zh}")
            self.stdout.write(f"      {account.role.en}")
