"""Revenue tests: the booking tests' frozen clock (1 September 2026, Beijing) and the fake Stripe
(``stripe_api`` in tests/conftest.py), so money moves through the real services."""

import pytest


@pytest.fixture(autouse=True)
def _fake_stripe(stripe_api):
    return stripe_api
