from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking, RoomNight
from tests.bookings.helpers import hold
from tests.translated import translated
from villages.models import Homestay, RoomType

pytestmark = pytest.mark.django_db

HOMESTAY_FORM = {
    "description_zh_hans": "三孔窑洞,院里有枣树。",
    "description_en": "Three cave rooms around a jujube tree.",
    "house_rules_zh_hans": "22点后请保持安静",
    "amenities_text": "免费WiFi\n停车位、早餐\n免费WiFi",
    "check_in_time": "15:00",
    "check_out_time": "11:30",
    "instant_book": "",
    "cancellation_policy": "strict",
}


def edit(client, homestay, **changes):
    return client.post(
        reverse("owner:homestay_edit", kwargs={"pk": homestay.pk}), {**HOMESTAY_FORM, **changes}
    )


def test_owner_edits_the_homestay_details(owner_client, homestay):
    response = edit(owner_client, homestay)
    assert response.status_code == 302
    homestay.refresh_from_db()
    assert homestay.description_zh_hans == "三孔窑洞,院里有枣树。"
    assert homestay.amenities == ["免费WiFi", "停车位", "早餐"]
    assert (homestay.check_in_time, homestay.check_out_time) == (time(15), time(11, 30))
    assert homestay.instant_book is False
    assert homestay.cancellation_policy == Homestay.CancellationPolicy.STRICT


def test_too_many_amenities_are_refused(owner_client, homestay):
    response = edit(owner_client, homestay, amenities_text="\n".join(f"设施{n}" for n in range(31)))
    assert response.status_code == 400
    homestay.refresh_from_db()
    assert homestay.amenities == []


ROOM_FORM = {
    "name_zh_hans": "窑洞大床房",
    "name_en": "Cave double",
    "beds_zh_hans": "1.8米大床",
    "capacity": "2",
    "room_count": "3",
    "base_price": "238",
    "weekend_price": "288",
    "holiday_price": "",
    "min_nights": "1",
    "max_nights": "14",
    "booking_window_days": "180",
    "same_day_cutoff": "20:00",
    "is_active": "on",
}


def test_owner_adds_a_room_type(owner_client, homestay):
    response = owner_client.post(
        reverse("owner:room_type_add", kwargs={"homestay_pk": homestay.pk}), ROOM_FORM
    )
    assert response.status_code == 302
    room = RoomType.objects.get(homestay=homestay)
    assert (translated(room, "name", "zh-hans"), room.room_count, room.base_price) == (
        "窑洞大床房",
        3,
        Decimal("238.00"),
    )
    assert room.holiday_price is None
    assert room.is_demo is False


def room_url(room) -> str:
    return reverse("owner:room_type_edit", kwargs={"pk": room.pk})


def test_more_rooms_update_every_future_night(owner_client, room):
    hold(room, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    owner_client.post(room_url(room), {**ROOM_FORM, "room_count": "4"})
    room.refresh_from_db()
    assert room.room_count == 4
    assert RoomNight.objects.get(room_type=room, night=date(2026, 9, 8)).rooms_total == 4


def test_fewer_rooms_than_are_booked_is_refused_and_nothing_changes(owner_client, room):
    for _guest in range(2):
        hold(room, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    response = owner_client.post(room_url(room), {**ROOM_FORM, "room_count": "1"})
    assert response.status_code == 400
    assert "2026-09-08" in response.content.decode()
    room.refresh_from_db()
    assert room.room_count == 2
    assert room.base_price == Decimal("200.00"), "the other changes are not saved either"
    assert RoomNight.objects.get(room_type=room, night=date(2026, 9, 8)).rooms_total == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"min_nights": "5", "max_nights": "2"},
        {"base_price": "0"},
        {"weekend_price": "-10"},
        {"capacity": "0"},
        {"room_count": "0"},
        {"room_count": "201"},
        {"name_zh_hans": ""},
    ],
)
def test_bad_room_type_is_refused(owner_client, room, changes):
    response = owner_client.post(room_url(room), {**ROOM_FORM, **changes})
    assert response.status_code == 400
    room.refresh_from_db()
    assert room.base_price == Decimal("200.00")


def test_pages_are_in_english_under_en(owner_client, room):
    response = owner_client.get("/en" + room_url(room))
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
