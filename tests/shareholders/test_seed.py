"""The demo register (seed_shareholders): every village gets one, marked demo, once."""

import pytest
from django.core.management import call_command

from shareholders.models import Holding, Shareholder
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_village_gets_its_collective_and_five_to_twelve_households_once(capsys):
    villages = [factories.village(), factories.village()]
    call_command("seed_shareholders")
    counts = [
        (
            Shareholder.objects.filter(village=v, kind="collective").count(),
            Shareholder.objects.filter(village=v, kind="household").count(),
        )
        for v in villages
    ]
    assert all(collective == 1 and 5 <= households <= 12 for collective, households in counts)
    assert "2 个村庄" in capsys.readouterr().out
    before = (Shareholder.objects.count(), Holding.objects.count())
    call_command("seed_shareholders")
    assert (Shareholder.objects.count(), Holding.objects.count()) == before
    assert "0 个村庄" in capsys.readouterr().out


def test_demo_shareholders_are_marked_and_carry_no_private_numbers():
    factories.village()
    call_command("seed_shareholders")
    people = list(Shareholder.objects.all())
    assert all(person.is_demo and person.name.endswith("(演示)") for person in people)
    assert all(
        not (person.phone or person.id_number or person.bank_account or person.user_id) for person in people
    )
    assert all(person.holdings.exists() for person in people)
