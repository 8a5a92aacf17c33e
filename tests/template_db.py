"""One migrated SQLite database for all the test processes of a machine, cloned for each, as Django's own
parallel test runner clones the database it migrated once for its workers.

Migrating an empty database takes about 25 s (80 migrations, most of it Django rebuilding model states;
SQLite rebuilds a table for many schema changes), and every pytest-xdist worker did it again, in every
run. The first process to need a test database migrates it as before and keeps a copy (a "template")
in the temporary directory, named after everything the migrated schema can depend on: every Python file
of the project's apps (migrations and the SQL they import), the locked package versions (the
third-party apps' migrations) and the installed apps. Other processes wait for that copy (a file lock)
and clone it through SQLite's backup API; Django then runs ``migrate`` on the clone, which finds nothing
to apply and runs the post-migrate steps as always. So the tables, constraints and triggers still come
from the migrations, never from ``--no-migrations``. PostgreSQL runs are untouched.
"""

import fcntl
import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings

APPS = ("common", "villages", "notifications", "bookings", "tourism")
LOCK_FILE = "requirements/dev.txt"


def schema_key() -> str:
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for path in sorted(p for app in APPS for p in (base / app).rglob("*.py")):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    digest.update((base / LOCK_FILE).read_bytes())
    digest.update(repr(settings.INSTALLED_APPS).encode())
    return digest.hexdigest()[:16]


def template_path() -> Path:
    return Path(tempfile.gettempdir()) / f"lishi-test-template-{schema_key()}.sqlite3"


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database (its write-ahead log included), whoever else reads it."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
    reader.close()
    writer.close()


@dataclass
class Template:
    """The template for this process's test database: cloned (``cloned``), or to be written by this
    process, which holds the lock until it has (``save``)."""

    path: Path
    cloned: bool = False
    _lock: IO | None = field(default=None, repr=False)

    @classmethod
    def clone_or_lock(cls, test_database: Path) -> "Template":
        path = template_path()
        lock = open(f"{path}.lock", "w")  # noqa: SIM115 (held until save())
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            for stale in _files_of(test_database):
                stale.unlink(missing_ok=True)
            _copy(path, test_database)
            lock.close()
            return cls(path, cloned=True)
        return cls(path, _lock=lock)

    def save(self, test_database: Path) -> None:
        """Keep the freshly migrated ``test_database`` as the template; let the waiting processes go."""
        if self._lock is None:
            return
        try:
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
            _copy(test_database, partial)
            os.replace(partial, self.path)
        finally:
            self.release()

    def release(self) -> None:
        """Let the waiting processes go (they migrate for themselves if no template was saved)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None


def _files_of(database: Path) -> list[Path]:
    return [database, database.with_name(f"{database.name}-wal"), database.with_name(f"{database.name}-shm")]


def remove(database: Path) -> None:
    for path in _files_of(database):
        path.unlink(missing_ok=True)
