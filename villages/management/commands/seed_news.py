from django.core.management.base import BaseCommand

from villages.demo.news import news_seed_demo


class Command(BaseCommand):
    help = (
        "演示村庄动态(据来源报道整理,标为演示数据),可重复运行 "
        "Demo village news (retold from the source article, marked demo); safe to run again"
    )

    def handle(self, *args, **options):
        added = news_seed_demo()
        self.stdout.write(f"村庄动态 news added: {added}")
