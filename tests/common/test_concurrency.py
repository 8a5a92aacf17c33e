"""Reads side by side on their own connections (``common.concurrency``)."""

import threading

import pytest
from django.db import connection, transaction

from common.concurrency import side_by_side
from tests import factories
from villages.models import Village


def _read():
    return (threading.current_thread().name, sorted(Village.objects.values_list("slug", flat=True)))


@pytest.mark.django_db(transaction=True)
def test_the_calls_run_on_threads_of_their_own_and_give_the_same_results():
    factories.village(slug="caijiazhuang")
    factories.village(slug="yancun")
    results = side_by_side(_read, _read, _read)
    threads = [thread for thread, _slugs in results]
    assert threads[0] == threading.current_thread().name
    assert all(thread.startswith("side-by-side") for thread in threads[1:])
    assert {tuple(slugs) for _thread, slugs in results} == {("caijiazhuang", "yancun")}
    # The threads closed the connections they opened; this thread's own still works.
    assert Village.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_call_reaches_the_caller():
    def fails():
        raise ValueError("坏了 broken")

    with pytest.raises(ValueError, match="broken"):
        side_by_side(_read, fails)


@pytest.mark.django_db
def test_inside_a_transaction_the_calls_run_here_and_see_its_writes():
    factories.village(slug="guihua")  # not committed: another connection would not see it
    assert connection.in_atomic_block
    results = side_by_side(_read, _read)
    assert [thread for thread, _slugs in results] == [threading.current_thread().name] * 2
    assert all(slugs == ["guihua"] for _thread, slugs in results)
    with transaction.atomic():
        assert side_by_side(lambda: 1, lambda: 2) == [1, 2]
