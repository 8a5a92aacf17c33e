"""Staff pages of payments and the ledger: flagged payments findable, money records read-only."""

import pytest
from django.urls import reverse

import bookings.payments.admin  # noqa: F401  registered by bookings/admin.py in the running site
from bookings.payments.models import HomestayPayment, Payment
from bookings.payments.services import payment_succeeded
from bookings.services import booking_cancel
from tests import factories
from tests.bookings.payments.conftest import start_online

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(room_type):
    """A payment that arrived for a booking cancelled meanwhile: refunded and flagged."""
    booking, payment = start_online(room_type)
    booking_cancel(booking=booking, by="guest")
    payment_succeeded(payment=Payment.objects.get(pk=payment.pk))
    return Payment.objects.get(pk=payment.pk)


def test_staff_find_the_payments_that_need_them(admin_client, flagged, room_type):
    start_online(factories.room_type(homestay=room_type.homestay))
    page = admin_client.get(reverse("admin:bookings_payment_changelist"), {"needs_attention__exact": "1"})
    assert page.status_code == 200
    assert page.text.count(flagged.booking.reference) == 1
    assert page.context["cl"].result_count == 1


def test_ledger_entries_can_be_read_but_not_added_or_deleted(admin_client, flagged):
    page = admin_client.get(reverse("admin:bookings_ledgerentry_changelist"))
    assert page.status_code == 200
    assert page.context["cl"].result_count == 2
    assert admin_client.get(reverse("admin:bookings_ledgerentry_add")).status_code == 403
    entry = flagged.booking.ledger_entries.first()
    assert admin_client.post(reverse("admin:bookings_ledgerentry_delete", args=[entry.pk])).status_code == 403


def test_staff_choose_a_homestays_payment_providers_with_checkboxes(admin_client, room_type):
    homestay = room_type.homestay
    response = admin_client.post(
        reverse("admin:bookings_homestaypayment_add"), {"homestay": homestay.pk, "providers": ["at_homestay"]}
    )
    assert response.status_code == 302
    assert HomestayPayment.objects.get(homestay=homestay).providers == ["at_homestay"]
