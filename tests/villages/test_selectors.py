from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories
from villages import selectors
from villages.models import OpeningException, Village

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 6, 2)
TUESDAY = date(2025, 6, 3)


def test_weekly_hours_apply_on_their_weekday():
    attraction = factories.attraction()

    hours = selectors.attraction_hours_on(attraction, TUESDAY)

    assert (hours.is_open, hours.opens, hours.closes) == (True, time(9), time(17))


def test_a_weekday_without_hours_is_closed():
    attraction = factories.attraction()

    assert not selectors.attraction_hours_on(attraction, MONDAY).is_open


def test_an_exception_closes_a_normally_open_day_with_its_note():
    attraction = factories.attraction()
    OpeningException.objects.create(attraction=attraction, date=TUESDAY, note_zh_hans="设备检修")

    hours = selectors.attraction_hours_on(attraction, TUESDAY)

    assert (hours.is_open, hours.note) == (False, "设备检修")


def test_an_exception_opens_a_normally_closed_day():
    attraction = factories.attraction()
    OpeningException.objects.create(attraction=attraction, date=MONDAY, opens=time(10), closes=time(15))

    assert selectors.attraction_hours_on(attraction, MONDAY).opens == time(10)


def test_upcoming_hours_cover_seven_days_from_the_start():
    attraction = factories.attraction()

    days = selectors.attraction_upcoming_hours(attraction, start=MONDAY)

    assert [day.date.day for day in days] == [2, 3, 4, 5, 6, 7, 8]
    assert [day.is_open for day in days] == [False, True, True, True, True, True, True]


def test_upcoming_hours_start_on_the_beijing_date_whatever_time_zone_is_active(monkeypatch):
    attraction = factories.attraction()
    monkeypatch.setattr(timezone, "now", lambda: datetime(2025, 6, 2, 16, 30, tzinfo=UTC))  # 00:30 on the 3rd

    with timezone.override(ZoneInfo("UTC")):
        days = selectors.attraction_upcoming_hours(attraction)

    assert days[0].date == TUESDAY


def test_village_detail_hours_need_no_further_queries(django_assert_num_queries):
    village = factories.village()
    factories.attraction(village=village)
    factories.attraction(village=village)
    loaded = selectors.village_detail(slug=village.slug, start=MONDAY)

    with django_assert_num_queries(0):
        for attraction in loaded.published_attractions:
            selectors.attraction_upcoming_hours(attraction, start=MONDAY)


def test_village_detail_refuses_an_unpublished_village():
    village = factories.village(is_published=False)

    with pytest.raises(Village.DoesNotExist):
        selectors.village_detail(slug=village.slug)


def test_village_detail_leaves_out_unpublished_content():
    village = factories.village()
    shown = factories.attraction(village=village)
    factories.attraction(village=village, is_published=False)
    factories.homestay(village=village, is_published=False)
    factories.route(village=village, stops=[shown], is_published=False)

    loaded = selectors.village_detail(slug=village.slug)

    assert loaded.published_attractions == [shown]
    assert loaded.published_homestays == []
    assert loaded.published_routes == []


def test_homestay_price_from_is_the_lowest_bookable_room():
    homestay = factories.homestay()
    factories.room_type(homestay=homestay, base_price=Decimal("300.00"))
    factories.room_type(homestay=homestay, base_price=Decimal("180.00"))
    factories.room_type(homestay=homestay, base_price=Decimal("90.00"), is_active=False)

    loaded = selectors.homestay_detail(village_slug=homestay.village.slug, slug=homestay.slug)

    assert loaded.price_from == Decimal("180.00")
    assert [room.base_price for room in loaded.active_room_types] == [Decimal("300.00"), Decimal("180.00")]


def test_villages_published_filters_by_theme_slug():
    camping = factories.theme(slug="forest-camping")
    camp = factories.village(themes=[camping])
    factories.village(themes=[factories.theme()])

    assert list(selectors.villages_published(theme="forest-camping")) == [camp]


def test_villages_published_counts_only_published_attractions_and_homestays():
    village = factories.village()
    factories.attraction(village=village)
    factories.attraction(village=village, is_published=False)
    factories.homestay(village=village, is_published=False)

    loaded = selectors.villages_published().get()

    assert (loaded.attraction_count, loaded.homestay_count) == (1, 0)
