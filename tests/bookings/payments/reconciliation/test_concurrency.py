"""The same day reconciled by two processes at once (cron and a person at the console): threads with
their own database connections end with one run and one row per mismatch."""

import threading

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from bookings.payments.reconciliation.models import Mismatch, ReconciliationRun
from bookings.payments.reconciliation.services import reconciliation_run
from tests.bookings.payments.reconciliation.conftest import TODAY
from tests.bookings.payments.reconciliation.test_stripe import at, charge

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 3


@pytest.fixture
def real_database(transactional_db):
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("并发测试需要SQLite数据库文件 Concurrency tests need an SQLite file (SQLITE_TEST_NAME)")


def test_reruns_at_once_leave_one_run_and_one_mismatch(real_database, stripe_api):
    stripe_api.balance_transaction("charge", charge("pi_unknown", 5000), at("2026-09-01 09:00"))
    barrier = threading.Barrier(RACERS)
    errors: list = []

    def rerun() -> None:
        try:
            barrier.wait()
            reconciliation_run(provider="stripe_checkout", day=TODAY)
        except Exception as error:  # the test inspects what each thread got
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rerun) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    run = ReconciliationRun.objects.get()
    assert (run.attempts, run.mismatches) == (RACERS, 1)
    assert Mismatch.objects.count() == 1
