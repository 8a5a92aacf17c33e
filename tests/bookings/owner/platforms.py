"""Fake Booking.com and Airbnb for the echo-loop tests: each imports calendars (ours and the other's),
takes reservations of its own, and publishes its calendar on the local feed server in its own format
(samples in ``fixtures/``). Booking.com exports every closed date, whatever closed it, as
"CLOSED - Not available"; Airbnb exports only its own reservations and blocks."""

import hashlib
from datetime import date, timedelta

from icalendar import Calendar


def _nights(start: date, end: date) -> set[date]:
    return {start + timedelta(days=n) for n in range((end - start).days)}


def _runs(nights: set[date]) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    for night in sorted(nights):
        if runs and runs[-1][1] == night:
            runs[-1] = (runs[-1][0], night + timedelta(days=1))
        else:
            runs.append((night, night + timedelta(days=1)))
    return runs


def _event(uid: str, start: date, end: date, summary: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nDTEND;VALUE=DATE:{end:%Y%m%d}\r\nUID:{uid}\r\nDTSTAMP:20260901T021500Z\r\n"
        f"DTSTART;VALUE=DATE:{start:%Y%m%d}\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n"
    )


class Platform:
    def __init__(self, name: str, server, *, echoes: bool):
        self.name, self.server, self.echoes = name, server, echoes
        self.path = f"/{name.lower().replace('.', '-')}.ics"
        self.url = server.url(self.path)
        self.reservations: dict[str, tuple[date, date]] = {}
        self.imported: dict[str, set[date]] = {}
        self.publish()

    def pull(self, source: str, body: bytes) -> None:
        """Import another calendar: its events close their nights here, until the next pull."""
        nights: set[date] = set()
        for event in Calendar.from_ical(body).walk("VEVENT"):
            nights |= _nights(event.decoded("DTSTART"), event.decoded("DTEND"))
        self.imported[source] = nights

    def closed(self) -> set[date]:
        mine = set().union(*(_nights(*stay) for stay in self.reservations.values()))
        return mine.union(*self.imported.values())

    def publish(self) -> None:
        if self.echoes:  # Booking.com: every closed date, a UID per run of dates
            events = [
                _event(
                    hashlib.sha256(f"{s}{e}".encode()).hexdigest()[:32] + "@booking.com",
                    s,
                    e,
                    "CLOSED - Not available",
                )
                for s, e in _runs(self.closed())
            ]
            head = "PRODID:-//admin.booking.com//EN\r\n"
        else:  # Airbnb: its own reservations only
            events = [
                _event(f"{code}@airbnb.com", s, e, "Reserved") for code, (s, e) in self.reservations.items()
            ]
            head = "PRODID;X-RICAL-TZSOURCE=TZINFO:-//Airbnb Inc//Hosting Calendar 0.8.8//EN\r\n"
        body = "BEGIN:VCALENDAR\r\n" + head + "VERSION:2.0\r\n" + "".join(events) + "END:VCALENDAR\r\n"
        self.server.serve(self.path, body)
