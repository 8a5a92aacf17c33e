"""Shareholder tests: the booking tests' frozen clock (1 September 2026, 10:00 Beijing) and fake Stripe,
so the collective's share is earned through the real services, and people in each role."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from bookings.revenue.periods import Period
from shareholders.services import holding_add, shareholder_add
from tests import factories
from tests.bookings.conftest import clock, room_type  # noqa: F401
from tests.bookings.revenue.helpers import paid_online, rule
from villages.roles import GROUP_STAFF

SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 8))


@pytest.fixture(autouse=True)
def _fake_stripe(stripe_api):
    return stripe_api


@pytest.fixture
def staff(db):
    user = factories.user(username="staff")
    user.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def village(room_type):  # noqa: F811 (the fixture imported above)
    return room_type.homestay.village


@pytest.fixture
def earned(room_type, village, clock):  # noqa: F811
    """¥20 earned by the collective for 1-8 September (a ¥400 stay from the 8th); today is the 9th."""
    rule(village, "0.10", "0.05")
    paid_online(room_type)
    clock.set("2026-09-09 10:00")
    return village


@pytest.fixture
def member(db):
    return factories.user(username="household-member")


@pytest.fixture
def register(earned, member):
    """The collective (10 shares) and two households: 张大山 (linked to ``member``, 6 shares all period,
    ID and bank numbers on file) and 李小河 (4 shares, joined on 5 September)."""
    collective = shareholder_add(village=earned, kind="collective", name="彩家庄村股份经济合作社")
    holding_add(shareholder=collective, shares=10, entered_on=date(2026, 1, 1))
    zhang = shareholder_add(
        village=earned,
        kind="household",
        name="张大山",
        phone="13912345678",
        id_number="11010519491231002X",
        bank_account="6222020200112233445",
        user=member,
    )
    holding_add(shareholder=zhang, shares=6, entered_on=date(2026, 1, 1))
    li = shareholder_add(village=earned, kind="household", name="李小河", id_number="142301198001011234")
    holding_add(shareholder=li, shares=4, entered_on=date(2026, 9, 5))
    return {"collective": collective, "zhang": zhang, "li": li}


D = Decimal
