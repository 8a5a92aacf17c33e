"""Which providers are enabled, and which of them a homestay accepts."""

import pytest
from django.core.exceptions import ValidationError

from bookings.payments.base import provider_get, providers_enabled, providers_for
from bookings.payments.services import homestay_providers_set
from tests import factories

pytestmark = pytest.mark.django_db
AT_HOMESTAY_ONLY = ["bookings.payments.at_homestay.AtHomestay"]


def identifiers(providers) -> list[str]:
    return [provider.identifier for provider in providers]


def test_with_stripe_keys_both_providers_are_enabled(stripe_api):
    assert list(providers_enabled()) == ["at_homestay", "stripe_checkout"]


def test_without_stripe_keys_only_paying_at_the_homestay_is_enabled(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert list(providers_enabled()) == ["at_homestay"]
    with pytest.raises(KeyError):
        provider_get("stripe_checkout")


def test_a_webhook_secret_alone_does_not_enable_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert "stripe_checkout" not in providers_enabled()


def test_paying_at_the_homestay_stays_enabled_even_when_settings_leave_it_out(settings):
    settings.PAYMENT_PROVIDERS = ["bookings.payments.stripe_checkout.StripeCheckout"]
    assert list(providers_enabled()) == ["at_homestay", "stripe_checkout"]


def test_a_homestay_without_a_choice_accepts_every_enabled_provider():
    assert identifiers(providers_for(homestay=factories.homestay())) == ["at_homestay", "stripe_checkout"]


def test_a_homestay_can_accept_online_payment_only():
    homestay = factories.homestay()
    homestay_providers_set(homestay=homestay, providers=["stripe_checkout"])
    assert identifiers(providers_for(homestay=homestay)) == ["stripe_checkout"]


def test_a_homestay_whose_only_choice_was_switched_off_falls_back_to_paying_there(settings):
    homestay = factories.homestay()
    homestay_providers_set(homestay=homestay, providers=["stripe_checkout"])
    settings.STRIPE_SECRET_KEY = ""
    assert identifiers(providers_for(homestay=homestay)) == ["at_homestay"]


def test_a_homestay_must_accept_some_known_provider():
    homestay = factories.homestay()
    with pytest.raises(ValidationError):
        homestay_providers_set(homestay=homestay, providers=[])
    with pytest.raises(ValidationError):
        homestay_providers_set(homestay=homestay, providers=["paypal"])
