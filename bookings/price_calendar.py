"""The tourist's price calendar: the nights of one room type with their price (and why), the rooms free,
the holidays, and which days can be picked as check-in and then as check-out.

Reads only: prices and rooms come from ``selectors.room_type_calendar`` (which prices through
``bookings.pricing``), the stay rules are those of ``bookings.rules``, so the calendar never offers a stay
the booking page would refuse for its dates. "Today" is Beijing's (``common.clock``).

A day can be a **check-in** when its night is not past, within the booking window (and before today's
cut-off for tonight), free for the rooms asked, and the arrival night's minimum stay fits before a night
without enough rooms. Once a check-in is chosen, a day is a **check-out** when it is after the check-in,
the stay is at least the arrival night's minimum and at most the room type's maximum, and every night in
between is free for the rooms asked.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.models import HolidayDay
from bookings.pricing import MAX_QUOTED_NIGHTS, NightPrice
from bookings.selectors import CalendarNight, room_type_calendar
from common.clock import local_now
from villages.models import RoomType

MAX_API_DAYS = 62  # two months
MONTHS_SHOWN = 2


class NightState(models.TextChoices):
    FREE = "free", _("有房 Rooms free")
    FEW = "few", _("房间不够 Not enough rooms")
    FULL = "full", _("满房 Full")
    CLOSED = "closed", _("不开放 Closed")
    PAST = "past", _("已过去 Past")


@dataclass(frozen=True)
class PriceDay:
    """One night of the calendar. ``refusal`` says why the day cannot be picked now ("" when it can)."""

    night: date
    price: NightPrice
    rooms_free: int
    min_nights: int
    state: NightState
    holiday: HolidayDay | None  # the date itself a holiday's day off or a make-up working day
    is_today: bool
    arrival: bool  # a stay can start this night
    departure: bool = False  # a check-out day for the check-in chosen
    check_in: bool = False  # the check-in chosen
    refusal: str = ""

    @property
    def day_kind(self) -> str:
        return self.holiday.kind if self.holiday else ""

    @property
    def price_short(self) -> str:
        """``¥258`` for whole yuan, ``¥199.5`` otherwise: fits a 360 px wide month."""
        price = self.price.price
        if price == price.to_integral_value():
            return f"¥{price:.0f}"
        return f"¥{price.normalize():f}"


@dataclass(frozen=True)
class PriceMonth:
    first: date
    weeks: list[list[PriceDay | None]]  # Monday first; None pads the first and last weeks
    holidays: list[tuple[str, date, date]]  # name, first and last day off in this month


@dataclass(frozen=True)
class PriceCalendar:
    room_type: RoomType
    months: list[PriceMonth]
    check_in: date | None = None
    check_in_refusal: str = ""  # the check-in asked for cannot start a stay: why
    rooms: int = 1
    departures: list[date] = field(default_factory=list)


def month_end(first: date) -> date:
    return first + timedelta(days=calendar.monthrange(first.year, first.month)[1])


def _rooms_short(night: CalendarNight, rooms: int) -> NightState:
    if night.rooms_total and night.rooms_closed >= night.rooms_total:
        return NightState.CLOSED
    if night.rooms_free <= 0:
        return NightState.FULL
    return NightState.FREE if night.rooms_free >= rooms else NightState.FEW


def _state_refusal(state: NightState, night: CalendarNight) -> str:
    if state == NightState.FEW:
        return gettext("只剩%(n)s间 Only %(n)s room(s) left") % {"n": night.rooms_free}
    return str(state.label)


def _arrival_refusal(
    room_type: RoomType,
    night: CalendarNight,
    *,
    nights: dict[date, CalendarNight],
    rooms: int,
    now: datetime,
    horizon: date,
) -> str:
    """Why a stay cannot start this night ("" when it can)."""
    today = now.date()
    state = NightState.PAST if night.night < today else _rooms_short(night, rooms)
    if state != NightState.FREE:
        return _state_refusal(state, night)
    if (night.night - today).days > room_type.booking_window_days or night.night > horizon:
        days = min(room_type.booking_window_days, (horizon - today).days)
        return gettext("最多可提前%(days)s天预订 Bookable at most %(days)s days ahead") % {"days": days}
    if night.night == today and now.time() >= room_type.same_day_cutoff:
        return gettext("今晚的预订已于%(time)s截止 Tonight can no longer be booked after %(time)s") % {
            "time": room_type.same_day_cutoff.strftime("%H:%M")
        }
    for offset in range(1, night.min_nights):
        later = nights.get(night.night + timedelta(days=offset))
        if later is None or later.rooms_free < rooms:
            return gettext(
                "至少住%(n)s晚,之后有一晚房间不够 "
                "The minimum stay is %(n)s nights and a night within it is full"
            ) % {"n": night.min_nights}
    return ""


def _departure_refusal(
    room_type: RoomType, day: date, *, check_in: CalendarNight, nights: dict[date, CalendarNight], rooms: int
) -> str:
    """Why ``day`` cannot be the check-out of a stay from ``check_in`` ("" when it can)."""
    if day <= check_in.night:
        return gettext("退房日期必须晚于入住日期 Check-out must be after check-in")
    length = (day - check_in.night).days
    for offset in range(length):
        between = nights.get(check_in.night + timedelta(days=offset))
        if between is None or between.rooms_free < rooms:
            return gettext("中间有一晚房间不够 A night before this day is full")
    if length < check_in.min_nights:
        return gettext("至少需要住%(n)s晚 Minimum stay is %(n)s nights") % {"n": check_in.min_nights}
    if length > room_type.max_nights:
        return gettext("最多可住%(n)s晚 Stays are limited to %(n)s night(s)") % {"n": room_type.max_nights}
    return ""


def _holidays(start: date, end: date) -> dict[date, HolidayDay]:
    return {day.date: day for day in HolidayDay.objects.filter(date__gte=start, date__lt=end)}


def _days(
    *,
    room_type: RoomType,
    start: date,
    end: date,
    rooms: int,
    horizon: date,
    check_in: date | None = None,
) -> tuple[list[PriceDay], str]:
    """The days ``[start, end)`` and, when ``check_in`` is given, why it cannot start a stay ("" if it can).

    Nights after ``end`` are read too, as far as a stay starting in the range can reach (the room type's
    longest stay), so a check-in near the end of the range knows whether its minimum stay fits."""
    now = local_now()
    load_start = min(start, check_in) if check_in else start
    reach = min(room_type.max_nights, MAX_QUOTED_NIGHTS)
    loaded = room_type_calendar(room_type=room_type, start=load_start, end=end + timedelta(days=reach))
    nights = {night.night: night for night in loaded}
    holidays = _holidays(start, end)
    arrival_refusal = ""
    chosen = nights.get(check_in) if check_in else None
    if check_in and chosen is None:
        arrival_refusal = gettext("这一天不能选作入住日期 This day cannot be chosen as check-in")
    if chosen is not None:
        arrival_refusal = _arrival_refusal(
            room_type, chosen, nights=nights, rooms=rooms, now=now, horizon=horizon
        )
    picking_departure = chosen is not None and not arrival_refusal
    days = []
    for night_date in (start + timedelta(days=offset) for offset in range((end - start).days)):
        night = nights[night_date]
        refusal = _arrival_refusal(room_type, night, nights=nights, rooms=rooms, now=now, horizon=horizon)
        arrival = not refusal
        departure = False
        if picking_departure and chosen is not None:
            refusal = _departure_refusal(room_type, night_date, check_in=chosen, nights=nights, rooms=rooms)
            departure = not refusal
        state = NightState.PAST if night_date < now.date() else _rooms_short(night, rooms)
        days.append(
            PriceDay(
                night=night_date,
                price=night.price,
                rooms_free=max(night.rooms_free, 0),
                min_nights=night.min_nights,
                state=state,
                holiday=holidays.get(night_date),
                is_today=night_date == now.date(),
                arrival=arrival,
                departure=departure,
                check_in=picking_departure and night_date == check_in,
                refusal=refusal,
            )
        )
    return days, arrival_refusal


def room_type_nights(*, room_type: RoomType, start: date, days: int, horizon: date) -> list[PriceDay]:
    """``days`` nights from ``start`` for one room: the API's calendar. ``arrival`` says whether a stay
    can start that night. ``horizon``: the last date a stay can start on (the search's)."""
    found, _refusal = _days(
        room_type=room_type, start=start, end=start + timedelta(days=days), rooms=1, horizon=horizon
    )
    return found


def _month_holidays(days: list[PriceDay]) -> list[tuple[str, date, date]]:
    """The holidays' days off in the month, as runs of consecutive days of the same name."""
    runs = []
    off = [day for day in days if day.day_kind == HolidayDay.Kind.HOLIDAY]
    for name, group in groupby(off, key=lambda day: day.holiday.name if day.holiday else ""):
        dates = [day.night for day in group]
        runs.append((name, dates[0], dates[-1]))
    return runs


def room_type_price_calendar(
    *,
    room_type: RoomType,
    first: date,
    horizon: date,
    rooms: int = 1,
    check_in: date | None = None,
    months: int = MONTHS_SHOWN,
) -> PriceCalendar:
    """``months`` months from ``first`` (a 1st) as Monday-first weeks, with the check-in days, or once
    ``check_in`` is given and can start a stay, the check-out days. ``horizon``: the last date a stay
    can start on. A ``check_in`` that cannot start a stay is ignored and its ``check_in_refusal`` said."""
    last = first
    for _month in range(months):
        last = month_end(last)
    days, refusal = _days(
        room_type=room_type, start=first, end=last, rooms=rooms, horizon=horizon, check_in=check_in
    )
    by_day = {day.night: day for day in days}
    shown = []
    month_first = first
    while month_first < last:
        end = month_end(month_first)
        month_days = [by_day[month_first + timedelta(days=n)] for n in range((end - month_first).days)]
        padded: list[PriceDay | None] = [None] * month_first.weekday() + list(month_days)
        padded += [None] * (-len(padded) % 7)
        shown.append(
            PriceMonth(
                first=month_first,
                weeks=[padded[i : i + 7] for i in range(0, len(padded), 7)],
                holidays=_month_holidays(month_days),
            )
        )
        month_first = end
    picking = check_in is not None and not refusal
    return PriceCalendar(
        room_type=room_type,
        months=shown,
        check_in=check_in if picking else None,
        check_in_refusal=refusal,
        rooms=rooms,
        departures=[day.night for day in days if day.departure],
    )
