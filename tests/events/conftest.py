"""Event tests run on a frozen clock: Tuesday 1 September 2026, 10:00 Beijing time; a slot "today" starts
at 14:00 unless a test says otherwise."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests import factories
from tests.events.helpers import SHANGHAI, slot
from villages.staff_group import staff_group_sync


class Clock:
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
def free_slot(db):
    return slot(capacity=10)


@pytest.fixture
def paid_slot(db):
    return slot(capacity=10, price="30.00")


@pytest.fixture
def staff(db) -> User:
    user = factories.user(username="door-staff")
    user.groups.add(staff_group_sync())
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)
