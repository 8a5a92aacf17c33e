"""SQL for the reports, written for the two databases the project runs on (SQLite and PostgreSQL).

* Django's portable ``TruncMonth``, ``TruncDate`` and date subtraction call Python for every row on
  SQLite, too slow for a hundred thousand bookings; these use each database's built-in functions.
* The dashboard's indexes begin with ``MonthStart`` of a date: the database finds a period's rows month
  by month in the index, and SQLite adds them up in the index's order, without sorting them. A query
  uses such an index when it filters (and groups) by the same ``MonthStart``.
* ``Literally`` writes a condition's values into the SQL: SQLite plans a query before it sees the
  parameters, so it uses a partial index only when the query repeats the index's condition literally.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import NotSupportedError
from django.db.models import BooleanField, DateField, Expression, Func, IntegerField, Q
from django.db.models.sql.where import WhereNode

PLAIN_VALUE = re.compile(r"[\w-]+")


class NativeFunc(Func):
    """A function written for SQLite and PostgreSQL only."""

    def as_sql(self, compiler, connection, *args, **extra):
        raise NotSupportedError(f"{type(self).__name__} runs on SQLite and PostgreSQL only")

    def _sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, **extra)


class MonthStart(NativeFunc):
    """The first day of the month of a date."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self._sql(compiler, connection, template="date(%(expressions)s, 'start of month')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # On a timestamp without time zone: no zone conversion for every row, and usable in an index.
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


def _zone_offset() -> timedelta:
    """The offset of ``settings.TIME_ZONE``, which must not change during the year (Asia/Shanghai)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    winter, summer = (datetime(2026, month, 1, tzinfo=zone).utcoffset() for month in (1, 7))
    if winter is None or winter != summer:
        raise ValueError(f"{settings.TIME_ZONE} changes its offset during the year")
    return winter


class DaysSinceLocalDate(NativeFunc):
    """Whole days from the Beijing date (``settings.TIME_ZONE``) of a timestamp to a date.

    SQLite stores the timestamp as UTC text ``YYYY-MM-DD HH:MM:SS[.ffffff]``: the Beijing date is the
    UTC date, plus one day from 16:00 UTC on. Comparing the text of the time avoids converting it for
    every row (and the rounding of fractions of a second that converting does)."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        (date_sql, date_params), (time_sql, time_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        minutes = int(_zone_offset().total_seconds() // 60)
        sql = f"CAST(julianday({date_sql}) - julianday(substr({time_sql}, 1, 10)) AS INTEGER)"
        params = [*date_params, *time_params]
        if minutes:
            # Positive offsets move late UTC times to the next day, negative ones early times back.
            hours, rest = divmod(-minutes % (24 * 60), 60)
            boundary = f"{hours:02d}:{rest:02d}:00"
            comparison = ">=" if minutes > 0 else "<"
            sign = "-" if minutes > 0 else "+"
            sql = f"({sql} {sign} (substr({time_sql}, 12, 8) {comparison} '{boundary}'))"
            params += time_params
        return sql, params

    def as_postgresql(self, compiler, connection, **extra):
        (date_sql, date_params), (time_sql, time_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        # UTC wall time plus the fixed offset: cheaper than converting to the named zone every row.
        minutes = int(_zone_offset().total_seconds() // 60)
        sql = f"({date_sql} - CAST(({time_sql}) AT TIME ZONE 'UTC' + INTERVAL '{minutes} minutes' AS date))"
        return sql, (*date_params, *time_params)


class _LiteralWhere(WhereNode):
    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        # Substituting turns an escaped "%%" into "%": escape again for the query's own parameters.
        return (sql % tuple(_literal(value) for value in params)).replace("%", "%%"), ()


def _literal(value) -> str:
    if not isinstance(value, str) or not (value == "" or PLAIN_VALUE.fullmatch(value)):
        raise ValueError(f"only plain words are written into SQL, not {value!r}")
    return f"'{value}'"


class Literally(Expression):
    """``filter(Literally(Q(...)))``: the condition with its values (plain words, like choices) in
    the SQL text instead of parameters."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, condition: Q):
        super().__init__()
        self.condition = condition

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clause = self.condition.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return _LiteralWhere(children=[clause])
