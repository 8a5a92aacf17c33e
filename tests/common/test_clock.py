from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from common.clock import local_now, local_today


def test_today_is_the_beijing_date_when_utc_is_still_on_yesterday(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 9, 1, 16, 30, tzinfo=UTC))  # 00:30 on the 2nd
    assert local_today() == date(2026, 9, 2)


def test_local_time_is_beijing_time_whatever_time_zone_the_request_runs_in(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 9, 1, 23, 0, tzinfo=UTC))
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        now = local_now()
        assert (now.date(), now.hour, now.utcoffset()) == (date(2026, 9, 2), 7, timedelta(hours=8))
        assert local_today() == date(2026, 9, 2)
