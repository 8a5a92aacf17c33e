"""The SQLite test database cloned from one migrated first (tests/template_db.py) is a migrated one."""

import fcntl
import sqlite3
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import template_db


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.django_db
def test_the_test_database_has_the_constraints_the_migrations_make():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "bookings_pricerule")
    assert {"price_rule_first_night_not_after_last", "price_rule_price_positive"} <= set(constraints)


def _database(path: Path, rows: list[str]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE note (text TEXT NOT NULL CHECK (text <> ''))")
        db.execute("CREATE TRIGGER no_update BEFORE UPDATE ON note BEGIN SELECT RAISE(ABORT, 'no'); END")
        db.executemany("INSERT INTO note VALUES (?)", [(row,) for row in rows])
    db.close()


def _contents(path: Path) -> tuple[list, list]:
    with sqlite3.connect(path) as db:
        schema = db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        rows = db.execute("SELECT text FROM note ORDER BY text").fetchall()
    db.close()
    return schema, rows


def test_the_first_process_migrates_and_keeps_a_copy_the_next_ones_clone(tmp_path, monkeypatch):
    monkeypatch.setattr(template_db, "template_path", lambda: tmp_path / "template.sqlite3")
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"

    template = template_db.Template.clone_or_lock(first)
    assert not template.cloned
    _database(first, ["migrated"])  # what Django's migrate does next
    template.save(first)

    second.write_bytes(b"left over from a crashed run")
    clone = template_db.Template.clone_or_lock(second)

    assert clone.cloned
    assert _contents(second) == _contents(first)
    assert _contents(second)[1] == [("migrated",)]
    assert sorted(entry[0] for entry in _contents(second)[0]) == ["table", "trigger"]


def test_the_template_is_named_after_the_apps_code_and_the_locked_packages(tmp_path, settings):
    for app in template_db.APPS:
        (tmp_path / app / "migrations").mkdir(parents=True)
        (tmp_path / app / "migrations" / "0001_initial.py").write_text("operations = []\n")
    (tmp_path / "requirements").mkdir()
    (tmp_path / template_db.LOCK_FILE).write_text("django==6.1\n")
    settings.BASE_DIR = tmp_path

    keys = [template_db.schema_key()]
    (tmp_path / "bookings" / "migrations" / "0001_initial.py").write_text("operations = [1]\n")
    keys.append(template_db.schema_key())
    (tmp_path / "bookings" / "revenue.py").write_text("TRIGGER = 'x'\n")
    keys.append(template_db.schema_key())
    (tmp_path / template_db.LOCK_FILE).write_text("django==6.1.1\n")
    keys.append(template_db.schema_key())

    assert len(set(keys)) == 4
    assert template_db.schema_key() == keys[-1]


def test_a_process_that_could_not_migrate_lets_the_others_migrate_for_themselves(tmp_path, monkeypatch):
    template = tmp_path / "template.sqlite3"
    monkeypatch.setattr(template_db, "template_path", lambda: template)
    failed = template_db.Template.clone_or_lock(tmp_path / "first.sqlite3")
    with open(f"{template}.lock") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another process waits meanwhile

    failed.release()

    second = template_db.Template.clone_or_lock(tmp_path / "second.sqlite3")
    assert not second.cloned  # no template: it migrates for itself
    second.release()
