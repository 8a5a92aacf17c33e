"""Independent reads at once, each on its own database connection.

A report that runs a few heavy queries one after the other waits for each in turn; on their own
connections they run side by side (SQLite and psycopg let other threads go on while the database
works). Only reads, and only outside a transaction: another connection would not see a transaction's
uncommitted writes, so inside one (a command, a test) the calls run one after the other on its own
connection, with the same results.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connections


def _on_own_connection[T](call: Callable[[], T]) -> T:
    try:
        return call()
    finally:
        connections.close_all()  # this thread's connections, opened for the call


def side_by_side(*calls: Callable[[], object]) -> list:
    """The calls' results, in order: the first on this thread, the others on threads of their own."""
    if len(calls) < 2 or any(conn.in_atomic_block for conn in connections.all(initialized_only=True)):
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=len(calls) - 1, thread_name_prefix="side-by-side") as pool:
        others = [pool.submit(_on_own_connection, call) for call in calls[1:]]
        first = calls[0]()
        return [first, *(future.result() for future in others)]
