"""Reads shared by pages and the API. Availability counts rooms held by bookings whose hold is over as
free, whether or not ``expire_holds`` has run. Every read here costs a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from bookings.activity import BookingEvent
from bookings.guests import mask_document_number
from bookings.models import Booking, BookingNight, HolidayDay, RoomNight
from bookings.pricing import NightPrice, PriceBook, calendar_reason, validate_stay_dates
from bookings.rules import validate_party
from common.clock import local_now, local_today
from common.money import quantize
from villages.models import Homestay, RoomType, Village

SORTS = ("price", "-price", "recommended", "rating")
FREE_ROOMS = F("rooms_total") - F("rooms_booked") - F("rooms_held") - F("rooms_closed")


class Rates(NamedTuple):
    """A room type's numbers for availability, prices and sorting, read without building objects."""

    pk: int
    homestay_id: int
    homestay_order: int
    room_count: int
    min_nights: int
    base_price: Decimal
    weekend_price: Decimal | None
    holiday_price: Decimal | None


RATE_COLUMNS = ("pk", "homestay_id", "homestay__order", *Rates._fields[3:])


class Priced(NamedTuple):
    rates: Rates
    total: Decimal
    per_night: Decimal
    rooms_free: int


@dataclass(frozen=True)
class RoomOffer:
    room_type: RoomType
    total: Decimal  # the whole stay, all rooms
    per_night: Decimal  # average per room and night
    rooms_free: int


@dataclass
class HomestayOffer:
    homestay: Homestay
    offers: list[RoomOffer] = field(default_factory=list)

    @property
    def price_from(self) -> Decimal:
        return min(offer.total for offer in self.offers)


@dataclass(frozen=True)
class CalendarNight:
    night: date
    rooms_total: int
    rooms_free: int
    rooms_closed: int
    price: NightPrice
    min_nights: int


def _expired_held(start: date, end: date, now: datetime) -> dict[tuple[int, date], int]:
    """Rooms still counted as held on each (room type, night) by bookings whose hold is over."""
    rows = (
        BookingNight.objects.filter(
            night__gte=start,
            night__lt=end,
            booking__status=Booking.Status.HELD,
            booking__hold_expires_at__lte=now,
        )
        .values("room_type_id", "night")
        .annotate(rooms=Sum("rooms"))
        .order_by()
    )
    return {(row["room_type_id"], row["night"]): row["rooms"] for row in rows}


def _free_rooms(room_types: dict[int, Rates], nights: list[date], now: datetime) -> tuple[dict, dict]:
    """Fewest free rooms over the nights and the arrival night's minimum stay, per room type."""
    start, end = nights[0], nights[-1] + timedelta(days=1)
    aggregates = (
        RoomNight.objects.filter(night__gte=start, night__lt=end)
        .values("room_type_id")
        .annotate(
            present=Count("id"),
            free=Min(FREE_ROOMS),
            arrival_min_nights=Max("min_nights_override", filter=Q(night=start)),
        )
        .order_by()
    )
    free, min_nights = {}, {}
    for row in aggregates:
        room_type = room_types.get(row["room_type_id"])
        if room_type is None:
            continue
        missing_nights = row["present"] < len(nights)
        free[room_type.pk] = min(row["free"], room_type.room_count) if missing_nights else row["free"]
        min_nights[room_type.pk] = row["arrival_min_nights"]
    expired = _expired_held(start, end, now)
    affected = {room_type_id for room_type_id, _night in expired if room_type_id in room_types}
    if affected:
        per_night: defaultdict[int, dict[date, int]] = defaultdict(dict)
        for room_type_id, night, rooms_free in (
            RoomNight.objects.filter(room_type_id__in=affected, night__gte=start, night__lt=end)
            .order_by()
            .values_list("room_type_id", "night", FREE_ROOMS)
        ):
            per_night[room_type_id][night] = rooms_free + expired.get((room_type_id, night), 0)
        for room_type_id in affected:
            counted = per_night[room_type_id]
            free[room_type_id] = min(
                counted.get(night, room_types[room_type_id].room_count) for night in nights
            )
    return free, min_nights


