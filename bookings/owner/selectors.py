"""Reads of the owner console. Everything starts from the owner, so another owner's homestays, rooms and
bookings are never reachable from here."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bookings.models import Booking, RoomNight
from bookings.selectors import bookings_for_owner, room_type_calendar
from bookings.sync.selectors import external_closed
from bookings.transitions import OWNER, actions_for
from common.clock import local_today
from villages.models import RoomType

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

Status = Booking.Status


def room_types_for_owner(*, owner) -> QuerySet[RoomType]:
    return RoomType.objects.filter(homestay__owner=owner).select_related("homestay__village")


@dataclass(frozen=True)
class Day:
    """One night of the owner's month view."""

    night: date
    rooms_total: int
    free: int
    booked: int
    held: int
    closed_by_owner: int
    closed_by_imports: int
    price: Decimal
    price_reason: "str | StrPromise"
    min_nights: int
    is_past: bool
    is_today: bool

    @property
    def closed(self) -> int:
        return self.closed_by_owner + self.closed_by_imports

    @property
    def price_short(self) -> str:
        """``¥200`` for whole yuan, ``¥199.50`` otherwise: fits a 360 px wide month."""
        whole = self.price == self.price.to_integral_value()
        return f"¥{self.price:.0f}" if whole else f"¥{self.price:.2f}"


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day | None]]  # Monday first; None pads the first and last weeks

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return self.first + timedelta(days=calendar.monthrange(self.first.year, self.first.month)[1])


def room_type_month(*, room_type: RoomType, first: date) -> Month:
    """Every night of the month starting ``first`` (a 1st): rooms free, booked, held (holds still
    running), closed by the owner and by imported calendars, and the price. "Today" is Beijing's."""
    end = first + timedelta(days=calendar.monthrange(first.year, first.month)[1])
    nights = room_type_calendar(room_type=room_type, start=first, end=end)
    booked = dict(
        RoomNight.objects.filter(room_type=room_type, night__gte=first, night__lt=end).values_list(
            "night", "rooms_booked"
        )
    )
    imported = external_closed(room_type=room_type, start=first, end=end)
    today = local_today()
    days = []
    for night in nights:
        by_imports = min(imported.get(night.night, 0), night.rooms_closed)
        rooms_booked = booked.get(night.night, 0)
        days.append(
            Day(
                night=night.night,
                rooms_total=night.rooms_total,
                free=night.rooms_free,
                booked=rooms_booked,
                held=night.rooms_total - night.rooms_free - night.rooms_closed - rooms_booked,
                closed_by_owner=night.rooms_closed - by_imports,
                closed_by_imports=by_imports,
                price=night.price.price,
                price_reason=night.price.reason.label,
                min_nights=night.min_nights,
                is_past=night.night < today,
                is_today=night.night == today,
            )
        )
    padded: list[Day | None] = [None] * first.weekday() + days
    padded += [None] * (-len(padded) % 7)
    return Month(first=first, weeks=[padded[i : i + 7] for i in range(0, len(padded), 7)])


FILTERS = ("upcoming", "requests", "in_house", "past", "all")
PAYABLE = (Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED)
FINISHED = (Status.COMPLETED, Status.CANCELLED, Status.EXPIRED, Status.NO_SHOW)


def awaiting_approval_q() -> Q:
    """Requests the owner must answer: held for approval (paid already, or paid at the homestay) and
    still within their answer time. ``Booking.awaiting_approval`` in SQL."""
    return Q(status=Status.HELD, needs_approval=True, hold_expires_at__gt=timezone.now()) & (
        Q(payment=Booking.Payment.AT_HOMESTAY) | Q(paid_at__isnull=False)
    )


def owner_bookings(*, owner, show: str) -> QuerySet[Booking]:
    """The owner's bookings for one tab of the list (``FILTERS``)."""
    bookings = bookings_for_owner(owner=owner)
    today = local_today()
    if show == "upcoming":
        return bookings.filter(status=Status.CONFIRMED, check_out__gt=today).order_by("check_in", "id")
    if show == "requests":
        return bookings.filter(awaiting_approval_q()).order_by("hold_expires_at", "id")
    if show == "in_house":
        return bookings.filter(status=Status.CHECKED_IN).order_by("check_out", "id")
    if show == "past":
        return bookings.filter(Q(status__in=FINISHED) | Q(check_out__lte=today)).order_by("-check_in", "-id")
    if show == "all":
        return bookings.order_by("-check_in", "-id")
    raise ValueError(f"unknown filter {show!r}")


@dataclass(frozen=True)
class Today:
    requests: int
    arrivals: int
    in_house: int


def owner_today(*, owner) -> Today:
    """Counts for the console's front page, in one query."""
    today = local_today()
    counts = (
        bookings_for_owner(owner=owner)
        .order_by()
        .aggregate(
            requests=Count("id", filter=awaiting_approval_q()),
            arrivals=Count("id", filter=Q(status=Status.CONFIRMED, check_in=today)),
            in_house=Count("id", filter=Q(status=Status.CHECKED_IN)),
        )
    )
    return Today(**counts)


def booking_actions(booking: Booking) -> set[str]:
    """What the owner can do with the booking now: exactly what the transition table, which the services
    enforce, allows an owner (``bookings.transitions``)."""
    return set(actions_for(booking, role=OWNER))
