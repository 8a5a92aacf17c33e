from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.calendar import calendar_close_rooms, calendar_set_min_nights
from bookings.guests import GuestDetails
from bookings.models import Booking, HolidayDay
from bookings.pricing import PriceReason
from bookings.selectors import (
    booking_detail,
    bookings_for_owner,
    guests_masked,
    holiday_years_missing,
    holiday_years_provisional,
    homestays_available,
    room_type_calendar,
)
from bookings.services import booking_confirm, guests_register
from tests import factories
from tests.bookings.helpers import ARRIVAL, DEPARTURE, hold

pytestmark = pytest.mark.django_db


def search(**criteria):
    criteria.setdefault("check_in", ARRIVAL)
    criteria.setdefault("check_out", DEPARTURE)
    criteria.setdefault("guests", 2)
    return homestays_available(**criteria)


def offered(results) -> set:
    return {offer.room_type.pk for result in results for offer in result.offers}


def test_free_room_type_is_offered_with_its_total_price(room_type):
    [result] = search()
    assert result.homestay == room_type.homestay
    [offer] = result.offers
    assert (offer.room_type, offer.total, offer.per_night, offer.rooms_free) == (
        room_type,
        Decimal("400.00"),
        Decimal("200.00"),
        1,
    )


def test_price_includes_weekends_and_holidays(room_type, holidays_2026):
    [result] = search(
        check_in=date(2026, 9, 29), check_out=date(2026, 10, 2)
    )  # Tue, National Day's eve, 1 Oct
    assert result.price_from == Decimal("1200.00")  # 200 + 500 + 500


def test_search_prices_the_night_before_a_holiday_as_a_holiday(room_type, holidays_2026):
    """The search reads the calendar of the days after the nights, as the quote does."""
    [result] = search(check_in=date(2026, 9, 30), check_out=date(2026, 10, 1))
    assert result.price_from == Decimal("500.00")
    [result] = search(check_in=date(2026, 10, 7), check_out=date(2026, 10, 8))  # last night of the break
    assert result.price_from == Decimal("200.00")


def test_room_type_full_on_one_night_is_not_offered(room_type):
    hold(room_type, check_in=date(2026, 9, 9), check_out=date(2026, 9, 10))
    assert search() == []


def test_room_type_is_offered_again_once_the_hold_expires_without_any_clean_up(room_type, clock):
    booking = hold(room_type)
    clock.advance(minutes=16)
    assert offered(search()) == {room_type.pk}
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.HELD


def test_check_out_day_is_offered_to_the_next_guest(room_type):
    hold(room_type)
    assert offered(search(check_in=DEPARTURE, check_out=date(2026, 9, 11))) == {room_type.pk}


def test_closed_room_is_not_offered(room_type):
    calendar_close_rooms(room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, rooms_closed=1)
    assert search() == []


def test_free_rooms_count_the_fullest_night():
    room_type = factories.room_type(room_count=3)
    hold(room_type, check_in=date(2026, 9, 9), check_out=date(2026, 9, 10), rooms=2, guests=2)
    [result] = search()
    assert result.offers[0].rooms_free == 1


def test_more_guests_than_the_room_sleeps_are_not_offered_it(room_type):
    assert search(guests=3) == []


def test_several_rooms_can_host_a_larger_group():
    room_type = factories.room_type(capacity=2, room_count=2)
    [result] = search(guests=4, rooms=2)
    assert result.offers[0].room_type == room_type
    assert result.offers[0].total == Decimal("800.00")


def test_stay_shorter_than_the_minimum_is_not_offered(room_type):
    factories.room_type(min_nights=3)
    assert offered(search()) == {room_type.pk}


def test_minimum_stay_of_the_arrival_day_applies(room_type):
    calendar_set_min_nights(room_type=room_type, first_night=ARRIVAL, last_night=ARRIVAL, min_nights=3)
    assert search() == []
    assert offered(search(check_in=date(2026, 9, 9), check_out=date(2026, 9, 10))) == {room_type.pk}


def test_unpublished_and_inactive_are_not_offered(room_type):
    factories.room_type(is_active=False)
    factories.room_type(homestay=factories.homestay(is_published=False))
    factories.room_type(homestay=factories.homestay(village=factories.village(is_published=False)))
    assert offered(search()) == {room_type.pk}


def test_tonight_is_not_offered_after_the_cut_off(room_type, clock):
    late = factories.room_type(same_day_cutoff=time(23, 59))
    clock.set("2026-09-01 23:30")
    assert offered(search(check_in=date(2026, 9, 1), check_out=date(2026, 9, 2))) == {late.pk}


def test_arrival_beyond_the_booking_window_is_not_offered(room_type):
    factories.room_type(booking_window_days=3)
    assert offered(search()) == {room_type.pk}


