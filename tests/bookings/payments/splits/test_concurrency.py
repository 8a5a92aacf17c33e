"""Two runs of the scheduled job at once (two cron hosts by mistake, or a slow run overlapping the next):
each split is recorded, sent and posted once. Threads with their own database connections."""

import threading

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from bookings.ledger import Kind, LedgerEntry
from bookings.payments.models import Split
from bookings.payments.splits import splits_run
from tests.bookings.payments.splits.helpers import DAY_AFTER, booking_sum, paid

pytestmark = pytest.mark.django_db(transaction=True)
RUNS = 3


@pytest.fixture
def real_database(transactional_db):
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("并发测试需要SQLite数据库文件 Concurrency tests need an SQLite file (SQLITE_TEST_NAME)")


def test_overlapping_runs_split_a_booking_once(real_database, room_type, partner, accounts):
    booking, _payment = paid(room_type, partner)
    barrier = threading.Barrier(RUNS)
    errors: list = []

    def run() -> None:
        try:
            barrier.wait()
            splits_run(today=DAY_AFTER)
        except Exception as error:  # the test inspects what each run got
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Split.objects.get().status == Split.Status.SUCCEEDED
    assert len(partner.splits) == 1
    assert LedgerEntry.objects.filter(booking=booking, kind=Kind.COMMISSION_SPLIT).count() == 2
    assert booking_sum(booking) == 0
