from django.core.management.base import BaseCommand

from shop.demo import PRODUCER_ACCOUNT, shop_seed
from villages.demo.accounts import DEFAULT_DEMO_PASSWORD, demo_password


class Command(BaseCommand):
    help = (
        "消费帮扶商城演示数据:生产者、商品和生产者账号,可重复运行 Demo producers, products and the "
        "producer account of the shop; safe to run again. Password from DEMO_PASSWORD, default "
        f"{DEFAULT_DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="重设演示账号密码 Reset the password"
        )

    def handle(self, *args, reset_passwords: bool, **options):
        password = demo_password()
        user, password_set, count, missing = shop_seed(password=password, reset_password=reset_passwords)
        self.stdout.write(f"商品 products: {count}")
        if missing:
            self.stdout.write(
                f"缺少村庄(先运行 seed_demo) villages missing (run seed_demo first): {', '.join(missing)}"
            )
        shown = password if password_set else "(未更改 unchanged; use --reset-passwords)"
        self.stdout.write(f"  {user.username}  {PRODUCER_ACCOUNT.email}  密码 password: {shown}")
