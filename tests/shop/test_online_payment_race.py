"""Notifications of an order's payment racing for real: threads with their own database connections
(an SQLite file or PostgreSQL). Two payments of one order paid at once (WeChat Pay and card): the order
is paid once and the other payment goes back; one notification delivered several times at once is
recorded once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation

from bookings.ledger import Kind, LedgerEntry
from bookings.payments.models import Payment, Refund
from bookings.payments.services import payment_succeeded
from shop.models import Order
from shop.services import orders_place
from tests import factories
from tests.shop import factories as shop_factories

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 4


@pytest.fixture
def real_database(transactional_db):
    if connection.vendor == "sqlite" and SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        pytest.skip("并发测试需要SQLite数据库文件 Concurrency tests need an SQLite file (SQLITE_TEST_NAME)")


def race(calls: list) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            calls[i]()
        except Exception as error:  # the test inspects what each thread got
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def order(real_database, stripe_api):
    product = shop_factories.product(price=Decimal("30.00"))
    [placed] = orders_place(
        user=factories.user(), items={product.pk: 1}, fulfilment="pickup", pay_online=True
    )
    return placed


def _payment(order: Order, provider: str, key: str) -> Payment:
    return Payment.objects.create(
        payable=order.source_reference, provider=provider, amount=order.total, idempotency_key=key
    )


def test_two_payments_of_one_order_paid_at_once_pay_it_once_and_the_other_goes_back(order):
    payments = [_payment(order, "stripe_checkout", f"race-{i}") for i in range(RACERS)]
    calls = [
        lambda p=p: payment_succeeded(payment=p, provider_payment_reference=f"pi_{p.pk}") for p in payments
    ]
    assert race(calls) == [None] * RACERS
    assert Payment.objects.filter(payable=order.source_reference, applied=True).count() == 1
    assert Refund.objects.filter(payable=order.source_reference).count() == RACERS - 1
    assert Order.objects.get(pk=order.pk).is_paid
    received = LedgerEntry.objects.filter(source=order.source_reference, kind=Kind.PAYMENT_RECEIVED_SALE)
    assert received.count() == 2 * RACERS


def test_one_payment_notified_several_times_at_once_is_recorded_once(order):
    payment = _payment(order, "stripe_checkout", "once")
    calls = [lambda: payment_succeeded(payment=payment, provider_payment_reference="pi_once")] * RACERS
    assert race(calls) == [None] * RACERS
    assert Payment.objects.get(pk=payment.pk).applied
    assert not Refund.objects.exists()
    assert LedgerEntry.objects.filter(source=order.source_reference).count() == 2
