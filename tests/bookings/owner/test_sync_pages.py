from datetime import date

import pytest
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.urls import reverse

from bookings.models import Booking, RoomNight
from bookings.services import booking_cancel
from bookings.sync.models import CalendarExport, CalendarFeed, ExternalNight
from bookings.sync.services import calendar_export_regenerate
from tests.bookings.helpers import hold
from tests.bookings.owner.ical import vcalendar, vevent

pytestmark = pytest.mark.django_db

SEP_8 = date(2026, 9, 8)


def sync_url(room) -> str:
    return reverse("owner:room_sync", kwargs={"pk": room.pk})


def closed_on(room, night=SEP_8) -> int:
    row = RoomNight.objects.filter(room_type=room, night=night).first()
    return row.rooms_closed if row else 0


def test_adding_a_feed_syncs_it(owner_client, room, feed_server):
    url = feed_server.serve("/airbnb.ics", vcalendar(vevent("a", SEP_8)))
    response = owner_client.post(sync_url(room), {"name": "Airbnb", "url": url})
    assert response.status_code == 302
    assert CalendarFeed.objects.get().status == CalendarFeed.Status.OK
    assert closed_on(room) == 1


def test_adding_a_feed_only_queues_the_download_with_a_real_backend(owner_client, room, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    owner_client.post(sync_url(room), {"name": "Airbnb", "url": "https://example.com/cal.ics"})
    feed = CalendarFeed.objects.get()
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    assert [result.args for result in backend.results] == [[feed.pk]]
    assert feed.status == CalendarFeed.Status.NEW


@pytest.mark.parametrize("address", ["ftp://example.com/cal.ics", "not an address", ""])
def test_bad_feed_address_is_refused(owner_client, room, address):
    response = owner_client.post(sync_url(room), {"name": "Airbnb", "url": address})
    assert response.status_code == 400
    assert not CalendarFeed.objects.exists()


def test_failing_feed_shows_why_on_the_page_and_the_front_page(owner_client, room, feed_server):
    url = feed_server.serve("/broken.ics", "<html>login</html>")
    owner_client.post(sync_url(room), {"name": "Tujia", "url": url})
    assert "不是日历文件" in owner_client.get(sync_url(room)).content.decode()
    assert "不是日历文件" in owner_client.get(reverse("owner:dashboard")).content.decode()


def test_conflict_is_shown_with_the_booking_made_here(owner_client, room_type, owner, feed_server):
    room_type.homestay.owner = owner
    room_type.homestay.save()
    booking = hold(room_type, check_in=SEP_8, check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    url = feed_server.serve("/airbnb.ics", vcalendar(vevent("a", SEP_8)))
    owner_client.post(sync_url(room_type), {"name": "Airbnb", "url": url})
    page = owner_client.get(sync_url(room_type)).content.decode()
    assert "冲突" in page and booking.reference in page
    assert RoomNight.objects.get(room_type=room_type, night=SEP_8).rooms_free == 0
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_sync_now_reads_the_feed_again(owner_client, room, feed_server):
    url = feed_server.serve("/airbnb.ics", vcalendar())
    owner_client.post(sync_url(room), {"name": "Airbnb", "url": url})
    feed_server.serve("/airbnb.ics", vcalendar(vevent("a", SEP_8)))
    feed = CalendarFeed.objects.get()
    owner_client.post(reverse("owner:feed_sync_now", kwargs={"pk": feed.pk}))
    assert closed_on(room) == 1


def test_removing_a_feed_opens_its_nights(owner_client, room, feed_server):
    url = feed_server.serve("/airbnb.ics", vcalendar(vevent("a", SEP_8)))
    owner_client.post(sync_url(room), {"name": "Airbnb", "url": url})
    owner_client.post(reverse("owner:feed_remove", kwargs={"pk": CalendarFeed.objects.get().pk}))
    assert closed_on(room) == 0
    assert not CalendarFeed.objects.exists()


def test_export_address_is_created_and_can_be_replaced(owner_client, room):
    assert "/owner/ical/" not in owner_client.get(sync_url(room)).content.decode()
    owner_client.post(reverse("owner:export_regenerate", kwargs={"pk": room.pk}))
    first = CalendarExport.objects.get(room_type=room).token
    assert f"http://testserver/owner/ical/{first}.ics" in owner_client.get(sync_url(room)).content.decode()
    owner_client.post(reverse("owner:export_regenerate", kwargs={"pk": room.pk}))
    assert CalendarExport.objects.get(room_type=room).token != first


def test_export_address_is_the_same_in_english(owner_client, room):
    token = calendar_export_regenerate(room_type=room).token
    assert owner_client.get(f"/en/owner/ical/{token}.ics").status_code == 200


def conflict_page(owner_client, room_type, owner, feed_server):
    """A Booking.com night on a night booked here, then the booking here cancelled: a conflict with a free
    room, shown with both buttons."""
    room_type.homestay.owner = owner
    room_type.homestay.save()
    booking = hold(room_type, check_in=SEP_8, check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    url = feed_server.serve("/booking.ics", vcalendar(vevent("b", SEP_8)))
    owner_client.post(sync_url(room_type), {"name": "Booking.com", "url": url})
    booking_cancel(booking=booking, by=Booking.Party.GUEST)
    return ExternalNight.objects.get()


def decide(client, room_type, night, action):
    return client.post(
        reverse("owner:conflicts_decide", kwargs={"pk": room_type.pk}), {"night": night.pk, "action": action}
    )


def test_owner_accepts_a_conflict_from_the_page(owner_client, room_type, owner, feed_server):
    night = conflict_page(owner_client, room_type, owner, feed_server)
    page = owner_client.get(sync_url(room_type)).content.decode()
    assert "确认关房" in page and "忽略" in page and "现在有空房" in page
    assert decide(owner_client, room_type, night, "accept").status_code == 302
    assert closed_on(room_type) == 1
    assert "确认关房" not in owner_client.get(sync_url(room_type)).content.decode()


def test_owner_dismisses_a_conflict_from_the_page(owner_client, room_type, owner, feed_server):
    night = conflict_page(owner_client, room_type, owner, feed_server)
    decide(owner_client, room_type, night, "dismiss")
    night.refresh_from_db()
    assert night.dismissed and not night.blocking
    assert closed_on(room_type) == 0
    owner_client.get(reverse("owner:dashboard"))  # the flash message is shown once
    assert "冲突" not in owner_client.get(reverse("owner:dashboard")).content.decode()


def test_accepting_a_night_with_no_room_says_so_and_changes_nothing(
    owner_client, room_type, owner, feed_server
):
    night = conflict_page(owner_client, room_type, owner, feed_server)
    hold(room_type, check_in=SEP_8, check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    response = decide(owner_client, room_type, night, "accept")
    assert "没有空房" in owner_client.get(response["Location"]).content.decode()
    night.refresh_from_db()
    assert not night.blocking and closed_on(room_type) == 0


def test_unknown_decision_is_refused(owner_client, room_type, owner, feed_server):
    night = conflict_page(owner_client, room_type, owner, feed_server)
    assert decide(owner_client, room_type, night, "delete").status_code == 400


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", "1; drop", ""])
def test_odd_night_ids_change_nothing(owner_client, room_type, owner, feed_server, value):
    night = conflict_page(owner_client, room_type, owner, feed_server)
    url = reverse("owner:conflicts_decide", kwargs={"pk": room_type.pk})
    assert owner_client.post(url, {"night": value, "action": "dismiss"}).status_code == 302
    night.refresh_from_db()
    assert not night.dismissed


def test_another_owner_cannot_decide_on_the_conflict(client, room_type, owner, feed_server, other_owner):
    client.force_login(owner)
    night = conflict_page(client, room_type, owner, feed_server)
    client.force_login(other_owner)
    other_room = other_owner.homestays.get().room_types.get()
    assert decide(client, room_type, night, "dismiss").status_code == 404
    decide(client, other_room, night, "dismiss")
    night.refresh_from_db()
    assert not night.dismissed


def test_feed_with_an_unreadable_event_is_shown_to_the_owner(owner_client, room, feed_server):
    body = vcalendar(vevent("ok", SEP_8), vevent("broken@tujia", "garbage"))
    owner_client.post(sync_url(room), {"name": "Tujia", "url": feed_server.serve("/tujia.ics", body)})
    assert closed_on(room) == 1
    for page in (sync_url(room), reverse("owner:dashboard")):
        assert "broken@tujia" in owner_client.get(page).content.decode()
