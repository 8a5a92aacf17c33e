from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from bookings.payments.reconciliation.models import ReconciliationRun
from bookings.payments.reconciliation.services import SOURCES, providers_reconciled, reconciliation_run
from common.clock import local_today


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD The date must be YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "下载收款渠道的日账单并与本平台的付款、退款、分账逐笔核对(默认北京时间昨天) "
        "Download the providers' daily bills and match every line to our payments, refunds and splits "
        "(yesterday in Beijing time by default)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD, 北京时间 Beijing date")
        parser.add_argument(
            "--provider",
            action="append",
            choices=sorted(SOURCES),
            help="只对这个渠道 Only this provider (repeatable); default every enabled one",
        )

    def handle(self, *args, **options):
        day = _day(options["date"]) if options["date"] else local_today() - timedelta(days=1)
        if day >= local_today():
            raise CommandError(
                f"{day} 的账单还没有 There is no bill for {day} yet (only for days that are over)"
            )
        providers = options["provider"] or providers_reconciled()
        enabled = set(providers_reconciled())
        missing = [provider for provider in providers if provider not in enabled]
        if missing:
            raise CommandError(f"未启用(没有密钥) Not enabled (no keys): {', '.join(missing)}")
        failed = []
        for provider in providers:
            run = reconciliation_run(provider=provider, day=day)
            self.stdout.write(
                f"{provider} {day}: {run.get_state_display()} · {run.lines} 行 lines · "
                f"{run.mismatches} 差异 mismatches {run.message}".rstrip()
            )
            if run.state == ReconciliationRun.State.FAILED:
                failed.append(provider)
        if failed:
            raise CommandError(
                f"账单未能下载,请稍后再运行 Bills not downloaded, run again later: {', '.join(failed)}"
            )
