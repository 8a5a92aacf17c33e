from django.core.management.base import BaseCommand

from common.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = (
        "删除超过保留时间(IDEMPOTENCY_KEY_TTL_HOURS)的幂等键 "
        "Delete the API's idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS"
    )

    def handle(self, *args, **options):
        deleted = idempotency_keys_purge()
        self.stdout.write(f"已删除 {deleted} 个幂等键 Deleted {deleted} idempotency keys")
