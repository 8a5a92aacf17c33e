"""Accounts verifying one number at the same moment (two pending sign-ups of its owner, and strangers
who typed it): exactly one ends with it, the others are told it is taken, and nobody deadlocks. Real
threads with their own connections (tests/bookings/test_concurrency.py: PostgreSQL, or SQLite with
SQLITE_TEST_NAME set)."""

import pytest
from django.contrib.auth import get_user_model

from common.models import UserPhone
from common.user_phones import PhoneTaken, user_phone_set, user_phone_verify
from tests.bookings.test_concurrency import race, real_database  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)
NUMBER = "+8613812345678"
RACERS = 4


def test_one_account_ends_with_the_number_the_others_are_refused(real_database):  # noqa: F811
    people = [get_user_model().objects.create_user(f"racer{i}") for i in range(RACERS)]
    for user in people:  # each typed it at sign-up: every row is locked by every racer
        user_phone_set(user=user, number=NUMBER)

    def work(i, barrier):
        barrier.wait()
        return user_phone_verify(user=people[i], number=NUMBER)

    results = race(RACERS, work)

    refused = [r for r in results if isinstance(r, PhoneTaken)]
    won = [r for r in results if isinstance(r, UserPhone)]
    assert len(won) == 1 and len(refused) == RACERS - 1, results
    assert list(UserPhone.objects.values_list("user", "verified")) == [(won[0].user_id, True)]
