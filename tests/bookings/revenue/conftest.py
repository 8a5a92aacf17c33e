"""Revenue tests: the booking tests' frozen clock (1 September 2026, Beijing) and the payments tests'
fake Stripe, so money moves through the real services."""

import pytest

from tests.bookings.payments.conftest import stripe_api  # noqa: F401


@pytest.fixture(autouse=True)
def _fake_stripe(stripe_api):  # noqa: F811
    return stripe_api
