"""The owner's calendar: how many rooms exist, rooms closed, prices and minimum stays per night.

Night ranges here are inclusive (``first_night`` to ``last_night``), as an owner says them; past nights
cannot be changed.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import inventory
from bookings.errors import NightsUnavailable
from bookings.models import RoomNight
from bookings.pricing import MAX_QUOTED_NIGHTS, stay_nights
from bookings.services import holds_expire_stale
from common.clock import local_today
from common.money import quantize
from villages.models import RoomType

ROOM_COUNT_RANGE = (1, 200)


def _nights(first_night: date, last_night: date) -> list[date]:
    if last_night < first_night:
        raise ValidationError(
            _("结束日期不能早于开始日期 The last night cannot be before the first"), code="dates_order"
        )
    if first_night < local_today():
        raise ValidationError(_("不能修改已过去的日期 Past nights cannot be changed"), code="past")
    nights = stay_nights(first_night, last_night + timedelta(days=1))
    if len(nights) > MAX_QUOTED_NIGHTS:
        raise ValidationError(
            _("一次最多修改%(n)s晚 At most %(n)s nights at a time") % {"n": MAX_QUOTED_NIGHTS},
            code="too_long",
        )
    return nights


def _prepared(room_type: RoomType, nights: list[date]) -> RoomType:
    """Lock the room type, expire stale holds on the nights and make sure their rows exist."""
    room_type = inventory.lock_room_type(room_type.pk)
    holds_expire_stale(
        room_type_id=room_type.pk, start=nights[0], end=nights[-1] + timedelta(days=1), now=timezone.now()
    )
    inventory.ensure_nights(room_type, nights)
    return room_type


@transaction.atomic
def room_type_set_room_count(*, room_type: RoomType, room_count: int) -> RoomType:
    """Change how many identical rooms exist, from today on. Refused (``ValidationError`` naming the
    nights) when some night would have fewer rooms than are booked, held or closed."""
    low, high = ROOM_COUNT_RANGE
    if not low <= room_count <= high:
        raise ValidationError(
            _("房间数必须在%(low)s到%(high)s之间 The room count must be between %(low)s and %(high)s")
            % {"low": low, "high": high},
            code="room_count",
        )
    room_type = inventory.lock_room_type(room_type.pk)
    today = local_today()
    holds_expire_stale(room_type_id=room_type.pk, start=today, end=date.max, now=timezone.now())
    future = RoomNight.objects.filter(room_type=room_type, night__gte=today)
    too_full = [
        row.night for row in future if row.rooms_booked + row.rooms_held + row.rooms_closed > room_count
    ]
    if too_full:
        shown = ", ".join(night.isoformat() for night in too_full[:10])
        raise ValidationError(
            _("这些日期已订出的房间多于%(n)s间:%(nights)s More than %(n)s rooms are taken on: %(nights)s")
            % {"n": room_count, "nights": shown},
            code="room_count_below_taken",
        )
    future.update(rooms_total=room_count)
    room_type.room_count = room_count
    room_type.save(update_fields=["room_count"])
    return room_type


@transaction.atomic
def calendar_close_rooms(
    *, room_type: RoomType, first_night: date, last_night: date, rooms_closed: int
) -> None:
    """Set how many rooms are closed (not for sale) on each night; 0 opens them all again. Raises
    ``NightsUnavailable`` when a night has too few free rooms to close that many."""
    if rooms_closed < 0:
        raise ValidationError(_("关闭的房间数不能为负 Closed rooms cannot be negative"), code="rooms_closed")
    nights = _nights(first_night, last_night)
    room_type = _prepared(room_type, nights)
    try:
        with transaction.atomic():
            RoomNight.objects.filter(room_type=room_type, night__in=nights).update(rooms_closed=rooms_closed)
    except IntegrityError:
        rows = RoomNight.objects.filter(room_type=room_type, night__in=nights)
        raise NightsUnavailable(
            [row.night for row in rows if row.rooms_booked + row.rooms_held + rooms_closed > row.rooms_total]
        ) from None


@transaction.atomic
def calendar_set_price(
    *, room_type: RoomType, first_night: date, last_night: date, price: Decimal | None
) -> None:
    """Set the price of each night (wins over every other price); ``None`` removes it."""
    if price is not None:
        price = quantize(price)
        if price <= 0:
            raise ValidationError(_("价格必须大于0 The price must be above 0"), code="price")
    nights = _nights(first_night, last_night)
    room_type = _prepared(room_type, nights)
    RoomNight.objects.filter(room_type=room_type, night__in=nights).update(price_override=price)


@transaction.atomic
def calendar_set_min_nights(
    *, room_type: RoomType, first_night: date, last_night: date, min_nights: int | None
) -> None:
    """Set the minimum stay for arrivals on each night; ``None`` goes back to the room type's."""
    if min_nights is not None and min_nights < 1:
        raise ValidationError(
            _("最少入住晚数至少为1 The minimum stay is at least 1 night"), code="min_nights"
        )
    nights = _nights(first_night, last_night)
    room_type = _prepared(room_type, nights)
    RoomNight.objects.filter(room_type=room_type, night__in=nights).update(min_nights_override=min_nights)
