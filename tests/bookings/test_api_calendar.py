"""``GET /api/room-types/{id}/calendar``: each night's price (a string), why, free rooms, minimum stay
and whether a stay can start; bad input is 422 or 404, never 500. Clock: 1 September 2026, Beijing."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.calendar import calendar_close_rooms
from bookings.models import PriceRule
from tests import factories
from tests.bookings.helpers import hold

pytestmark = pytest.mark.django_db


def url(room_type, **query) -> str:
    base = f"/api/room-types/{room_type if isinstance(room_type, int | str) else room_type.pk}/calendar"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_nights_with_price_reason_rooms_and_whether_a_stay_can_start(client, room_type, holidays_2026):
    hold(room_type, check_in=date(2026, 9, 29), check_out=date(2026, 9, 30))
    PriceRule.objects.create(
        room_type=room_type, first_night=date(2026, 10, 2), last_night=date(2026, 10, 2), price=Decimal("420")
    )
    response = client.get(url(room_type, start="2026-09-29", days=4))
    assert response.status_code == 200
    body = response.json()
    assert (body["room_type_id"], body["start"], body["days"], body["currency"]) == (
        room_type.pk,
        "2026-09-29",
        4,
        "CNY",
    )
    nights = body["nights"]
    assert [(n["date"], n["price"], n["reason"], n["rooms_free"], n["bookable"]) for n in nights] == [
        ("2026-09-29", "200.00", "base", 0, False),
        ("2026-09-30", "500.00", "holiday", 1, True),
        ("2026-10-01", "500.00", "holiday", 1, True),
        ("2026-10-02", "420.00", "rule", 1, True),
    ]
    assert nights[1]["reason_label"] == {
        "zh": "节假日价(次日放假)",
        "en": "Holiday price (a holiday the next day)",
    }
    assert nights[0]["state"] == "full" and nights[1]["state"] == "free"
    assert nights[0]["holiday"] is None
    assert nights[2]["holiday"] == {"kind": "holiday", "name": {"zh": "国庆节", "en": "National Day"}}
    assert all(n["currency"] == "CNY" and n["min_nights"] == 1 for n in nights)


def test_defaults_are_today_and_two_months(client, room_type):
    body = client.get(url(room_type)).json()
    assert body["start"] == "2026-09-01" and body["days"] == 62 and len(body["nights"]) == 62
    assert body["nights"][-1]["date"] == "2026-11-01"


def test_closed_nights_are_not_bookable(client, room_type):
    calendar_close_rooms(
        room_type=room_type, first_night=date(2026, 9, 8), last_night=date(2026, 9, 8), rooms_closed=1
    )
    [night] = client.get(url(room_type, start="2026-09-08", days=1)).json()["nights"]
    assert (night["state"], night["rooms_free"], night["bookable"]) == ("closed", 0, False)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"start": "2026-08-31"}, "past"),
        ({"start": "2028-09-01"}, "booking_window"),
    ],
)
def test_start_out_of_range_is_422_with_a_reason(client, room_type, query, code):
    response = client.get(url(room_type, **query))
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert "日期" in response.json()["detail"] and "dates" in response.json()["detail"].lower()


@pytest.mark.parametrize(
    "query",
    [
        {"days": "63"},
        {"days": "0"},
        {"days": "-1"},
        {"days": "many"},
        {"start": "2026-02-30"},
        {"start": "x"},
    ],
)
def test_malformed_parameters_are_422(client, room_type, query):
    response = client.get(url(room_type, **query))
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_unknown_or_unbookable_room_types_are_404(client, room_type):
    assert client.get(url(room_type.pk + 1000)).status_code == 404
    assert client.get(url("0")).status_code == 422
    assert client.get(url("99999999999999999999")).status_code == 422
    hidden = factories.room_type(homestay=factories.homestay(is_published=False))
    response = client.get(url(hidden))
    assert response.status_code == 404
    assert "房型" in response.json()["detail"]


def test_openapi_document_has_the_calendar(client):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/room-types/{room_type_id}/calendar"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {"room_type_id", "start", "days"}
    assert {"200", "404", "422"} <= set(operation["responses"])
