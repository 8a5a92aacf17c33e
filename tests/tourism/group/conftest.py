"""Group dashboard fixtures: the booking tests' frozen clock (1 September 2026, 10:00 Beijing), the fake
Stripe (``stripe_api`` in tests/conftest.py), the owner tests' local calendar server (``feed_server``),
and people in each role."""

import pytest
from django.contrib.auth.models import Group

from tests import factories
from tests.bookings.conftest import clock  # noqa: F401
from tests.bookings.owner.conftest import feed_server  # noqa: F401
from villages.roles import GROUP_STAFF


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
