"""POST /api/trips/plan: the trip planner for the mini-program and other clients; GET
/api/trips/event-slots: the events' time slots it can take as stops (the page's "活动" choices: the next
60 days' slots of published events in published villages), each visited on its day during the slot.

The body is checked by the same form as the page, so both refuse the same things: bad input answers
422 with one entry per problem (``loc``, ``msg`` in Chinese and English, ``type`` a stable code).
"""

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from ninja import Field, Router, Schema, Status

from common.money import CURRENCY
from tourism.planner.events import event_slots_to_pick
from tourism.planner.forms import TripForm
from tourism.planner.places import POINT
from tourism.planner.services import trip_plan
from tourism.planner.trip import REASON_MESSAGES, DroppedStop, Pace, PlannedStop, Stay, TravelMode, TripPlan
from villages.api.fields import ErrorOut, Text, ValidationErrorOut, bilingual, money

router = Router(tags=["trips 行程"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
BEIJING = ZoneInfo("Asia/Shanghai")  # times are shown in Beijing time, as the plan's


class StartIn(Schema):
    preset: Literal["station", "airport", "centre"] | None = Field(
        None, description="吕梁站 station, 吕梁大武机场 airport, 离石城区 centre; or give lat/lng"
    )
    lat: float | None = Field(None, description="纬度 WGS-84, inside Lüliang")
    lng: float | None = Field(None, description="经度 WGS-84, inside Lüliang")


class StopIn(Schema):
    attraction: int | None = Field(None, description="景点编号 attraction id (or give village)")
    village: str | None = Field(
        None, pattern=SLUG_PATTERN, max_length=50, description="村庄标识 village slug"
    )
    must: bool = Field(False, description="必去 must see")


class TripIn(Schema):
    start: StartIn
    stops: list[StopIn] = Field(default_factory=list, max_length=200)
    routes: list[int] = Field(default_factory=list, max_length=50, description="精品线路编号 route ids")
    event_slots: list[int] = Field(
        default_factory=list,
        max_length=50,
        description="活动场次编号 event time-slot ids (GET /api/trips/event-slots), on a day of the trip",
    )
    date: dt.date = Field(description="第一天 first day (Beijing time), not in the past")
    days: int = Field(1, description="天数 number of days")
    day_start: dt.time = Field(dt.time(8), description="每天出发 daily start")
    day_end: dt.time = Field(dt.time(18), description="每天结束 daily end")
    mode: TravelMode = TravelMode.CAR
    pace: Pace = Pace.NORMAL
    guests: int = 2
    rooms: int = 1
    return_to_start: bool = False


class LegOut(Schema):
    km: float
    minutes: int


class HoursOut(Schema):
    opens: str
    closes: str
    note: str


class PlannedStopOut(Schema):
    kind: Literal["attraction", "village", "event"]
    id: int
    slug: str
    name: Text
    village: Text
    url: str
    lat: float
    lng: float
    must: bool
    visit_minutes: int
    leg: LegOut
    arrival: dt.datetime
    start: dt.datetime
    departure: dt.datetime
    wait_minutes: int
    hours: HoursOut | None


class SuggestedHomestayOut(Schema):
    id: int
    name: Text
    url: str
    booking_url: str
    total_from: str = Field(description="整个住宿最低总价 cheapest total for the stay, all rooms")
    per_night_from: str
    currency: Literal["CNY"]


class StayOut(Schema):
    check_in: dt.date
    check_out: dt.date
    nights: int
    near: str
    village: str | None = Field(description="村庄标识 village slug")
    village_name: Text | None
    distance_km: float | None
    nearest_full: str | None = Field(
        description="最近但已满的村庄 nearest village, full: another is suggested"
    )
    homestays: list[SuggestedHomestayOut]


class DayOut(Schema):
    number: int
    date: dt.date
    starts_from: str
    starts_at: dt.datetime
    stops: list[PlannedStopOut]
    back: LegOut | None
    back_arrival: dt.datetime | None
    km: float
    travel_minutes: int
    stay_check_in: dt.date | None = Field(description="今晚住宿 the stay (by check-in) this night belongs to")


class DroppedOut(Schema):
    kind: Literal["attraction", "village", "event"]
    id: int
    slug: str
    name: Text
    must: bool
    reason: Literal["closed", "hours", "longer_than_day", "too_far", "no_time"]
    message: Text


class EventSlotOut(Schema):
    id: int = Field(description="场次编号 slot id, for ``event_slots``")
    event: int
    slug: str
    title: Text
    village: str = Field(description="村庄标识 village slug")
    village_name: Text
    starts_at: dt.datetime
    ends_at: dt.datetime
    places_left: int
    price: str = Field(description="每人价格 price per person, CNY; 0.00 is free registration")
    currency: Literal["CNY"]
    lat: float
    lng: float
    url: str


class TotalsOut(Schema):
    stops: int
    km: float
    travel_minutes: int


class TravelOut(Schema):
    source: Literal["geodesic", "osrm"]
    estimated: bool = Field(description="道路服务不可用，时间为估算 road service failed: times are estimates")


class PlanOut(Schema):
    days: list[DayOut]
    dropped: list[DroppedOut]
    stays: list[StayOut]
    totals: TotalsOut
    travel: TravelOut
    exact: bool = Field(description="已证明最优 provably optimal (small trips)")
    share_url: str
    ics_url: str


def _both(message, params: dict | None = None) -> dict[str, str]:
    texts = {}
    for key, language in (("zh", "zh-hans"), ("en", "en")):
        with translation.override(language):
            texts[key] = str(message) % params if params else str(message)
    return texts


def _form_data(payload: TripIn) -> MultiValueDict[str, str]:
    data: MultiValueDict[str, str] = MultiValueDict()
    if payload.start.preset:
        data["start"] = payload.start.preset
    else:
        data["start"] = POINT
        for key in ("lat", "lng"):
            value = getattr(payload.start, key)
            if value is not None:
                data[key] = str(value)
    for stop in payload.stops:
        prefix = "must_" if stop.must else ""
        if stop.attraction is not None:
            data.appendlist(f"{prefix}attraction", str(stop.attraction))
        if stop.village is not None:
            data.appendlist(f"{prefix}village", stop.village)
    data.setlist("route", [str(route) for route in payload.routes])
    data.setlist("event_slot", [str(slot) for slot in payload.event_slots])
    data.update(
        {
            "date": payload.date.isoformat(),
            "days": str(payload.days),
            "day_start": payload.day_start.strftime("%H:%M"),
            "day_end": payload.day_end.strftime("%H:%M"),
            "mode": payload.mode,
            "pace": payload.pace,
            "guests": str(payload.guests),
            "rooms": str(payload.rooms),
        }
    )
    if payload.return_to_start:
        data["back"] = "on"
    return data


def _stop_problems(payload: TripIn) -> list[dict]:
    return [
        {
            "loc": ["body", "payload", "stops", index],
            "msg": "每一站是一个景点或一个村庄 / Each stop is an attraction or a village",
            "type": "stop",
        }
        for index, stop in enumerate(payload.stops)
        if (stop.attraction is None) == (stop.village is None)
    ]


def _form_problems(form: TripForm) -> list[dict]:
    problems = []
    for name, errors in form.errors.as_data().items():
        for error in errors:
            both = _both(error.message, error.params)
            text = both["zh"] if both["en"] == both["zh"] else f"{both['zh']} / {both['en']}"
            problems.append({"loc": ["body", "payload", name], "msg": text, "type": error.code or "invalid"})
    return problems


def _hours(planned: PlannedStop) -> dict | None:
    hours = planned.hours
    if hours is None or not hours.is_open:
        return None
    return {"opens": f"{hours.opens:%H:%M}", "closes": f"{hours.closes:%H:%M}", "note": hours.note}


def _place(stop) -> dict:
    place = stop.place
    with translation.override(settings.LANGUAGE_CODE):
        url = place.get_absolute_url()
    return {
        "kind": stop.kind,
        "id": place.pk,
        "slug": place.slug,
        "name": bilingual(place, "name"),
        "must": stop.must,
        "url": url,
    }


def _stop(planned: PlannedStop) -> dict:
    stop = planned.stop
    return {
        **_place(stop),
        "village": bilingual(stop.village, "name"),
        "lat": float(stop.place.latitude),
        "lng": float(stop.place.longitude),
        "visit_minutes": stop.visit_minutes,
        "leg": {"km": float(planned.leg.km), "minutes": planned.leg.minutes},
        "arrival": planned.arrival,
        "start": planned.start,
        "departure": planned.departure,
        "wait_minutes": planned.wait_minutes,
        "hours": _hours(planned),
    }


def _stay(stay: Stay) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        homestays = [
            {
                "id": offer.homestay.pk,
                "name": bilingual(offer.homestay, "name"),
                "url": offer.homestay.get_absolute_url(),
                "booking_url": f"{offer.homestay.get_absolute_url()}?{stay.booking_query}",
                "total_from": money(offer.price_from),
                "per_night_from": money(min(room.per_night for room in offer.offers)),
                "currency": CURRENCY,
            }
            for offer in stay.homestays
        ]
    return {
        "check_in": stay.check_in,
        "check_out": stay.check_out,
        "nights": stay.nights,
        "near": stay.near,
        "village": stay.village.slug if stay.village else None,
        "village_name": bilingual(stay.village, "name") if stay.village else None,
        "distance_km": float(stay.distance_km) if stay.distance_km is not None else None,
        "nearest_full": stay.nearest_full.slug if stay.nearest_full else None,
        "homestays": homestays,
    }


def _dropped(dropped: DroppedStop) -> dict:
    return {
        **_place(dropped.stop),
        "reason": dropped.reason,
        "message": _both(REASON_MESSAGES[dropped.reason]),
    }


def plan_out(plan: TripPlan) -> dict:
    query = plan.request.query()
    with translation.override(settings.LANGUAGE_CODE):
        share_url, ics_url = f"{reverse('planner:plan')}?{query}", f"{reverse('planner:plan_ics')}?{query}"
    return {
        "days": [
            {
                "number": day.number,
                "date": day.date,
                "starts_from": day.starts_from,
                "starts_at": day.starts_at,
                "stops": [_stop(planned) for planned in day.stops],
                "back": {"km": float(day.back.km), "minutes": day.back.minutes} if day.back else None,
                "back_arrival": day.back_arrival,
                "km": float(day.km),
                "travel_minutes": day.travel_minutes,
                "stay_check_in": day.stay.check_in if day.stay else None,
            }
            for day in plan.days
        ],
        "dropped": [_dropped(dropped) for dropped in plan.dropped],
        "stays": [_stay(stay) for stay in plan.stays],
        "totals": {"stops": plan.visit_count, "km": float(plan.km), "travel_minutes": plan.travel_minutes},
        "travel": {"source": plan.travel_source, "estimated": plan.travel_estimated},
        "exact": plan.exact,
        "share_url": share_url,
        "ics_url": ics_url,
    }


def _event_slot(slot) -> dict:
    event = slot.event
    with translation.override(settings.LANGUAGE_CODE):
        url = event.get_absolute_url()
    return {
        "id": slot.pk,
        "event": event.pk,
        "slug": event.slug,
        "title": bilingual(event, "title"),
        "village": event.village.slug,
        "village_name": bilingual(event.village, "name"),
        "starts_at": timezone.localtime(slot.starts_at, BEIJING),
        "ends_at": timezone.localtime(slot.ends_at, BEIJING),
        "places_left": slot.places_left,
        "price": money(slot.price),
        "currency": CURRENCY,
        "lat": float(event.latitude),
        "lng": float(event.longitude),
        "url": url,
    }


@router.get(
    "/trips/event-slots",
    response=list[EventSlotOut],
    summary="可加入行程的活动场次 Event time slots the planner can take",
    description="The time slots of published events in the next 60 days that have not started, soonest "
    "first. Pass their ids as ``event_slots`` to POST /api/trips/plan: each is visited on its own day, "
    "during the slot, at the event's place; one outside the trip's dates is 422 (``not_on_trip``).",
)
def trip_event_slots(request):
    return [_event_slot(slot) for slot in event_slots_to_pick()]


@router.post(
    "/trips/plan",
    response={200: PlanOut, 400: ErrorOut, 422: ValidationErrorOut},
    summary="规划行程 Plan a multi-day trip",
    description="Orders the stops over the days within their opening hours on those dates, suggests the "
    "homestays free for the nights and lists what did not fit with the reason. Bad input (no stops, "
    "unknown ids, too many days, start after end, a start point outside Lüliang) is 422; a body that is "
    "not JSON is 400.",
)
def plan_trip(request, payload: TripIn):
    problems = _stop_problems(payload)
    form = TripForm(_form_data(payload))
    if not problems and not form.is_valid():
        problems = _form_problems(form)
    if problems:
        return Status(422, {"detail": problems})
    return Status(200, plan_out(trip_plan(trip=form.cleaned_data["trip"])))
