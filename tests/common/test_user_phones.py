"""A typed number proves nothing; a verified one is one account's (common/user_phones.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

from common.models import UserPhone
from common.user_phones import PhoneTaken, user_phone_set, user_phone_verify

pytestmark = pytest.mark.django_db
NUMBER = "+8613812345678"
User = get_user_model()


def person(name: str):
    return User.objects.create_user(name)


def test_several_accounts_may_hold_a_number_they_only_typed():
    ann, bob = person("ann"), person("bob")

    user_phone_set(user=ann, number=NUMBER)
    user_phone_set(user=bob, number=NUMBER)

    assert UserPhone.objects.filter(number=NUMBER, verified=False).count() == 2


def test_verifying_takes_the_number_from_every_account_that_only_typed_it():
    ann, bob, eve = person("ann"), person("bob"), person("eve")
    for stranger in (bob, eve):
        user_phone_set(user=stranger, number=NUMBER)

    user_phone_verify(user=ann, number=NUMBER)

    assert list(UserPhone.objects.filter(number=NUMBER).values_list("user", "verified")) == [(ann.pk, True)]
    assert not UserPhone.objects.filter(user__in=[bob, eve]).exists()


def test_verifying_ones_own_typed_number_keeps_the_row():
    ann = person("ann")
    typed = user_phone_set(user=ann, number=NUMBER)

    verified = user_phone_verify(user=ann, number=NUMBER)

    assert (verified.pk, verified.verified) == (typed.pk, True)


def test_a_number_another_account_verified_is_never_taken_and_nothing_changes():
    ann, bob = person("ann"), person("bob")
    user_phone_verify(user=ann, number=NUMBER)
    user_phone_set(user=bob, number="+8613912345678")

    with pytest.raises(PhoneTaken):
        user_phone_verify(user=bob, number=NUMBER)
    with pytest.raises(PhoneTaken):
        user_phone_set(user=bob, number=NUMBER)

    assert UserPhone.objects.get(user=ann).verified
    assert UserPhone.objects.get(user=bob).number == "+8613912345678"


def test_a_verified_number_replaces_the_persons_earlier_one():
    ann = person("ann")
    user_phone_verify(user=ann, number="+8613912345678")

    user_phone_verify(user=ann, number=NUMBER)

    assert list(UserPhone.objects.values_list("number", flat=True)) == [NUMBER]


def test_the_database_refuses_a_second_verified_holder_even_without_the_service():
    UserPhone.objects.create(user=person("ann"), number=NUMBER, verified=True)

    with pytest.raises(IntegrityError):
        UserPhone.objects.create(user=person("bob"), number=NUMBER, verified=True)


def test_a_verification_that_loses_a_race_to_the_constraint_is_phone_taken(monkeypatch):
    """Another account verified the number after this one looked: the constraint refuses the write and
    the service says PhoneTaken (a 409 for the person), not an IntegrityError (a 500)."""
    ann, bob = person("ann"), person("bob")
    UserPhone.objects.create(user=ann, number=NUMBER, verified=True)
    # The look that happened before Ann's verification found nobody.
    monkeypatch.setattr(UserPhone.objects, "select_for_update", lambda: UserPhone.objects.none())

    with pytest.raises(PhoneTaken):
        user_phone_verify(user=bob, number=NUMBER)

    monkeypatch.undo()
    assert list(UserPhone.objects.values_list("user", "verified")) == [(ann.pk, True)]
