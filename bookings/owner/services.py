"""Writes of the owner console that are not bookings or the calendar: the homestay's details and its
room types. Checking that the caller owns the homestay is the view's job (it only ever loads the
owner's own objects)."""

from typing import Any

from django.db import transaction

from bookings import inventory
from bookings.calendar import room_type_set_room_count
from villages.models import Homestay, RoomType

HOMESTAY_FIELDS = (
    "description_zh_hans",
    "description_en",
    "amenities",
    "house_rules_zh_hans",
    "house_rules_en",
    "check_in_time",
    "check_out_time",
    "instant_book",
    "cancellation_policy",
)
ROOM_TYPE_FIELDS = (
    "name_zh_hans",
    "name_en",
    "description_zh_hans",
    "beds_zh_hans",
    "capacity",
    "base_price",
    "weekend_price",
    "holiday_price",
    "min_nights",
    "max_nights",
    "booking_window_days",
    "same_day_cutoff",
    "is_active",
)


@transaction.atomic
def homestay_update(*, homestay: Homestay, **fields: Any) -> Homestay:
    """Change the homestay's details (``HOMESTAY_FIELDS``); its photos are ``villages.photos.services``."""
    unknown = set(fields) - set(HOMESTAY_FIELDS)
    if unknown:
        raise ValueError(f"not an owner-editable field: {sorted(unknown)}")
    homestay = Homestay.objects.select_for_update(no_key=True).get(pk=homestay.pk)
    for name, value in fields.items():
        setattr(homestay, name, value)
    homestay.full_clean()
    homestay.save()
    return homestay


@transaction.atomic
def room_type_create(*, homestay: Homestay, room_count: int, **fields: Any) -> RoomType:
    unknown = set(fields) - set(ROOM_TYPE_FIELDS)
    if unknown:
        raise ValueError(f"not an owner-editable field: {sorted(unknown)}")
    room_type = RoomType(homestay=homestay, room_count=room_count, is_demo=False, **fields)
    room_type.full_clean()
    room_type.save()
    return room_type


@transaction.atomic
def room_type_update(*, room_type: RoomType, room_count: int, **fields: Any) -> RoomType:
    """Change a room type. The number of rooms goes through ``room_type_set_room_count`` (per-night
    totals follow; refused when fewer rooms than are taken): then nothing is changed at all."""
    unknown = set(fields) - set(ROOM_TYPE_FIELDS)
    if unknown:
        raise ValueError(f"not an owner-editable field: {sorted(unknown)}")
    room_type = inventory.lock_room_type(room_type.pk)
    for name, value in fields.items():
        setattr(room_type, name, value)
    room_type.full_clean()
    room_type.save()
    if room_count != room_type.room_count:
        room_type = room_type_set_room_count(room_type=room_type, room_count=room_count)
    return room_type
