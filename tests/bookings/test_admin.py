import re

import pytest
from django.urls import reverse

from bookings import usecases
from bookings.activity import Source
from bookings.guests import GuestDetails
from bookings.models import Booking, HolidayDay, RoomNight
from bookings.services import booking_confirm, guests_register
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, hold

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def test_booking_page_shows_guest_documents_masked(admin_client, room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[GuestDetails("李四", "resident_id", ID_NUMBER)])
    page = admin_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))
    assert page.status_code == 200
    assert "1101**********002X" in page.text
    assert ID_NUMBER not in page.text


def test_booking_page_shows_the_lead_guests_phone_masked(admin_client, room_type):
    booking = hold(room_type, lead_guest_phone="13912345678")

    page = admin_client.get(reverse("admin:bookings_booking_change", args=[booking.pk]))

    assert page.status_code == 200
    assert "139****5678" in page.text
    assert "13912345678" not in page.text
    assert booking.lead_guest_name in page.text and booking.reference in page.text


def test_staff_still_find_a_booking_by_the_lead_guests_number(admin_client, room_type):
    booking = hold(room_type, lead_guest_phone="13912345678")

    page = admin_client.get(reverse("admin:bookings_booking_changelist"), {"q": "13912345678"})

    assert booking.reference in page.text


def test_booking_list_cannot_search_by_document_number(admin_client, room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[GuestDetails("李四", "resident_id", ID_NUMBER)])
    page = admin_client.get(reverse("admin:bookings_booking_changelist"), {"q": ID_NUMBER})
    assert booking.reference not in page.text


def test_holiday_calendar_warns_about_years_not_entered_yet(admin_client, holidays_2026):
    HolidayDay.objects.filter(date__year=2027).delete()
    page = admin_client.get(reverse("admin:bookings_holidayday_changelist"))
    assert page.status_code == 200
    assert "2027年的节假日安排还没有录入" in page.text


def test_holiday_calendar_is_quiet_when_both_years_are_entered(admin_client, holidays_2026):
    HolidayDay.objects.filter(date__year__gte=2027).delete()
    HolidayDay.objects.create(date="2027-01-01", kind=HolidayDay.Kind.HOLIDAY, name="元旦")
    page = admin_client.get(reverse("admin:bookings_holidayday_changelist"))
    assert "还没有录入" not in page.text
    assert "规则暂定" not in page.text


def test_holiday_calendar_lists_provisional_years_and_days(
    admin_client, holidays_2026, holidays_2027_provisional
):
    page = admin_client.get(reverse("admin:bookings_holidayday_changelist"), {"date__year": "2027"})
    assert page.context["cl"].result_count == HolidayDay.objects.filter(date__year=2027).count()
    assert all(day.provisional for day in page.context["cl"].result_list)
    assert "column-provisional" in page.text
    years = re.search(r"(\S*)年的节假日是按法定假日规则暂定的", page.text)
    assert years and "2027" in years[1] and "2026" not in years[1]


def test_staff_confirm_a_provisional_year_from_the_list(admin_client, holidays_2027_provisional):
    one_day = HolidayDay.objects.get(date="2027-01-01")
    page = admin_client.post(
        reverse("admin:bookings_holidayday_changelist"),
        {"action": "confirm_years", "_selected_action": [one_day.pk]},
        follow=True,
    )
    assert "已确认2027年的安排" in page.text
    assert not HolidayDay.objects.filter(date__year=2027, provisional=True).exists()
    assert HolidayDay.objects.filter(date__year=2027).count() > 10  # the whole year, not the one day


@pytest.mark.parametrize("model", ["pricerule", "roomnight"])
def test_price_and_inventory_lists_open(admin_client, room_type, model):
    hold(room_type)
    assert admin_client.get(reverse(f"admin:bookings_{model}_changelist")).status_code == 200


def test_price_rule_form_offers_the_room_types(admin_client, room_type):
    page = admin_client.get(reverse("admin:bookings_pricerule_add"))
    assert page.status_code == 200
    assert room_type.name in page.text


def _homestay_change_data(page) -> dict:
    """The POST body the homestay change page would send unchanged (main form and every inline)."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or hasattr(value, "field"):  # unset, unticked, or a file
                continue
            data[form[name].html_name] = "on" if value is True else value
    return data


def _change_room_count(admin_client, room_type, room_count):
    url = reverse("admin:villages_homestay_change", args=[room_type.homestay_id])
    data = _homestay_change_data(admin_client.get(url))
    data["room_types-0-room_count"] = str(room_count)
    return admin_client.post(url, data)


def test_staff_raising_the_room_count_frees_rooms_on_nights_already_in_the_calendar(admin_client, room_type):
    hold(room_type)
    assert _change_room_count(admin_client, room_type, 3).status_code == 302
    row = RoomNight.objects.get(room_type=room_type, night="2026-09-08")
    assert (row.rooms_total, row.rooms_held) == (3, 1)


def test_staff_cannot_lower_the_room_count_below_the_rooms_booked(admin_client, room_type):
    booking_confirm(booking=hold(room_type, rooms=1))
    room_type.refresh_from_db()
    _change_room_count(admin_client, room_type, 3)
    booking_confirm(booking=hold(room_type, rooms=2, guests=4))
    page = _change_room_count(admin_client, room_type, 2)
    assert page.status_code == 200
    assert "More than 2 rooms are taken" in page.text
    room_type.refresh_from_db()
    assert room_type.room_count == 3
    assert RoomNight.objects.get(room_type=room_type, night="2026-09-08").rooms_total == 3


def test_booking_page_shows_its_activity_log(admin_client, room_type):
    guest = factories.user()
    booking = usecases.booking_place(
        actor=usecases.Actor(role="guest", source=Source.API, user=guest),
        room_type=room_type,
        check_in=ARRIVAL,
        check_out=DEPARTURE,
        guests=2,
        lead_guest_name="张三",
        lead_guest_phone="13800138000",
        payment=Booking.Payment.AT_HOMESTAY,
    ).booking

    page = admin_client.get(reverse("admin:bookings_booking_change", args=[booking.pk])).text

    assert "下单 Booked" in page
    assert "接口 API" in page
    assert "客人 Guest" in page
