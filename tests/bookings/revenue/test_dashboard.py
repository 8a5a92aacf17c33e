"""The dashboard's figures and lodging KPIs on a small month worked out by hand.

September 2026 (30 nights), one room type of 2 rooms (¥200 weekdays and holidays, ¥300 Fri/Sat), rule
10% / 5%,
everything booked on 1 September (Beijing):

=====  ============  =====  ====  =======  =================================  ===========
 stay  nights        rooms  ¥     payment  what happens                       lead (days)
=====  ============  =====  ====  =======  =================================  ===========
  b1   8-10 Sep      1      400   online   stays                              7
  b2   11-13 Sep     2      1200  homestay confirmed, not paid yet            10
  b3   15-16 Sep     1      200   online   cancelled by the guest, refunded   -
  b4   29 Sep-2 Oct  1      600   online   stays (2 of its nights in Sept)    28
=====  ============  =====  ====  =======  =================================  ===========

The owner closes 1 room on 20 and 21 September: 60 - 2 = 58 room-nights available. Sold in September:
2 + 4 + 2 = 8 room-nights for ¥2,000 of room revenue.
"""

from datetime import date
from decimal import Decimal

import pytest

from bookings.calendar import calendar_close_rooms
from bookings.models import Booking
from bookings.revenue.periods import Period
from bookings.revenue.selectors import dashboard
from tests import factories
from tests.bookings.helpers import hold
from tests.bookings.owner.ical import vcalendar, vevent
from tests.bookings.revenue.helpers import cancel, paid_online, rule

pytestmark = pytest.mark.django_db
D = Decimal
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))


@pytest.fixture
def rooms(db):
    room_type = factories.room_type(
        room_count=2,
        capacity=2,
        base_price=D("200.00"),
        weekend_price=D("300.00"),
        holiday_price=D("200.00"),  # 1 October, National Day, is a holiday when the calendar is loaded
    )
    rule(room_type.homestay.village, "0.10", "0.05")
    return room_type


@pytest.fixture
def september(rooms):
    paid_online(rooms, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10))
    hold(
        rooms,
        check_in=date(2026, 9, 11),
        check_out=date(2026, 9, 13),
        rooms=2,
        guests=4,
        payment=Booking.Payment.AT_HOMESTAY,
    )
    cancel(paid_online(rooms, check_in=date(2026, 9, 15), check_out=date(2026, 9, 16)))
    paid_online(rooms, check_in=date(2026, 9, 29), check_out=date(2026, 10, 2))
    calendar_close_rooms(
        room_type=rooms, first_night=date(2026, 9, 20), last_night=date(2026, 9, 21), rooms_closed=1
    )
    return rooms


def test_counts_and_money_of_the_month(september):
    total = dashboard(period=SEPTEMBER).total
    assert (total.bookings, total.confirmed, total.cancelled) == (3, 4, 1)
    assert total.gross == D("2400.00")
    assert total.refunds == D("200.00")
    assert (total.commission, total.collective, total.owner) == (D("100.00"), D("50.00"), D("850.00"))
    assert total.net_revenue == D("1000.00")


def test_occupancy_leaves_out_the_nights_the_owner_closed(september):
    total = dashboard(period=SEPTEMBER).total
    assert (total.room_nights, total.available) == (8, 58)
    assert total.occupancy == D("0.1379")


def test_adr_and_revpar_come_from_the_nights_sold(september):
    total = dashboard(period=SEPTEMBER).total
    assert total.room_revenue == D("2000.00")
    assert total.adr == D("250.00")
    assert total.revpar == D("34.48")


def test_average_stay_lead_time_and_cancellation_rate(september):
    total = dashboard(period=SEPTEMBER).total
    assert total.average_stay == D("2.3")  # 7 nights / 3 stays
    assert total.lead_time == D("15.0")  # (7 + 10 + 28) / 3
    assert total.cancellation_rate == D("0.2500")


