"""A plan as an iCalendar file: one event per visit, one all-day event per stay, in Beijing time."""

import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tourism.planner.trip import TripPlan

PRODUCT_ID = "-//Lishi Rural Tourism//Trip planner//ZH"


def _visit_description(stop, page_url: str) -> str:
    lines = [
        _("路程 %(km)s 公里，约 %(minutes)s 分钟") % {"km": stop.leg.km, "minutes": stop.leg.minutes},
        _("到达 %(time)s") % {"time": f"{stop.arrival:%H:%M}"},
    ]
    if stop.stop.must:
        lines.append(_("必去"))
    lines.append(page_url)
    return "\n".join(lines)


def plan_calendar(plan: TripPlan, *, plan_url: str, site_url: str) -> bytes:
    """``plan_url`` is the shared address of the plan; ``site_url`` prefixes the pages of the places."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("离石乡村旅游行程"))
    key = hashlib.sha256(plan.request.query().encode()).hexdigest()[:16]
    stamp = timezone.now()
    for day in plan.days:
        for index, planned in enumerate(day.stops, start=1):
            place = planned.stop.place
            event = Event()
            event.add("uid", f"{key}-{day.number}-{index}@lishi-tourism")
            event.add("dtstamp", stamp)
            event.add("dtstart", planned.start)
            event.add("dtend", planned.departure)
            event.add("summary", str(place.name))
            event.add("location", f"{planned.stop.village.name}, {place.latitude}, {place.longitude}")
            event.add("geo", planned.stop.coordinates)
            event.add("url", site_url + place.get_absolute_url())
            event.add("description", _visit_description(planned, plan_url))
            calendar.add_component(event)
    for number, stay in enumerate(plan.stays, start=1):
        if stay.village is None:
            continue
        event = Event()
        event.add("uid", f"{key}-stay-{number}@lishi-tourism")
        event.add("dtstamp", stamp)
        event.add("dtstart", stay.check_in)
        event.add("dtend", stay.check_out)
        event.add("summary", _("住宿：%(village)s") % {"village": stay.village.name})
        event.add("url", site_url + stay.village.get_absolute_url())
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
