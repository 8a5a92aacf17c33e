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