def test_search_by_village_and_theme(room_type):
    camping = factories.theme(slug="camping")
    elsewhere = factories.room_type(homestay=factories.homestay(village=factories.village(themes=[camping])))
    assert offered(search(village=room_type.homestay.village.slug)) == {room_type.pk}
    assert offered(search(theme="camping")) == {elsewhere.pk}
    assert search(village="no-such-village") == []


def test_max_price_caps_the_average_nightly_price(room_type):
    dearer = factories.room_type(base_price=Decimal("350.00"))
    assert offered(search(max_price=Decimal("200"))) == {room_type.pk}
    assert offered(search(max_price=Decimal("350"))) == {room_type.pk, dearer.pk}


def test_results_sort_by_price_or_catalogue_order(room_type):
    dearer = factories.room_type(base_price=Decimal("350.00"), homestay=factories.homestay(order=0))
    room_type.homestay.order = 5
    room_type.homestay.save()
    assert [r.homestay for r in search()] == [room_type.homestay, dearer.homestay]
    assert [r.homestay for r in search(sort="-price")] == [dearer.homestay, room_type.homestay]
    assert [r.homestay for r in search(sort="recommended")] == [dearer.homestay, room_type.homestay]


def test_limit_gives_the_first_page_in_order(room_type):
    cheaper = factories.room_type(base_price=Decimal("150.00"))
    factories.room_type(base_price=Decimal("350.00"))
    assert [r.homestay for r in search(limit=2)] == [cheaper.homestay, room_type.homestay]


def test_room_types_of_a_homestay_are_listed_cheapest_first(room_type):
    cheaper = factories.room_type(homestay=room_type.homestay, base_price=Decimal("150.00"))
    [result] = search()
    assert [offer.room_type for offer in result.offers] == [cheaper, room_type]


@pytest.mark.parametrize(
    ("criteria", "code"),
    [
        ({"check_in": date(2026, 8, 31)}, "past"),
        ({"check_out": ARRIVAL}, "dates_order"),
        ({"guests": 0}, "guests"),
        ({"sort": "random"}, "sort"),
    ],
)
def test_impossible_search_is_refused(room_type, criteria, code):
    with pytest.raises(ValidationError) as refused:
        search(**criteria)
    assert refused.value.code == code


def _queries(**criteria) -> int:
    with CaptureQueriesContext(connection) as captured:
        search(**criteria)
    return len(captured.captured_queries)


def test_search_costs_the_same_few_queries_however_many_homestays(room_type, clock):
    hold(room_type)
    clock.advance(minutes=20)  # an expired hold to correct for
    few = _queries()
    for _homestay in range(10):
        other = factories.room_type()
        hold(other)
        factories.room_type(homestay=other.homestay)
    assert _queries() == few
    assert few <= 11  # the homestays shown and their villages, rooms and cover photos: one query each


def test_calendar_shows_free_rooms_and_prices_of_each_night(room_type, holidays_2026, clock):
    hold(room_type, check_in=date(2026, 9, 29), check_out=date(2026, 9, 30))
    nights = room_type_calendar(room_type=room_type, start=date(2026, 9, 29), end=date(2026, 10, 1))
    assert [(n.night, n.rooms_free, n.price.price, n.price.reason) for n in nights] == [
        (date(2026, 9, 29), 0, Decimal("200.00"), PriceReason.BASE),
        (date(2026, 9, 30), 1, Decimal("500.00"), PriceReason.HOLIDAY),  # National Day's eve
    ]
    clock.advance(minutes=20)
    assert (
        room_type_calendar(room_type=room_type, start=date(2026, 9, 29), end=date(2026, 9, 30))[0].rooms_free
        == 1
    )


def test_missing_holiday_years_are_this_year_and_next_without_rows(holidays_2026):
    HolidayDay.objects.filter(date__year=2027).delete()
    assert holiday_years_missing() == [2027]


def test_a_provisional_year_is_not_missing_but_provisional(holidays_2026, holidays_2027_provisional):
    assert holiday_years_missing() == []
    assert 2027 in holiday_years_provisional()
    assert 2026 not in holiday_years_provisional()


def test_no_holiday_rows_at_all_means_both_years_missing(clock):
    HolidayDay.objects.all().delete()
    assert holiday_years_missing() == [2026, 2027]


def test_guests_are_shown_masked(room_type):
    booking = booking_confirm(booking=hold(room_type))
    guests_register(booking=booking, guests=[GuestDetails("李四", "resident_id", "11010519491231002X")])
    [guest] = guests_masked(booking=booking_detail(reference=booking.reference.lower()))
    assert guest.document_number_masked == "1101**********002X"
    assert guest.is_lead


def test_owner_sees_only_the_bookings_of_their_homestays(room_type):
    owner = factories.user()
    owned = factories.room_type(homestay=factories.homestay(owner=owner))
    mine = hold(owned)
    hold(room_type)
    assert list(bookings_for_owner(owner=owner)) == [mine]
    assert list(bookings_for_owner(owner=owner, status=Booking.Status.CONFIRMED)) == []
