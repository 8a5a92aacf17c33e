"""Booking tests run on a frozen clock: Tuesday 1 September 2026, 10:00 Beijing time, before the
2026 Mid-Autumn and National Day holidays (chinesecalendar knows 2026, not 2027)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings.holidays import holidays_load, holidays_load_provisional
from bookings.models import HolidayDay
from tests import factories
from tests.bookings.helpers import SHANGHAI


class Clock:
    """``timezone.now()`` (and so ``localdate()``) under the test's control."""

    def __init__(self, monkeypatch):
        self.now = datetime(2026, 9, 1, 10, 0, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: self.now.astimezone(ZoneInfo("UTC")))

    def set(self, when: str) -> None:
        """Beijing time, e.g. ``"2026-09-01 23:30"``."""
        self.now = datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def holidays_2026(db):
    holidays_load(years=[2026])


@pytest.fixture
def holidays_2027_provisional(db):
    """2027 by rule, as migration 0008 loads it (chinesecalendar does not know 2027)."""
    HolidayDay.objects.filter(date__year=2027).delete()
    holidays_load_provisional(years=[2027])


@pytest.fixture
def room_type(db):
    """An instant-book room type: 1 room for 2 guests, ¥200 weekdays, ¥300 weekends, ¥500 holidays."""
    return factories.room_type(
        room_count=1,
        capacity=2,
        base_price=Decimal("200.00"),
        weekend_price=Decimal("300.00"),
        holiday_price=Decimal("500.00"),
    )


@pytest.fixture
def on_request_room_type(db):
    return factories.room_type(homestay=factories.homestay(instant_book=False), room_count=1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs the block, then what waits for its commit (sending notifications)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def owner(db):
    """The owner of the homestays the use-case tests build."""
    return factories.user(username="host", email="owner@example.com")


@pytest.fixture
def guest(db):
    return factories.user(username="guest", email="guest@example.com")