def test_a_stay_across_the_month_end_counts_each_night_in_its_own_month(september):
    report = dashboard(period=Period(date(2026, 9, 1), date(2026, 10, 31)))
    september_row, october_row = report.months
    assert (september_row.key, october_row.key) == (date(2026, 9, 1), date(2026, 10, 1))
    assert (september_row.figures.room_nights, october_row.figures.room_nights) == (8, 1)
    assert (september_row.figures.bookings, october_row.figures.bookings) == (3, 0)
    assert october_row.figures.available == 62


def test_villages_homestays_and_months_add_up_to_the_total(september):
    other = factories.room_type(room_count=1)
    paid_online(other, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    report = dashboard(period=SEPTEMBER)
    for rows in (report.villages, report.homestays, report.months):
        assert sum((row.figures for row in rows), start=type(report.total)()) == report.total
    assert len(report.villages) == 2


def test_bookings_outside_the_period_are_left_out(september):
    total = dashboard(period=Period(date(2026, 8, 1), date(2026, 8, 31))).total
    assert (total.bookings, total.room_nights, total.net_revenue) == (0, 0, Decimal(0))
    assert total.available == 62
    assert total.occupancy == 0 and total.adr is None and total.lead_time is None


def test_a_held_unpaid_booking_is_not_sold(rooms):
    hold(rooms)
    total = dashboard(period=SEPTEMBER).total
    assert (total.bookings, total.confirmed, total.room_nights) == (0, 0, 0)


def test_lead_time_counts_from_the_beijing_date_the_booking_was_made(rooms, clock):
    clock.set("2026-09-02 00:30")  # 1 September in UTC
    paid_online(rooms, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    assert dashboard(period=SEPTEMBER).total.lead_time == D("6.0")


def test_nights_another_platform_sold_stay_available(rooms, monkeypatch):
    from bookings.sync import services as sync
    from bookings.sync.models import CalendarFeed

    feed = CalendarFeed.objects.create(room_type=rooms, name="Airbnb", url="https://example.com/a.ics")
    ical = vcalendar(vevent("abc", date(2026, 9, 20), date(2026, 9, 22)))
    monkeypatch.setattr(sync, "fetch_feed", lambda url: ical.encode())
    sync.calendar_feed_sync(feed=feed)
    calendar_close_rooms(
        room_type=rooms, first_night=date(2026, 9, 25), last_night=date(2026, 9, 25), rooms_closed=1
    )
    assert dashboard(period=SEPTEMBER).total.available == 59


def test_an_inactive_room_type_is_not_available(rooms):
    factories.room_type(homestay=rooms.homestay, room_count=3, is_active=False)
    assert dashboard(period=SEPTEMBER).total.available == 60


def test_a_booking_made_in_the_last_instant_of_a_day_belongs_to_that_day(rooms, clock):
    clock.set("2026-09-01 23:59:59.999999")
    paid_online(rooms, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    assert dashboard(period=SEPTEMBER).total.lead_time == D("7.0")


def test_a_period_starting_within_a_month_counts_from_its_first_day(september):
    """10-30 September leaves out b1 (arriving on the 8th) and its nights; b2's two weekend nights
    (¥300, 2 rooms) and b4's two September nights (¥200) are sold."""
    total = dashboard(period=Period(date(2026, 9, 10), date(2026, 9, 30))).total
    assert (total.bookings, total.confirmed, total.cancelled) == (2, 3, 1)
    assert (total.commission, total.collective, total.owner) == (D("60.00"), D("30.00"), D("510.00"))
    assert total.refunds == D("200.00")
    assert (total.room_nights, total.room_revenue) == (6, D("1600.00"))
    assert total.available == 21 * 2 - 2


def test_a_booking_made_at_midnight_in_beijing_belongs_to_that_day(rooms, clock):
    clock.set("2026-09-02 00:00")  # 16:00 on 1 September in UTC
    paid_online(rooms, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9))
    assert dashboard(period=SEPTEMBER).total.lead_time == D("6.0")
