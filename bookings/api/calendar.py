"""``GET /api/room-types/{id}/calendar``: a room type's nights with their price (and why), free rooms, the
arrival night's minimum stay and whether a stay can start that night; the price calendar's page reads the
same selector (``bookings.price_calendar``). Public, like the availability search."""

import datetime as dt
from datetime import timedelta
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Schema
from ninja.errors import HttpError

from bookings.api.endpoints import NOT_FOUND, REFUSED, ROOM_TYPE_NOT_FOUND, _in_chinese, router
from bookings.forms import SEARCH_HORIZON_DAYS
from bookings.models import HolidayDay
from bookings.price_calendar import MAX_API_DAYS, NightState, PriceDay, room_type_nights
from bookings.pricing import PriceReason
from common.clock import local_today
from common.money import CURRENCY
from villages.api.endpoints import ObjectId
from villages.api.fields import Money, Text, bilingual, choice_label, money
from villages.models import RoomType


class CalendarQuery(Schema):
    start: dt.date | None = Field(None, description="第一晚 first night, today (Beijing time) when left out")
    days: Annotated[int, Field(ge=1, le=MAX_API_DAYS)] = Field(
        MAX_API_DAYS, description=f"晚数 how many nights, 1-{MAX_API_DAYS} (default {MAX_API_DAYS})"
    )


class HolidayOut(Schema):
    kind: Literal["holiday", "workday"] = Field(
        description="holiday: a day off; workday: a make-up working day (调休)"
    )
    name: Text

    @staticmethod
    def resolve_name(obj: HolidayDay):
        return bilingual(obj, "name")


class CalendarNightOut(Schema):
    date: dt.date = Field(description="当晚 the night (the date the guest goes to sleep)")
    price: Money = Field(description="每间当晚价格 price of one room for the night")
    currency: str = Field(examples=[CURRENCY])
    reason: PriceReason = Field(
        description="价格依据 why: base, weekend / holiday / workday (by the day after the night), "
        "rule (a date-range price), override (a price set for this night)"
    )
    reason_label: Text
    rooms_free: int = Field(description="空房间数 rooms free")
    state: NightState = Field(description="free, few (fewer than asked: not used here), full, closed, past")
    min_nights: int = Field(description="在这晚入住时的最少晚数 minimum stay when arriving this night")
    bookable: bool = Field(
        description="能否这晚入住 a stay of one room can start this night (free, within the booking window "
        "and today's cut-off, its minimum stay free)"
    )
    holiday: HolidayOut | None = Field(
        description="这天是节假日或调休上班日 the date itself in the holiday calendar"
    )

    @staticmethod
    def resolve_date(obj: PriceDay):
        return obj.night

    @staticmethod
    def resolve_price(obj: PriceDay):
        return money(obj.price.price)

    @staticmethod
    def resolve_currency(obj: PriceDay):
        return CURRENCY

    @staticmethod
    def resolve_reason(obj: PriceDay):
        return obj.price.reason

    @staticmethod
    def resolve_reason_label(obj: PriceDay):
        return choice_label(PriceReason, obj.price.reason)

    @staticmethod
    def resolve_bookable(obj: PriceDay):
        return obj.arrival


class RoomCalendarOut(Schema):
    room_type_id: int
    start: dt.date
    days: int
    currency: str = Field(examples=[CURRENCY])
    nights: list[CalendarNightOut]


def _bookable_room_type(room_type_id: int) -> RoomType:
    room_type = (
        RoomType.objects.filter(
            pk=room_type_id, is_active=True, homestay__is_published=True, homestay__village__is_published=True
        )
        .select_related("homestay")
        .first()
    )
    if room_type is None:
        raise HttpError(404, ROOM_TYPE_NOT_FOUND)
    return room_type


@router.get(
    "/room-types/{room_type_id}/calendar",
    response={200: RoomCalendarOut, **NOT_FOUND, **REFUSED},
    summary="价格日历 A room type's prices and free rooms per night",
    description="Each night from `start` (default today, Beijing time) for `days` nights (1-62, default 62): "
    "the price of one room as a decimal string with `currency`, the `reason` for it and its label, rooms "
    "free, the arrival night's minimum stay and whether a stay can start that night. Public. A start in the "
    'past or more than two years ahead is 422 `{"detail": "中文 English", "code": ...}`; parameters of the '
    "wrong type or range are 422 with a list; a room type that does not exist or is not bookable is 404.",
)
def room_type_calendar_get(request: HttpRequest, room_type_id: ObjectId, query: Query[CalendarQuery]):
    room_type = _bookable_room_type(room_type_id)
    today = local_today()
    horizon = today + timedelta(days=SEARCH_HORIZON_DAYS)
    start = query.start or today
    with _in_chinese():
        if start < today:
            raise ValidationError(
                gettext("不能预订已过去的日期 Dates in the past cannot be booked"), code="past"
            )
        if start > horizon:
            raise ValidationError(
                gettext("只能预订两年以内的日期 Only dates within the next two years can be booked"),
                code="booking_window",
            )
        nights = room_type_nights(room_type=room_type, start=start, days=query.days, horizon=horizon)
    return {
        "room_type_id": room_type.pk,
        "start": start,
        "days": query.days,
        "currency": CURRENCY,
        "nights": nights,
    }
