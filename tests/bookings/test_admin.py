import pytest
from django.urls import reverse

from bookings.guests import GuestDetails
from bookings.models import HolidayDay
from bookings.services import booking_confirm, guests_register
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def test_booking_page_shows_guest_documents_masked(admin_client, room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[GuestDetails("李四", "resident_id", ID_NUMBER)])
    page = admin_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert page.status_code == 200
    assert "1101**********002X" in page.text
    assert ID_NUMBER not in page.text


def test_booking_list_cannot_search_by_document_number(admin_client, room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[GuestDetails("李四", "resident_id", ID_NUMBER)])
    page = admin_client.get(reverse("admin:bookings_booking_changelist"), {"q": ID_NUMBER})
    assert booking.reference not in page.text


def test_holiday_calendar_warns_about_years_not_entered_yet(admin_client, holidays_2026):
    page = admin_client.get(reverse("admin:bookings_holidayday_changelist"))
    assert page.status_code == 200
    assert "2027年的节假日安排还没有录入" in page.text


def test_holiday_calendar_is_quiet_when_both_years_are_entered(admin_client, holidays_2026):
    HolidayDay.objects.create(date="2027-01-01", kind=HolidayDay.Kind.HOLIDAY, name="元旦")
    page = admin_client.get(reverse("admin:bookings_holidayday_changelist"))
    assert "还没有录入" not in page.text


@pytest.mark.parametrize("model", ["pricerule", "roomnight"])
def test_price_and_inventory_lists_open(admin_client, room_type, model):
    hold(room_type)
    assert admin_client.get(reverse(f"admin:bookings_{model}_changelist")).status_code == 200


def test_price_rule_form_offers_the_room_types(admin_client, room_type):
    page = admin_client.get(reverse("admin:bookings_pricerule_add"))
    assert page.status_code == 200
    assert room_type.name in page.text
