"""A tourist on a 360 px phone opens a room type's price calendar from the homestay page, sees seven
columns of days each big enough to tap, picks a check-in and then a check-out, and lands on the booking
page with those dates."""

import re
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from bookings.holidays import holidays_load, holidays_load_provisional, package_years
from common.clock import local_today
from villages.models import Homestay, RoomType

from .helpers import assert_fits_phone, sign_in

TAP = 44


def _holidays_of_the_months_shown(today: date) -> None:
    """Transactional tests start with an empty holiday table: load this year's and next year's calendar."""
    for year in (today.year, today.year + 1):
        if year in package_years():
            holidays_load(years=[year])
        else:
            holidays_load_provisional(years=[year])


def test_tourist_picks_check_in_and_check_out_on_the_price_calendar(phone, shot):
    page = phone
    today = local_today()
    _holidays_of_the_months_shown(today)
    tourist = get_user_model().objects.create_user("wangfang", "wangfang@example.cn", "jujube-cave-2026")
    EmailAddress.objects.create(user=tourist, email=tourist.email, verified=True, primary=True)
    sign_in(page, "wangfang@example.cn", "jujube-cave-2026")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    homestay = Homestay.objects.get(slug="loess-cave-courtyard")
    room_type = RoomType.objects.filter(homestay=homestay, is_active=True).order_by("order", "pk").first()
    assert room_type is not None
    page.goto(homestay.get_absolute_url())
    page.get_by_role("link", name=f"价格日历 {room_type.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("价格日历")
    expect(page.locator(".pcal")).to_have_count(2)
    expect(page.locator(".pcal").first.locator("thead th")).to_have_text(
        ["一", "二", "三", "四", "五", "六", "日"]
    )
    expect(page.locator(f'td[data-night="{today.isoformat()}"]')).to_have_class(
        re.compile("pcal__day--today")
    )
    assert_fits_phone(page)

    # Seven columns fit the phone and every day is a tap target of at least 44 x 44 px.
    days = page.locator(".pcal td.pcal__day .pcal__pick")
    for box in (days.nth(i).bounding_box() for i in range(days.count())):
        assert box is not None and box["width"] >= TAP and box["height"] >= TAP, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    shot(page, "calendar")

    # First tap: a check-in a few days ahead (the first one free from then on).
    arrivals = page.locator("td.pcal__day a.pcal__pick")
    nights = [
        arrivals.nth(i).locator("xpath=..").get_attribute("data-night") for i in range(arrivals.count())
    ]
    check_in = next(
        night for night in nights if night and date.fromisoformat(night) >= today + timedelta(days=3)
    )
    page.locator(f'td[data-night="{check_in}"] a.pcal__pick').click()
    expect(page.locator(f'td[data-night="{check_in}"]')).to_have_class(re.compile("pcal__day--chosen"))
    expect(page.locator("#pcal-step")).to_contain_text("请选择退房日期")
    shot(page, "check-in-picked")

    # Then a check-out among the days offered: the first one, at least the minimum stay later.
    departure = page.locator("td.pcal__day--departure a.pcal__pick").first
    check_out = departure.locator("xpath=..").get_attribute("data-night")
    assert check_out is not None
    nights_stayed = (date.fromisoformat(check_out) - date.fromisoformat(check_in)).days
    assert nights_stayed >= room_type.min_nights
    departure.click()

    expect(page).to_have_url(re.compile(rf"/stays/{room_type.pk}/book/\?"))
    expect(page.locator("#id_check_in")).to_have_value(check_in)
    expect(page.locator("#id_check_out")).to_have_value(check_out)
    expect(page.get_by_role("heading", name="价格明细")).to_be_visible()
    expect(page.locator(".quote tbody tr")).to_have_count(nights_stayed)
    assert_fits_phone(page)
    shot(page, "booking-page")
    assert page.js_errors == []
