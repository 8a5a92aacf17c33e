"""An ORM query built and compiled once, run again with new values: for the few hot queries whose
building and compiling by the ORM costs more than the database takes to answer them (a booking's locked
read: joins, subqueries and a dozen translated columns, compiled anew on every request).

``CompiledQuery(build)``: ``build(**values)`` returns the queryset for those values, the same shape
whatever they are (ints, dates and aware datetimes; ``None`` is part of the shape). The first call for
a shape builds it twice with made-up values and compiles both; every parameter of the SQL must be one of
the values (as the backend adapts it) or the same constant in both, else ``build`` derives something
from a value and the query is refused with ``ValueError`` (it is not of this kind). Later calls run the
SQL with the new values and turn the rows into model instances as the ORM does (``select_related``,
annotations, converters), with a compiler of the current connection; nothing is built again.
"""

import copy
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.transaction import TransactionManagementError

# Made-up values, far from any real one, distinct per value and per round of building.
_FIRST_DAY = date(2311, 1, 1)
_FIRST_INT = 1_987_000_000


def _made_up(value: Any, position: int, round_: int) -> Any:
    if isinstance(value, datetime):
        return datetime(2311, 1, 1, tzinfo=UTC) + timedelta(minutes=1000 * round_ + position)
    if isinstance(value, date):
        return _FIRST_DAY + timedelta(days=1000 * round_ + position)
    if isinstance(value, int) and not isinstance(value, bool):
        return _FIRST_INT + 1000 * round_ + position
    raise TypeError(f"a compiled query takes ints, dates and datetimes, not {type(value).__name__}")


def _ways(ops) -> list[Callable[[Any], Any]]:
    """How the backend may have turned a value into a parameter."""

    def datetime_value(value):
        return ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value

    def date_value(value):
        return ops.adapt_datefield_value(value) if isinstance(value, date) else value

    return [lambda value: value, datetime_value, date_value]


class _Compiled:
    def __init__(self, queryset: QuerySet, sql: str, slots: list, state: tuple):
        self.queryset, self.sql, self.slots, self.state = queryset, sql, slots, state

    def params(self, values: dict[str, Any]) -> list:
        params = []
        for constant, name, way in self.slots:
            if name is None:
                params.append(constant)
                continue
            value = way(values[name])
            # Keep the backend's wrapper of an integer (psycopg's Int4...).
            params.append(type(constant)(value) if type(constant) not in (int, type(value)) else value)
        return params


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def all(self, **values: Any) -> list[Model]:
        """The rows of ``build(**values)``, as ``list(build(**values))`` would give them."""
        return self._rows(values)[1]

    def get(self, **values: Any) -> Model:
        """The one row of ``build(**values)``; the model's ``DoesNotExist`` when there is none."""
        model, rows = self._rows(values)
        if not rows:
            raise model.DoesNotExist
        if len(rows) > 1:
            raise model.MultipleObjectsReturned
        return rows[0]

    def _rows(self, values: dict[str, Any]) -> tuple[Any, list[Model]]:  # the model class, its rows
        shape = (connection.alias, connection.vendor, *sorted(k for k, v in values.items() if v is None))
        compiled = self._compiled.get(shape)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(shape) or self._compile(values)
                self._compiled[shape] = compiled
        queryset = compiled.queryset
        if queryset.query.select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        compiler = queryset.query.get_compiler(connection=connection)
        compiler.select, compiler.klass_info, compiler.annotation_col_map = compiled.state[:3]
        compiler.col_count, compiler.has_extra_select = compiled.state[3:]
        sql, params = compiled.sql, compiled.params(values)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)  # what was compiled, with these values
        query = copy.copy(queryset.query)  # shallow: only its compiler differs
        # The stubs do not let a method be replaced; this instance's is, for this one query.
        query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return queryset.model, list(QuerySet(model=queryset.model, query=query))

    def _compile(self, values: dict[str, Any]) -> _Compiled:
        names = [name for name, value in values.items() if value is not None]
        rounds = []
        for round_ in (0, 1):
            made_up = {name: None for name in values}
            made_up.update({name: _made_up(values[name], i, round_) for i, name in enumerate(names)})
            queryset = self._build(**made_up)
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            rounds.append((made_up, queryset, compiler, sql, list(params)))
        (first, queryset, compiler, sql, params), (second, _qs, _c, other_sql, other_params) = rounds
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("the query's SQL depends on its values: not a compiled query")
        slots = []
        for constant, other in zip(params, other_params, strict=True):
            slot: tuple[Any, str | None, Callable[[Any], Any] | None] = (constant, None, None)
            for name in names:
                way = next((w for w in _ways(connection.ops) if w(first[name]) == constant), None)
                if way is not None:
                    if way(second[name]) != other:
                        raise ValueError(f"a parameter of the query is derived from {name!r}")
                    slot = (constant, name, way)
                    break
            else:
                if constant != other:
                    raise ValueError("a parameter of the query is derived from its values")
            slots.append(slot)
        state = (compiler.select, compiler.klass_info, compiler.annotation_col_map)
        return _Compiled(queryset, sql, slots, (*state, compiler.col_count, compiler.has_extra_select))
