"""The last jar of 沙棘汁: buyers on their phones order it at the same moment. Threads, each with its own
database connection, released together by a barrier (as ``tests/bookings/test_concurrency.py``).

SQLite needs a database file for this (``SQLITE_TEST_NAME=/tmp/lishi-test.sqlite3``); PostgreSQL always
works. The control test runs a naive read-then-write checkout, written here, through the same race: it
sells the one jar several times, so the race is real and the guard is what stops it.
"""

import pytest

from shop.errors import OutOfStock
from shop.models import Order, Product
from shop.services import orders_place
from tests import factories
from tests.bookings.test_concurrency import race, real_database  # noqa: F401  (a fixture)
from tests.shop import factories as shop

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 6


@pytest.fixture
def last_jar(real_database):  # noqa: F811
    return shop.product(name_zh_hans="沙棘汁", unit="瓶", stock=1)


@pytest.fixture
def buyers(real_database):  # noqa: F811
    return [factories.user() for _ in range(RACERS)]


def test_only_one_of_the_racing_buyers_gets_the_last_item(last_jar, buyers):
    def work(i, barrier):
        barrier.wait()
        return orders_place(user=buyers[i], items={last_jar.pk: 1}, fulfilment="pickup")

    results = race(RACERS, work)

    won = [result for result in results if isinstance(result, list)]
    refused = [result for result in results if isinstance(result, OutOfStock)]
    assert (len(won), len(refused)) == (1, RACERS - 1), results
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=last_jar.pk).stock == 0


def naive_checkout(*, product_id: int, barrier) -> bool:
    """What the guard prevents: read the stock, decide in Python, write the new count back (Django's
    autocommit, as a plain view would)."""
    product = Product.objects.get(pk=product_id)
    barrier.wait()  # everyone has read the same stock before anyone writes
    if product.stock < 1:
        return False
    product.stock -= 1
    product.save(update_fields=["stock"])
    return True


def test_control_a_read_then_write_checkout_sells_the_last_item_more_than_once(last_jar):
    results = race(RACERS, lambda i, barrier: naive_checkout(product_id=last_jar.pk, barrier=barrier))
    sold = sum(result is True for result in results)
    assert sold == RACERS, results  # every buyer got the one jar, each writing "0 left"
    assert Product.objects.get(pk=last_jar.pk).stock == 0


def test_two_payouts_recorded_at_once_never_pay_more_than_is_owed(real_database):  # noqa: F811
    """¥76.50 owed; two members of staff each record ¥60 at the same moment (two forms, two keys)."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from shop.ledger import producer_owed
    from shop.models import ProducerPayout
    from shop.payouts import producer_payout_record
    from tests.shop.helpers import delivered_and_completed

    seller = factories.user()
    dates = shop.product(producer=shop.producer(users=[seller]), price=Decimal("30.00"), stock=10)
    producer = dates.producer
    delivered_and_completed(buyer=factories.user(), seller=seller, items={dates.pk: 3})
    assert producer_owed(producer) == Decimal("76.50")

    def work(i, barrier):
        barrier.wait()
        return producer_payout_record(producer=producer.pk, amount=Decimal("60.00"), key=f"form-{i}", by=None)

    results = race(2, work)

    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(refused) == 1, results
    assert ProducerPayout.objects.count() == 1
    assert producer_owed(producer) == Decimal("16.50")


def test_control_payouts_checked_before_the_lock_pay_more_than_is_owed(real_database):  # noqa: F811
    """What the lock prevents: each reads the balance first, then records its payout."""
    from decimal import Decimal

    from django.db import transaction

    from common.clock import local_today
    from shop import ledger
    from shop.ledger import producer_owed
    from shop.models import ProducerPayout
    from tests.shop.helpers import delivered_and_completed

    seller = factories.user()
    dates = shop.product(producer=shop.producer(users=[seller]), price=Decimal("30.00"), stock=10)
    producer = dates.producer
    delivered_and_completed(buyer=factories.user(), seller=seller, items={dates.pk: 3})

    def naive(i, barrier):
        owed = producer_owed(producer)
        barrier.wait()  # both have read ¥76.50 before either writes
        if Decimal("60.00") > owed:
            return False
        with transaction.atomic():
            payout = ProducerPayout.objects.create(
                producer=producer, amount=Decimal("60.00"), paid_on=local_today(), key=f"naive-{i}"
            )
            ledger.producer_paid(payout)
        return True

    results = race(2, naive)

    assert results == [True, True], results
    assert producer_owed(producer) == Decimal("-43.50")  # the group paid ¥43.50 it did not owe
