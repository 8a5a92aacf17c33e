"""The trip form: one set of rules for the page (GET parameters, so the address reproduces the plan)
and the API (its JSON turned into the same parameters)."""

import re
from datetime import time, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from common.clock import local_today
from events.models import TicketSlot
from tourism.planner.events import EventPlace, event_slots_on
from tourism.planner.places import POINT, START_PRESETS, chosen_point, in_luliang
from tourism.planner.selectors import Picked, places_picked
from tourism.planner.services import visit_minutes
from tourism.planner.trip import VILLAGE_VISIT_MINUTES, Choices, Pace, TravelMode, TripRequest, TripStop

DEFAULT_MAX_DAYS = 7
DEFAULT_MAX_STOPS = 40
MAX_DAYS_AHEAD = 365
MAX_IDS = 200
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
MICRODEGREE = Decimal("0.000001")


def max_days() -> int:
    return getattr(settings, "PLANNER_MAX_DAYS", DEFAULT_MAX_DAYS)


def max_stops() -> int:
    return getattr(settings, "PLANNER_MAX_STOPS", DEFAULT_MAX_STOPS)


class ListField(forms.Field):
    """Repeated parameters (``?attraction=3&attraction=7``): ids or slugs, sorted, without repeats."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, slugs: bool = False, **kwargs) -> None:
        self.slugs = slugs
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> list:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > MAX_IDS:
            raise ValidationError(_("选择太多了"), code="too_many")
        items: set[str | int] = set()
        for item in values:
            item = str(item).strip()
            if self.slugs and SLUG.match(item):
                items.add(item)
            elif not self.slugs and item.isdigit() and 0 < int(item) < 2**63:
                items.add(int(item))
            else:
                raise ValidationError(_("无效的编号：%(value)s"), code="invalid", params={"value": item[:50]})
        return sorted(items)


class TripForm(forms.Form):
    start = forms.ChoiceField(
        label=_("出发地"),
        choices=[*((code, place.name) for code, place in START_PRESETS.items()), (POINT, _("地图上选点"))],
        initial="centre",
    )
    lat = forms.DecimalField(
        label=_("纬度"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput({"step": "any"}),
    )
    lng = forms.DecimalField(
        label=_("经度"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput({"step": "any"}),
    )
    attraction = ListField(label=_("想去的景点"))
    must_attraction = ListField(label=_("必去的景点"))
    village = ListField(label=_("想去的村庄"), slugs=True)
    must_village = ListField(label=_("必去的村庄"), slugs=True)
    route = ListField(label=_("精品线路"))
    event_slot = ListField(label=_("活动场次"))
    date = forms.DateField(label=_("第一天"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    days = forms.IntegerField(label=_("天数"), initial=2, min_value=1)
    day_start = forms.TimeField(
        label=_("每天出发"), initial=time(8), widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )
    day_end = forms.TimeField(
        label=_("每天结束"), initial=time(18), widget=forms.TimeInput({"type": "time"}, format="%H:%M")
    )
    mode = forms.ChoiceField(
        label=_("交通方式"), choices=TravelMode.choices, initial=TravelMode.CAR, widget=forms.RadioSelect
    )
    pace = forms.ChoiceField(
        label=_("节奏"), choices=Pace.choices, initial=Pace.NORMAL, widget=forms.RadioSelect
    )
    guests = forms.IntegerField(label=_("人数"), initial=2, min_value=1, max_value=20)
    rooms = forms.IntegerField(label=_("房间数"), initial=1, min_value=1, max_value=10)
    back = forms.BooleanField(label=_("最后回到出发地"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = max_days()
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)
        days.max_value = limit
        days.validators.append(MaxValueValidator(limit, message=_("最多规划%(limit_value)s天")))
        self.fields["days"].widget.attrs["max"] = limit
        self.fields["date"].initial = local_today() + timedelta(days=1)
        self.fields["date"].validators += [
            MinValueValidator(local_today(), message=_("第一天不能早于今天")),
            MaxValueValidator(
                local_today() + timedelta(days=MAX_DAYS_AHEAD), message=_("只能规划一年之内的行程")
            ),
        ]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        self._clean_start(data)
        if data.get("day_start") and data.get("day_end") and data["day_start"] >= data["day_end"]:
            self.add_error(
                "day_end", ValidationError(_("每天的结束时间必须晚于出发时间"), code="times_order")
            )
        if data.get("guests") and data.get("rooms") and data["rooms"] > data["guests"]:
            self.add_error("rooms", ValidationError(_("房间数不能多于人数"), code="rooms"))
        if self.errors:
            return data
        choices = Choices(
            attractions=tuple(data["attraction"]),
            must_attractions=tuple(data["must_attraction"]),
            villages=tuple(data["village"]),
            must_villages=tuple(data["must_village"]),
            routes=tuple(data["route"]),
            event_slots=tuple(data["event_slot"]),
        )
        picked = places_picked(
            attraction_ids={*choices.attractions, *choices.must_attractions},
            village_slugs={*choices.villages, *choices.must_villages},
            route_ids=set(choices.routes),
            first_day=data["date"],
            days=data["days"],
        )
        slots = event_slots_on(ids=set(choices.event_slots), first_day=data["date"], days=data["days"])
        stops = self._stops(choices, picked, data["pace"], slots)
        if stops is not None:
            data["trip"] = TripRequest(
                start=data["start_place"],
                choices=choices,
                stops=stops,
                first_day=data["date"],
                days=data["days"],
                day_start=data["day_start"],
                day_end=data["day_end"],
                mode=data["mode"],
                pace=data["pace"],
                guests=data["guests"],
                rooms=data["rooms"],
                return_to_start=data["back"],
            )
        return data

    def _clean_start(self, data: dict) -> None:
        code = data.get("start")
        if code in START_PRESETS:
            data["start_place"] = START_PRESETS[code]
            return
        if code != POINT:
            return
        latitude, longitude = data.get("lat"), data.get("lng")
        if "lat" in self.errors or "lng" in self.errors:
            return
        if latitude is None or longitude is None:
            self.add_error(
                "lat", ValidationError(_("请在地图上选择出发地，或填写纬度和经度"), code="required")
            )
        elif not in_luliang(latitude, longitude):
            self.add_error("lat", ValidationError(_("出发地不在吕梁市范围内"), code="outside"))
        else:
            data["start_place"] = chosen_point(
                latitude.quantize(MICRODEGREE), longitude.quantize(MICRODEGREE)
            )

    def _stops(
        self, choices: Choices, picked: Picked, pace: str, slots: dict[int, TicketSlot]
    ) -> tuple[TripStop, ...] | None:
        missing: dict[str, list[int] | list[str]] = {
            "attraction": [pk for pk in choices.attractions if pk not in picked.attractions],
            "must_attraction": [pk for pk in choices.must_attractions if pk not in picked.attractions],
            "village": [slug for slug in choices.villages if slug not in picked.villages],
            "must_village": [slug for slug in choices.must_villages if slug not in picked.villages],
            "route": [pk for pk in choices.routes if pk not in picked.routes],
            "event_slot": [pk for pk in choices.event_slots if pk not in slots],
        }
        for field, unknown in missing.items():
            if unknown and field == "event_slot":
                message = _("这些活动场次不在行程日期内，或已开始：%(items)s")
                params_: dict[str, object] = {"items": ", ".join(map(str, unknown))}
                self.add_error(field, ValidationError(message, code="not_on_trip", params=params_))
            elif unknown:
                message = _("找不到（或尚未发布）：%(items)s")
                params: dict[str, object] = {"items": ", ".join(map(str, unknown))}
                self.add_error(field, ValidationError(message, code="unknown", params=params))
        if self.errors:
            return None
        must_attractions, must_villages = set(choices.must_attractions), set(choices.must_villages)
        attraction_ids = {*choices.attractions, *must_attractions}
        for route in choices.routes:
            attraction_ids.update(picked.route_attractions(route))
        stops = (
            [
                TripStop(
                    picked.attractions[pk],
                    pk in must_attractions,
                    visit_minutes(picked.attractions[pk].visit_minutes, pace),
                )
                for pk in sorted(attraction_ids)
            ]
            + [
                TripStop(
                    picked.villages[slug], slug in must_villages, visit_minutes(VILLAGE_VISIT_MINUTES, pace)
                )
                for slug in sorted({*choices.villages, *must_villages})
            ]
            + [
                # A slot the traveller chose is a time they mean to be there: planned as a must.
                TripStop(EventPlace(slot), True, EventPlace(slot).minutes)
                for _pk, slot in sorted(slots.items())
            ]
        )
        if not stops:
            self.add_error(None, ValidationError(_("请至少选择一个景点、村庄或线路"), code="no_stops"))
            return None
        if len(stops) > max_stops():
            message = _("一次最多规划%(limit)s个地点，您选了%(count)s个")
            params = {"limit": max_stops(), "count": len(stops)}
            self.add_error(None, ValidationError(message, code="too_many_stops", params=params))
            return None
        return tuple(stops)
