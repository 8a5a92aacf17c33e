"""Report periods: a span of Beijing dates, both ends included, and its calendar months."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

MAX_DAYS = 3 * 366 + 1  # three years


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError("a period starts before it ends")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = month_after(month)
        return months

    def nights_in(self, month: date) -> int:
        """How many of the period's nights fall in ``month`` (its first day)."""
        first = max(self.start, month)
        last = min(self.end, month_after(month) - timedelta(days=1))
        return max((last - first).days + 1, 0)


def month_after(month: date) -> date:
    return month + timedelta(days=calendar.monthrange(month.year, month.month)[1])


def month_period(month: date) -> Period:
    return Period(month, month_after(month) - timedelta(days=1))


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31))
