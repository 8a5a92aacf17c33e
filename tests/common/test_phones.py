import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from common.models import UserPhone
from common.phones import phone_mask, phone_normalize
from notifications.sms import console, sms_send
from tests import factories


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "008613812345678",
        "+8613812345678",
    ],
)
def test_mainland_numbers_as_typed_become_e164(typed):
    assert phone_normalize(typed) == "+8613812345678"


def test_other_countries_keep_their_code():
    assert phone_normalize("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize("typed", ["", "12345", "1381234567", "abcdefghijk", "+86 000 0000 0000"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValidationError):
        phone_normalize(typed)


def test_a_number_is_shown_masked():
    assert phone_mask("+8613812345678") == "+86 138****5678"
    assert "1234" not in phone_mask("+8613812345678")


@pytest.mark.django_db
def test_a_verified_number_belongs_to_one_person():
    UserPhone.objects.create(user=factories.user(), number="+8613812345678", verified=True)

    with pytest.raises(IntegrityError):
        UserPhone.objects.create(user=factories.user(), number="+8613812345678", verified=True)


@pytest.mark.django_db
def test_a_number_only_typed_may_be_held_by_several_accounts_beside_its_verified_owner():
    """Typing a number proves nothing (common/user_phones.py): it must not keep out its owner."""
    UserPhone.objects.create(user=factories.user(), number="+8613812345678", verified=True)
    for _ in range(2):
        UserPhone.objects.create(user=factories.user(), number="+8613812345678", verified=False)

    assert UserPhone.objects.filter(number="+8613812345678").count() == 3


@pytest.mark.django_db
def test_the_database_stores_only_e164():
    with pytest.raises(IntegrityError):
        UserPhone.objects.create(user=factories.user(), number="13812345678")


@pytest.mark.django_db
def test_the_admin_list_shows_numbers_masked(admin_client):
    UserPhone.objects.create(user=factories.user(), number="+8613812345678", verified=True)

    page = admin_client.get("/admin/common/userphone/").content.decode()

    assert "+86 138****5678" in page and "13812345678" not in page


@pytest.mark.django_db
def test_staff_find_a_number_by_typing_it_in_full(admin_client):
    UserPhone.objects.create(user=factories.user(username="wang"), number="+8613812345678")
    UserPhone.objects.create(user=factories.user(username="li"), number="+8613912345678")

    page = admin_client.get("/admin/common/userphone/", {"q": "+8613812345678"}).content.decode()

    assert "wang" in page and "li<" not in page and "139****5678" not in page


@pytest.mark.django_db
def test_sending_logs_the_number_masked(caplog, capsys):
    console.outbox.clear()
    with caplog.at_level(logging.INFO):
        sms_send(phone="+8613812345678", template="verification_code", params={"code": "482913"})

    assert "138****5678" in caplog.text and "13812345678" not in caplog.text
    assert "13812345678" not in capsys.readouterr().out
    console.outbox.clear()