def _candidates(
    *,
    guests: int,
    rooms: int,
    nights: int,
    check_in: date,
    now: datetime,
    village: str | None,
    theme: str | None,
) -> QuerySet[RoomType]:
    lead_days = (check_in - now.date()).days
    room_types = RoomType.objects.filter(
        is_active=True,
        homestay__is_published=True,
        homestay__village__is_published=True,
        room_count__gte=rooms,
        capacity__gte=-(-guests // rooms),
        max_nights__gte=nights,
        booking_window_days__gte=lead_days,
    )
    if lead_days == 0:
        room_types = room_types.filter(same_day_cutoff__gt=now.time())
    if village:
        room_types = room_types.filter(homestay__village__slug=village)
    if theme:
        room_types = room_types.filter(homestay__village__themes__slug=theme)
    return room_types.order_by()


def homestays_available(
    *,
    check_in: date,
    check_out: date,
    guests: int,
    rooms: int = 1,
    village: str | None = None,
    theme: str | None = None,
    max_price: Decimal | None = None,
    sort: str = "price",
    limit: int | None = None,
) -> list[HomestayOffer]:
    """Published homestays with the room types free for every night of ``[check_in, check_out)`` for
    ``rooms`` rooms and ``guests`` guests, within every stay rule, with their price.

    ``village`` and ``theme`` are slugs. ``max_price`` caps the average price per room and night.
    ``sort``: ``price`` (cheapest first), ``-price``, ``recommended`` (the catalogue's order) or
    ``rating`` (best average of the visible reviews first, then more reviews, then cheaper; unrated last).
    ``limit``: only the first so many homestays (a page; ask for one more to know if there is a next).
    Raises ``ValidationError`` for impossible searches (dates out of order or in the past, no guests).
    """
    validate_party(guests=guests, rooms=rooms)
    nights = validate_stay_dates(check_in, check_out)
    now = local_now()
    if check_in < now.date():
        raise ValidationError(_("不能预订已过去的日期 Dates in the past cannot be booked"), code="past")
    if sort not in SORTS:
        raise ValidationError(_("不支持的排序方式 Unknown sort order"), code="sort")
    candidates = _candidates(
        guests=guests,
        rooms=rooms,
        nights=len(nights),
        check_in=check_in,
        now=now,
        village=village,
        theme=theme,
    )
    rates = {row.pk: row for row in map(Rates._make, candidates.values_list(*RATE_COLUMNS))}
    if not rates:
        return []
    free, arrival_min_nights = _free_rooms(rates, nights, now)
    book = PriceBook.load(room_type_ids=None, start=check_in, end=check_out)
    reasons = [(night, calendar_reason(night, book.day_kinds)) for night in nights]
    by_homestay: dict[int, list[Priced]] = defaultdict(list)
    for room_type in rates.values():
        min_nights = arrival_min_nights.get(room_type.pk) or room_type.min_nights
        rooms_free = free.get(room_type.pk, room_type.room_count)
        if rooms_free < rooms or len(nights) < min_nights:
            continue
        per_room = book.stay_total(room_type, reasons)
        if max_price is None or per_room <= max_price * len(nights):
            total, per_night = quantize(per_room * rooms), quantize(per_room / len(nights))
            by_homestay[room_type.homestay_id].append(Priced(room_type, total, per_night, rooms_free))
    return _offers(by_homestay, _sorted_homestays(by_homestay, sort)[:limit])


def _sorted_homestays(by_homestay: dict[int, list[Priced]], sort: str) -> list[int]:
    if sort == "recommended":
        return sorted(
            by_homestay,
            key=lambda homestay_id: (by_homestay[homestay_id][0].rates.homestay_order, homestay_id),
        )
    cheapest = {
        homestay_id: min(priced.total for priced in offers) for homestay_id, offers in by_homestay.items()
    }
    if sort == "rating":
        ratings = {
            pk: (average is None, -(average or 0), -count)
            for pk, average, count in Homestay.objects.filter(pk__in=list(by_homestay)).values_list(
                "pk", "rating_average", "review_count"
            )
        }
        return sorted(
            cheapest, key=lambda homestay_id: (*ratings[homestay_id], cheapest[homestay_id], homestay_id)
        )
    return sorted(
        cheapest, key=lambda homestay_id: (cheapest[homestay_id], homestay_id), reverse=sort == "-price"
    )


def _offers(by_homestay: dict[int, list[Priced]], homestay_ids: list[int]) -> list[HomestayOffer]:
    """Build the objects of the homestays shown, in three queries (``select_related`` from every room
    type would build the same homestay and village over and over)."""
    room_types = RoomType.objects.order_by().in_bulk(
        [p.rates.pk for h in homestay_ids for p in by_homestay[h]]
    )
    homestays = Homestay.objects.order_by().prefetch_related("photos").in_bulk(homestay_ids)
    villages = Village.objects.order_by().in_bulk({homestay.village_id for homestay in homestays.values()})
    results = []
    for homestay_id in homestay_ids:
        homestay = homestays[homestay_id]
        homestay.village = villages[homestay.village_id]
        offers = []
        for priced in by_homestay[homestay_id]:
            room_type = room_types[priced.rates.pk]
            room_type.homestay = homestay
            offers.append(RoomOffer(room_type, priced.total, priced.per_night, priced.rooms_free))
        offers.sort(key=lambda offer: (offer.total, offer.room_type.order, offer.room_type.pk))
        results.append(HomestayOffer(homestay, offers))
    return results


def room_type_calendar(*, room_type: RoomType, start: date, end: date) -> list[CalendarNight]:
    """Each night of ``[start, end)``: rooms, free rooms, price (with why) and minimum stay on arrival."""
    nights = validate_stay_dates(start, end)
    rows = {
        row.night: row
        for row in RoomNight.objects.filter(room_type=room_type, night__gte=start, night__lt=end)
    }
    expired = _expired_held(start, end, local_now())
    book = PriceBook.load(room_type_ids=[room_type.pk], start=start, end=end)
    calendar = []
    for night in nights:
        row = rows.get(night)
        expired_rooms = expired.get((room_type.pk, night), 0)
        calendar.append(
            CalendarNight(
                night=night,
                rooms_total=row.rooms_total if row else room_type.room_count,
                rooms_free=row.rooms_free + expired_rooms if row else room_type.room_count,
                rooms_closed=row.rooms_closed if row else 0,
                price=book.night(room_type, night),
                min_nights=(row.min_nights_override if row else None) or room_type.min_nights,
            )
        )
    return calendar


def holiday_years_missing() -> list[int]:
    """This year and next, if the holiday calendar has no day in them (to be filled in by staff)."""
    this_year = local_today().year
    years = [this_year, this_year + 1]
    known = {
        day.year
        for day in HolidayDay.objects.filter(
            date__gte=date(this_year, 1, 1), date__lt=date(this_year + 2, 1, 1)
        ).dates("date", "year")
    }
    return [year for year in years if year not in known]


def holiday_years_provisional() -> list[int]:
    """Years whose holiday calendar is still provisional (computed by rule, make-up working days unknown),
    for staff to check once the State Council publishes them."""
    return [day.year for day in HolidayDay.objects.filter(provisional=True).dates("date", "year")]


def booking_detail(*, reference: str) -> Booking:
    """One booking with its nights and registered guests; raises ``Booking.DoesNotExist``."""
    return (
        Booking.objects.select_related("homestay__village", "room_type", "user")
        .prefetch_related("booked_nights", "registered_guests", "homestay__photos")
        .get(reference=reference.strip().upper())
    )


def bookings_for_user(*, user) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(user=user)
        .select_related("homestay__village", "room_type")
        .prefetch_related("homestay__photos")
    )


def bookings_for_owner(*, owner, status: str | None = None) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(homestay__owner=owner).select_related("homestay", "room_type")
    if status:
        bookings = bookings.filter(status=status)
    return bookings.order_by("check_in", "id")


@dataclass(frozen=True)
class MaskedGuest:
    name: str
    document_type: str
    document_type_label: str
    document_number_masked: str
    is_lead: bool


def guests_masked(*, booking: Booking) -> list[MaskedGuest]:
    """Registered guests with masked document numbers: for every screen but the owner's check-in."""
    return [
        MaskedGuest(
            name=guest.name,
            document_type=guest.document_type,
            document_type_label=guest.get_document_type_display(),
            document_number_masked=mask_document_number(guest.document_number),
            is_lead=guest.is_lead,
        )
        for guest in booking.registered_guests.all()
    ]


def booking_events(*, booking: Booking) -> QuerySet[BookingEvent]:
    """The booking's activity log, oldest first (the owner's page shows all of it, the guest's page the
    events a guest should see: ``BookingEvent.guest_visible``)."""
    return BookingEvent.objects.filter(booking=booking).order_by("created_at", "id")
