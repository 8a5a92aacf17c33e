"""Stay rules of a room type. A violation raises ``ValidationError`` with a bilingual message and a
``code`` the API can return; checking changes nothing."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bookings.models import RoomNight
from bookings.pricing import validate_stay_dates
from common.clock import local_now
from villages.models import RoomType


def _refuse(message: str, code: str, **params) -> None:
    raise ValidationError(message % params if params else message, code=code)


def validate_party(*, guests: int, rooms: int) -> None:
    if guests < 1:
        _refuse(_("至少需要1位客人 At least one guest is needed"), "guests")
    if rooms < 1:
        _refuse(_("至少预订1间房 Book at least one room"), "rooms")


def validate_arrival(*, room_type: RoomType, check_in: date, now: datetime) -> None:
    """No past dates, no arrival tonight after the same-day cut-off, nothing beyond the booking window."""
    today = now.date()
    if check_in < today:
        _refuse(_("不能预订已过去的日期 Dates in the past cannot be booked"), "past")
    cutoff = room_type.same_day_cutoff
    if check_in == today and now.time() >= cutoff:
        _refuse(
            _("今晚的预订已于%(time)s截止 Tonight can no longer be booked after %(time)s Beijing time"),
            "same_day_cutoff",
            time=cutoff.strftime("%H:%M"),
        )
    if (check_in - today).days > room_type.booking_window_days:
        _refuse(
            _("最多可提前%(days)s天预订 Bookable at most %(days)s days ahead"),
            "booking_window",
            days=room_type.booking_window_days,
        )


def validate_length(*, room_type: RoomType, nights: int, min_nights: int) -> None:
    if nights < min_nights:
        _refuse(_("至少需要住%(n)s晚 Minimum stay is %(n)s nights"), "min_nights", n=min_nights)
    if nights > room_type.max_nights:
        _refuse(
            _("最多可住%(n)s晚 Stays are limited to %(n)s night(s)"), "max_nights", n=room_type.max_nights
        )


def validate_occupancy(*, room_type: RoomType, guests: int, rooms: int) -> None:
    if rooms > room_type.room_count:
        _refuse(_("该房型只有%(n)s间 This room type has only %(n)s room(s)"), "rooms", n=room_type.room_count)
    if guests > room_type.capacity * rooms:
        _refuse(
            _("%(rooms)s间房最多住%(n)s人 %(rooms)s room(s) sleep at most %(n)s guests"),
            "capacity",
            rooms=rooms,
            n=room_type.capacity * rooms,
        )


def arrival_min_nights(room_type: RoomType, check_in: date) -> int:
    override = (
        RoomNight.objects.filter(room_type=room_type, night=check_in)
        .values_list("min_nights_override", flat=True)
        .first()
    )
    return override or room_type.min_nights


def stay_validate(
    *,
    room_type: RoomType,
    check_in: date,
    check_out: date,
    guests: int,
    rooms: int = 1,
    arrival_override: int | None = None,
    arrival_override_known: bool = False,
) -> list[date]:
    """Check every rule for booking ``room_type`` for ``[check_in, check_out)``; return the nights.

    ``room_type.homestay`` must be loaded (it is read to see whether the homestay is published). A caller
    that read the arrival night's ``min_nights_override`` already passes it (``arrival_override_known``).
    """
    validate_party(guests=guests, rooms=rooms)
    nights = validate_stay_dates(check_in, check_out)
    if not (room_type.is_active and room_type.homestay.is_published):
        _refuse(_("该房型暂不可预订 This room type cannot be booked at the moment"), "inactive")
    validate_arrival(room_type=room_type, check_in=check_in, now=local_now())
    validate_length(
        room_type=room_type,
        nights=len(nights),
        min_nights=(arrival_override or room_type.min_nights)
        if arrival_override_known
        else arrival_min_nights(room_type, check_in),
    )
    validate_occupancy(room_type=room_type, guests=guests, rooms=rooms)
    return nights
