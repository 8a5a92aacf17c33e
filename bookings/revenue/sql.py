"""Date arithmetic for the reports in each database's own SQL. Django's portable ``TruncMonth``,
``TruncDate`` and date subtraction call Python for every row on SQLite, too slow for a hundred thousand
bookings; these use SQLite's and PostgreSQL's built-in functions (the two databases the project runs on).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import DateField, Func, IntegerField


class NativeFunc(Func):
    """A function written for SQLite and PostgreSQL only."""

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"{type(self).__name__} runs on SQLite and PostgreSQL only")

    def _sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, **extra)


class MonthStart(NativeFunc):
    """The first day of the month of a date."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self._sql(compiler, connection, template="date(%(expressions)s, 'start of month')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # On a timestamp without time zone: no zone conversion for every row.
        template = "CAST(DATE_TRUNC('month', CAST(%(expressions)s AS timestamp)) AS date)"
        return self._sql(compiler, connection, template=template, **extra)


class DaysBetween(NativeFunc):
    """Whole days from the second date to the first."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST(julianday(%(expressions)s) AS INTEGER)"
        return self._sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self._sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)


class LocalDate(NativeFunc):
    """The Beijing date (``settings.TIME_ZONE``) of a timestamp. SQLite shifts the stored UTC time by
    the zone's offset, which needs a zone without summer time, like Asia/Shanghai."""

    output_field = DateField()

    def __init__(self, expression):
        super().__init__(expression)
        self.zone = settings.TIME_ZONE
        winter, summer = (
            datetime(2026, month, 1, tzinfo=ZoneInfo(self.zone)).utcoffset() for month in (1, 7)
        )
        if winter != summer:
            raise ValueError(f"{self.zone} changes its offset during the year")
        self.minutes = int(winter.total_seconds() // 60)

    def as_sqlite(self, compiler, connection, **extra):
        # Whole seconds only: SQLite rounds fractions to milliseconds, 23:59:59.9999 would be midnight.
        template = f"date(substr(%(expressions)s, 1, 19), '{self.minutes:+d} minutes')"
        return self._sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"CAST(({sql}) AT TIME ZONE %s AS date)", (*params, self.zone)
