"""What a traveller asks for (``TripRequest``) and what the planner answers (``TripPlan``)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import urlencode

from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.selectors import HomestayOffer
from tourism.planner.events import EventPlace
from tourism.planner.places import POINT, Place
from tourism.planner.solver import Reason
from tourism.planner.travel import Mode
from villages.models import Attraction, Village
from villages.selectors import DayHours


class TravelMode(models.TextChoices):
    CAR = Mode.CAR, _("自驾")
    BIKE = Mode.BIKE, _("骑行")
    WALK = Mode.WALK, _("步行")


class Pace(models.TextChoices):
    RELAXED = "relaxed", _("悠闲")
    NORMAL = "normal", _("适中")
    PACKED = "packed", _("紧凑")


PACE_VISIT_FACTOR = {Pace.RELAXED: Decimal("1.3"), Pace.NORMAL: Decimal("1"), Pace.PACKED: Decimal("0.75")}
VILLAGE_VISIT_MINUTES = 60
"""A walk through a village chosen as a whole."""


@dataclass(frozen=True)
class TripStop:
    """An attraction, a village seen as a whole (a walk through it, open all day), or an event's time
    slot (``tourism.planner.events.EventPlace``: only on its day, during the slot)."""

    place: Attraction | Village | EventPlace
    must: bool
    visit_minutes: int

    @property
    def is_village(self) -> bool:
        return isinstance(self.place, Village)

    @property
    def is_event(self) -> bool:
        return not isinstance(self.place, Attraction | Village)

    @property
    def kind(self) -> str:
        return "village" if self.is_village else "event" if self.is_event else "attraction"

    @property
    def village(self) -> Village:
        return self.place if isinstance(self.place, Village) else self.place.village

    @property
    def coordinates(self) -> tuple[float, float]:
        return self.place.coordinates


@dataclass(frozen=True)
class Choices:
    """What the traveller ticked, as ids and slugs: the stops come from these."""

    attractions: tuple[int, ...] = ()
    must_attractions: tuple[int, ...] = ()
    villages: tuple[str, ...] = ()
    must_villages: tuple[str, ...] = ()
    routes: tuple[int, ...] = ()
    event_slots: tuple[int, ...] = ()

    def params(self) -> list[tuple[str, str]]:
        return [
            *(("attraction", str(pk)) for pk in self.attractions),
            *(("must_attraction", str(pk)) for pk in self.must_attractions),
            *(("village", slug) for slug in self.villages),
            *(("must_village", slug) for slug in self.must_villages),
            *(("route", str(pk)) for pk in self.routes),
            *(("event_slot", str(pk)) for pk in self.event_slots),
        ]


@dataclass(frozen=True)
class TripRequest:
    start: Place
    choices: Choices
    stops: tuple[TripStop, ...]
    first_day: date
    days: int
    day_start: time
    day_end: time
    mode: str = TravelMode.CAR
    pace: str = Pace.NORMAL
    guests: int = 2
    rooms: int = 1
    return_to_start: bool = False

    def query(self) -> str:
        """The page's query string that asks for this trip again: the address to share."""
        params: list[tuple[str, str]] = [("start", self.start.code)]
        if self.start.code == POINT:
            params += [("lat", str(self.start.latitude)), ("lng", str(self.start.longitude))]
        params += self.choices.params()
        params += [
            ("date", self.first_day.isoformat()),
            ("days", str(self.days)),
            ("day_start", self.day_start.strftime("%H:%M")),
            ("day_end", self.day_end.strftime("%H:%M")),
            ("mode", str(self.mode)),
            ("pace", str(self.pace)),
            ("guests", str(self.guests)),
            ("rooms", str(self.rooms)),
        ]
        if self.return_to_start:
            params.append(("back", "1"))
        return urlencode(params)


@dataclass(frozen=True)
class Leg:
    km: Decimal
    minutes: int


@dataclass(frozen=True)
class PlannedStop:
    stop: TripStop
    leg: Leg
    """From the previous stop, or from where the day starts."""
    arrival: datetime
    start: datetime
    departure: datetime
    hours: DayHours | None
    """The attraction's opening hours that day; None for a village."""

    @property
    def wait_minutes(self) -> int:
        return int((self.start - self.arrival).total_seconds() // 60)


@dataclass
class Stay:
    """Consecutive nights near the same village, with the homestays free for all of them."""

    check_in: date
    check_out: date
    near: str
    """What the traveller is near at the end of the day (the last stop, or the start point)."""
    village: Village | None
    distance_km: Decimal | None
    homestays: list[HomestayOffer] = field(default_factory=list)
    nearest_full: Village | None = None
    """The nearest village when it had nothing free and another one is suggested instead."""
    booking_query: str = ""
    """``check_in=...&check_out=...&guests=...&rooms=...`` for the homestay pages."""

    @property
    def nights(self) -> int:
        return (self.check_out - self.check_in).days


@dataclass
class DayPlan:
    number: int
    date: date
    starts_from: str
    starts_at: datetime
    stops: list[PlannedStop]
    back: Leg | None = None
    back_arrival: datetime | None = None
    stay: Stay | None = None

    @property
    def km(self) -> Decimal:
        legs = [stop.leg for stop in self.stops] + ([self.back] if self.back else [])
        return sum((leg.km for leg in legs), Decimal("0.0"))

    @property
    def travel_minutes(self) -> int:
        return sum(stop.leg.minutes for stop in self.stops) + (self.back.minutes if self.back else 0)


@dataclass(frozen=True)
class DroppedStop:
    stop: TripStop
    reason: Reason

    @property
    def message(self) -> str:
        return str(REASON_MESSAGES[self.reason])


REASON_MESSAGES = {
    Reason.CLOSED: _("行程各天均不开放"),
    Reason.HOURS: _("开放时间内放不下建议的游览时长（按您每天的出发和结束时间）"),
    Reason.LONGER_THAN_DAY: _("游览时间比一天还长：到达后当天剩下的时间不够游览完"),
    Reason.TOO_FAR: _("太远：即使只去这一处，一天之内也到不了并游览完"),
    Reason.NO_TIME: _("时间不够：排不进其他（优先的）景点之后的行程"),
}


@dataclass
class TripPlan:
    request: TripRequest
    days: list[DayPlan]
    dropped: list[DroppedStop]
    stays: list[Stay]
    travel_source: str
    travel_estimated: bool
    exact: bool

    @property
    def km(self) -> Decimal:
        return sum((day.km for day in self.days), Decimal("0.0"))

    @property
    def travel_minutes(self) -> int:
        return sum(day.travel_minutes for day in self.days)

    @property
    def visit_count(self) -> int:
        return sum(len(day.stops) for day in self.days)

    @property
    def dropped_musts(self) -> list[DroppedStop]:
        return [dropped for dropped in self.dropped if dropped.stop.must]
