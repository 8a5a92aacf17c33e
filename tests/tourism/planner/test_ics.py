"""/plan/ics: the plan as a calendar file."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.tourism.planner.conftest import trip_params

pytestmark = pytest.mark.django_db


def test_the_calendar_has_an_event_per_visit_and_per_stay(client, catalogue):
    params = trip_params(attraction=[catalogue["museum"].pk, catalogue["temple"].pk])

    response = client.get(reverse("planner:plan_ics"), params)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="lishi-trip-2026-09-07.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"廉政文化馆", "归化古寺", "住宿：归化村"}
    museum = events["廉政文化馆"]
    assert museum.decoded("dtstart") == datetime(2026, 9, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert museum.decoded("dtend") == datetime(2026, 9, 7, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert events["住宿：归化村"].decoded("dtstart") == date(2026, 9, 7)
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Shanghai"


def test_the_calendar_events_link_back_to_the_shared_plan(client, catalogue):
    response = client.get(reverse("planner:plan_ics"), trip_params(attraction=[catalogue["museum"].pk]))

    events = Calendar.from_ical(response.content).walk("VEVENT")
    (event,) = [event for event in events if str(event["summary"]) == "廉政文化馆"]
    assert "/plan/?start=centre" in str(event["description"])
    assert str(event["url"]).endswith(catalogue["museum"].get_absolute_url())


def test_the_same_trip_gives_the_same_event_ids(client, catalogue):
    params = trip_params(attraction=[catalogue["museum"].pk])

    def uids():
        body = client.get(reverse("planner:plan_ics"), params).content
        return [str(event["uid"]) for event in Calendar.from_ical(body).walk("VEVENT")]

    assert uids() == uids()


def test_a_bad_calendar_request_is_400_with_the_reason(client, catalogue):
    response = client.get(reverse("planner:plan_ics"), trip_params(days="99", village=["guihua"]))

    assert response.status_code == 400
    assert "days" in response.content.decode()
