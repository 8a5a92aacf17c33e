"""Build iCal feeds for the tests, the way other platforms write them."""

from datetime import date


def vevent(uid: str | None, start: date | str, end: date | str | None = None, **extra: str) -> str:
    """An event; dates become all-day values, strings are used as written (``20260908T150000Z``)."""

    def value(name: str, when: date | str) -> str:
        if isinstance(when, date):
            return f"{name};VALUE=DATE:{when:%Y%m%d}"
        return f"{name}:{when}"

    lines = ["BEGIN:VEVENT"]
    if uid is not None:
        lines.append(f"UID:{uid}")
    lines += ["DTSTAMP:20260801T000000Z", value("DTSTART", start)]
    if end is not None:
        lines.append(value("DTEND", end))
    lines += [f"{name.upper()}:{text}" for name, text in extra.items()]
    lines.append("SUMMARY:Reserved")
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def vcalendar(*events: str) -> str:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other Platform//Test//EN\r\n"
    body = "".join(event + "\r\n" for event in events)
    return head + body + "END:VCALENDAR\r\n"
