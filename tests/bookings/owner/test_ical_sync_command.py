from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend

from bookings.models import RoomNight
from bookings.sync.models import CalendarFeed
from bookings.sync.tasks import calendar_feed_sync_task
from tests.bookings.owner.ical import vcalendar, vevent

pytestmark = pytest.mark.django_db

SEP_8 = date(2026, 9, 8)
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def feeds(room, feed_server):
    good = CalendarFeed.objects.create(
        room_type=room, name="Airbnb", url=feed_server.serve("/good.ics", vcalendar(vevent("a", SEP_8)))
    )
    bad = CalendarFeed.objects.create(
        room_type=room, name="Tujia", url=feed_server.serve("/bad.ics", "<html>login</html>")
    )
    return good, bad


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ical_sync", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_syncs_every_feed_and_reports_each(feeds, room):
    out, err = run()
    good, bad = (CalendarFeed.objects.get(pk=feed.pk) for feed in feeds)
    assert good.status == CalendarFeed.Status.OK
    assert bad.status == CalendarFeed.Status.FAILED
    assert "Airbnb" in out and "Tujia" in out
    assert "1 个日历同步失败" in err
    assert RoomNight.objects.get(room_type=room, night=SEP_8).rooms_closed == 1


def test_command_can_sync_one_feed(feeds):
    good, bad = feeds
    run("--feed", str(good.pk))
    bad.refresh_from_db()
    assert bad.status == CalendarFeed.Status.NEW


def test_enqueue_queues_one_job_per_feed_and_syncs_nothing_itself(feeds, settings):
    settings.TASKS = DUMMY_TASKS
    run("--enqueue")
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    assert sorted(result.args[0] for result in backend.results) == sorted(f.pk for f in feeds)
    assert not CalendarFeed.objects.exclude(status=CalendarFeed.Status.NEW).exists()


def test_job_syncs_its_feed(feeds):
    good, _bad = feeds
    result = calendar_feed_sync_task.enqueue(good.pk)
    assert result.return_value == "ok"
    good.refresh_from_db()
    assert good.status == CalendarFeed.Status.OK


def test_job_for_a_removed_feed_does_nothing(db):
    assert calendar_feed_sync_task.enqueue(999_999).return_value == "removed"
