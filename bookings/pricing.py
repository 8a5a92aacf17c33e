"""Nightly prices.

For each night (the date the guest goes to sleep), the first of these that applies:

1. ``RoomNight.price_override``: a price the owner set for that very night;
2. a ``PriceRule`` covering the night (the most recently created one where rules overlap);
3. by the *day after* the night, as Chinese platforms price (a night costs what the morning after is worth):
   a. the holiday price when the next day is a day off of a statutory holiday break (``HolidayDay`` kind
      holiday; the official calendar lists every day off of a break, weekend days inside it included, so
      the eve of National Day costs the holiday price and the break's last night, before work, does not);
      without a holiday price the weekend price, without that the base price;
   b. the base price when the next day is a make-up working day (调休 ``HolidayDay`` kind workday), even
      when it is a Saturday or a Sunday;
   c. the weekend price when the next day is a Saturday or a Sunday, i.e. on Friday and Saturday nights
      (base price if the room type has none);
   d. the base price.

So the calendar of the nights ``[start, end)`` is the ``HolidayDay`` rows of the days ``[start+1, end+1)``.
Years with no ``HolidayDay`` rows price as plain weekdays and weekends; provisional years (computed by rule,
see ``bookings.holidays``) price their statutory days off but know no bridge or make-up working day.
Staff override any date by editing its ``HolidayDay`` row, owners any night by its price.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bookings.models import HolidayDay, PriceRule, RoomNight
from common.money import CURRENCY, quantize
from villages.models import RoomType

WEEKEND_DAYS = {5, 6}  # the mornings after Friday and Saturday nights
ONE_DAY = timedelta(days=1)
MAX_QUOTED_NIGHTS = 366


class PriceReason(models.TextChoices):
    BASE = "base", _("平日价 Weekday price")
    WEEKEND = "weekend", _("周末价(次日周末) Weekend price (weekend the next day)")
    HOLIDAY = "holiday", _("节假日价(次日放假) Holiday price (a holiday the next day)")
    WORKDAY = "workday", _("平日价(次日调休上班) Weekday price (make-up working day the next day)")
    RULE = "rule", _("时段价格 Date-range price")
    OVERRIDE = "override", _("当晚价格 Price set for this night")


@dataclass(frozen=True)
class NightPrice:
    night: date
    price: Decimal
    reason: PriceReason


@dataclass(frozen=True)
class Quote:
    room_type_id: int
    check_in: date
    check_out: date
    rooms: int
    nights: tuple[NightPrice, ...]
    total: Decimal
    currency: str = CURRENCY

    @property
    def per_room(self) -> Decimal:
        return quantize(sum((night.price for night in self.nights), Decimal(0)))


def stay_nights(check_in: date, check_out: date) -> list[date]:
    return [check_in + timedelta(days=offset) for offset in range((check_out - check_in).days)]


def calendar_reason(night: date, day_kinds: dict[date, str]) -> PriceReason:
    """Why ``night`` costs what it does by the calendar: the kind of the day after it (``day_kinds`` holds
    the ``HolidayDay`` rows of the days after the nights, see ``calendar_days``)."""
    next_day = night + ONE_DAY
    kind = day_kinds.get(next_day)
    if kind == HolidayDay.Kind.HOLIDAY:
        return PriceReason.HOLIDAY
    if kind == HolidayDay.Kind.WORKDAY:
        return PriceReason.WORKDAY
    return PriceReason.WEEKEND if next_day.weekday() in WEEKEND_DAYS else PriceReason.BASE


def calendar_days(start: date, end: date) -> models.QuerySet[HolidayDay]:
    """The ``HolidayDay`` rows that price the nights ``[start, end)``: those of the days after them.

    A plain ``QuerySet``: modeltranslation's (``HolidayDay.objects``) rewrites ``values(one=Value(1))`` into
    a values() of every field, so ``columns``' aggregate was grouped by row and read only the first day of
    a stay.

    The days ``[start + 1, end + 1)`` written as ``(start, end]``: the query's parameters are then the
    stay's own dates, which the booking's compiled locked read (``common.compiled``) requires."""
    return models.QuerySet(HolidayDay).filter(date__gt=start, date__lte=end)


class Priced(Protocol):
    """What pricing reads of a room type: a ``RoomType`` or a lighter row with the same names."""

    @property
    def pk(self) -> int: ...
    @property
    def base_price(self) -> Decimal: ...
    @property
    def weekend_price(self) -> Decimal | None: ...
    @property
    def holiday_price(self) -> Decimal | None: ...


def list_price(room_type: Priced, reason: PriceReason) -> Decimal:
    if reason == PriceReason.HOLIDAY:
        return room_type.holiday_price or room_type.weekend_price or room_type.base_price
    if reason == PriceReason.WEEKEND:
        return room_type.weekend_price or room_type.base_price
    return room_type.base_price


@dataclass
class PriceBook:
    """What it takes to price any night in ``[start, end)`` for some room types: three queries.
    ``day_kinds`` is the calendar of the days after those nights."""

    day_kinds: dict[date, str]
    overrides: dict[tuple[int, date], Decimal] = field(default_factory=dict)
    rules: dict[int, list[tuple[date, date, Decimal]]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, room_type_ids: Iterable[int] | None, start: date, end: date) -> "PriceBook":
        """``room_type_ids=None`` loads every room type's overrides and rules in the range (they are
        few), cheaper than filtering by a long list of ids."""
        day_kinds = dict(calendar_days(start, end).values_list("date", "kind"))
        nights = RoomNight.objects.filter(night__gte=start, night__lt=end, price_override__isnull=False)
        price_rules = PriceRule.objects.filter(first_night__lt=end, last_night__gte=start)
        if room_type_ids is not None:
            nights = nights.filter(room_type_id__in=room_type_ids)
            price_rules = price_rules.filter(room_type_id__in=room_type_ids)
        overrides = {
            (room_type_id, night): price
            for room_type_id, night, price in nights.order_by().values_list(
                "room_type_id", "night", "price_override"
            )
            if price is not None
        }
        rules = defaultdict(list)
        for room_type_id, first, last, price in price_rules.order_by("-id").values_list(
            "room_type_id", "first_night", "last_night", "price"
        ):
            rules[room_type_id].append((first, last, price))
        return cls(day_kinds=day_kinds, overrides=overrides, rules=dict(rules))

    @classmethod
    def columns(cls, *, start: date, end: date) -> dict[str, Subquery]:
        """Annotations for a ``RoomType`` query that bring what ``from_columns`` needs (the calendar days
        after the nights ``[start, end)`` and the room type's rules over those nights, each as one text), so
        a booking reads them with the room type, in the same query, instead of two more."""

        def text(*names: str) -> Concat:
            parts: list = []
            for name in names:
                parts += [Cast(name, CharField()), Value("|")]
            return Concat(*parts[:-1])

        days = calendar_days(start, end).order_by().values(one=Value(1))
        rules = PriceRule.objects.filter(room_type=OuterRef("pk"), first_night__lt=end, last_night__gte=start)
        return {
            "book_days": Subquery(
                days.annotate(text=StringAgg(text("date", "kind"), Value(";"))).values("text")[:1]
            ),
            "book_rules": Subquery(
                rules.order_by()
                .values("room_type")
                .annotate(text=StringAgg(text("id", "first_night", "last_night", "price"), Value(";")))
                .values("text")[:1]
            ),
        }

    @classmethod
    def from_columns(cls, room_type, overrides: dict[date, Decimal | None]) -> "PriceBook":
        """The price book of one room type from the annotations of ``columns`` and its nights' overrides."""
        day_kinds = {}
        for item in filter(None, (room_type.book_days or "").split(";")):
            day, kind = item.split("|")
            day_kinds[date.fromisoformat(day)] = kind
        rows = [item.split("|") for item in filter(None, (room_type.book_rules or "").split(";"))]
        rules = [
            (date.fromisoformat(first), date.fromisoformat(last), quantize(Decimal(price)))
            for _id, first, last, price in sorted(rows, key=lambda row: -int(row[0]))  # newest first
        ]
        return cls(
            day_kinds=day_kinds,
            overrides={
                (room_type.pk, night): price for night, price in overrides.items() if price is not None
            },
            rules={room_type.pk: rules} if rules else {},
        )

    def night(self, room_type: Priced, night: date) -> NightPrice:
        override = self.overrides.get((room_type.pk, night))
        if override is not None:
            return NightPrice(night, override, PriceReason.OVERRIDE)
        for first, last, price in self.rules.get(room_type.pk, ()):
            if first <= night <= last:
                return NightPrice(night, price, PriceReason.RULE)
        reason = calendar_reason(night, self.day_kinds)
        return NightPrice(night, list_price(room_type, reason), reason)

    def stay(self, room_type: Priced, nights: list[date]) -> list[NightPrice]:
        return [self.night(room_type, night) for night in nights]

    def stay_total(self, room_type: Priced, reasons: list[tuple[date, PriceReason]]) -> Decimal:
        """Price of one room for the nights given with their calendar reasons (computed once per search)."""
        key = room_type.pk
        if key not in self.rules and not any((key, night) in self.overrides for night, _reason in reasons):
            return sum((list_price(room_type, reason) for _night, reason in reasons), Decimal(0))
        return sum((self.night(room_type, night).price for night, _reason in reasons), Decimal(0))


def validate_stay_dates(check_in: date, check_out: date) -> list[date]:
    if check_out <= check_in:
        raise ValidationError(
            gettext("退房日期必须晚于入住日期 Check-out must be after check-in"), code="dates_order"
        )
    if (check_out - check_in).days > MAX_QUOTED_NIGHTS:
        raise ValidationError(
            gettext("一次最多预订%(n)s晚 At most %(n)s nights at a time") % {"n": MAX_QUOTED_NIGHTS},
            code="too_long",
        )
    return stay_nights(check_in, check_out)


def quote(*, room_type: RoomType, check_in: date, check_out: date, rooms: int = 1) -> Quote:
    """Every night's price and why, and the total for ``rooms`` rooms. Stay rules are not checked here
    (see ``bookings.rules.stay_validate``); the dates must be in order."""
    nights = validate_stay_dates(check_in, check_out)
    if rooms < 1:
        raise ValidationError(gettext("至少预订1间房 Book at least one room"), code="rooms")
    book = PriceBook.load(room_type_ids=[room_type.pk], start=check_in, end=check_out)
    return quote_from(book, room_type=room_type, nights=nights, rooms=rooms)


def quote_from(book: PriceBook, *, room_type: Priced, nights: list[date], rooms: int) -> Quote:
    """The quote of ``nights`` (in order, at least one) for ``rooms`` rooms from a loaded price book."""
    check_in, check_out = nights[0], nights[-1] + timedelta(days=1)
    priced = tuple(book.stay(room_type, nights))
    per_room = sum((night.price for night in priced), Decimal(0))
    return Quote(
        room_type_id=room_type.pk,
        check_in=check_in,
        check_out=check_out,
        rooms=rooms,
        nights=priced,
        total=quantize(per_room * rooms),
    )
