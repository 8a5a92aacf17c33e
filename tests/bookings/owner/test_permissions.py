"""Every owner URL, tried as another owner, a tourist and an anonymous visitor, by GET and by POST with
data that would work for the real owner: nobody but the owner sees or changes anything."""

from datetime import date

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from bookings.models import Booking, Guest, RoomNight
from bookings.owner.urls import urlpatterns
from bookings.sync.models import CalendarExport, CalendarFeed, ExternalNight
from bookings.sync.services import calendar_export_regenerate
from tests import factories
from tests.bookings.helpers import hold
from villages.models import Homestay, Photo, RoomType

pytestmark = pytest.mark.django_db

PUBLIC = {"ical_export"}  # the secret address is the permission
LISTS = {"dashboard", "booking_list", "earnings"}  # pages of one's own things: no object in the URL
WORKING_POST = {
    "action": "close",
    "first_night": "2026-09-08",
    "last_night": "2026-09-09",
    "rooms_closed": "2",
    "reason": "房屋维修",
    "name": "Airbnb",
    "url": "https://example.com/cal.ics",
    "name_zh_hans": "改过的房型",
    "capacity": "2",
    "room_count": "1",
    "base_price": "1.00",
    "min_nights": "1",
    "max_nights": "30",
    "booking_window_days": "365",
    "same_day_cutoff": "18:00",
    "description_zh_hans": "改过的介绍",
    "check_in_time": "14:00",
    "check_out_time": "12:00",
    "cancellation_policy": "strict",
    "form-TOTAL_FORMS": "1",
    "form-INITIAL_FORMS": "0",
    "form-0-name": "张三",
    "form-0-document_type": "resident_id",
    "form-0-document_number": "11010519491231002X",
}


@pytest.fixture
def victim(owner, homestay, room, feed_server):
    """The owner's things: a booking on request waiting for an answer, a feed, an export."""
    homestay.instant_book = False
    homestay.save()
    booking = hold(room, check_in=date(2026, 9, 8), check_out=date(2026, 9, 10), payment="at_homestay")
    feed = CalendarFeed.objects.create(room_type=room, name="Airbnb", url=feed_server.url("/cal.ics"))
    export = calendar_export_regenerate(room_type=room)
    ExternalNight.objects.create(feed=feed, uid="a", night=date(2026, 9, 20), blocking=False)
    return {
        "dashboard": {},
        "booking_list": {},
        "earnings": {},
        "homestay_edit": {"pk": homestay.pk},
        "room_type_add": {"homestay_pk": homestay.pk},
        "room_type_edit": {"pk": room.pk},
        "homestay_photos": {"pk": homestay.pk},
        "guest_register": {"pk": homestay.pk},
        "guest_register_export": {"pk": homestay.pk, "file_format": "csv"},
        "room_type_photos": {"pk": room.pk},
        "photo_action": {"pk": factories.photo(homestay=homestay, size=(64, 40)).pk, "action": "delete"},
        "room_calendar": {"pk": room.pk},
        "room_sync": {"pk": room.pk},
        "export_regenerate": {"pk": room.pk},
        "feed_sync_now": {"pk": feed.pk},
        "feed_remove": {"pk": feed.pk},
        "conflicts_decide": {"pk": room.pk},
        "booking_detail": {"reference": booking.reference},
        "booking_guests": {"reference": booking.reference},
        "booking_action": {"reference": booking.reference, "action": "decline"},
        "ical_export": {"token": export.token},
    }


def owner_urls(victim) -> list[tuple[str, str]]:
    return [(name, reverse(f"owner:{name}", kwargs=victim[name])) for name in sorted(victim)]


def snapshot() -> list:
    """Everything an owner URL could change."""
    return [
        sorted(map(model_to_dict, Homestay.objects.all()), key=str),
        sorted(map(model_to_dict, RoomType.objects.all()), key=str),
        list(RoomNight.objects.order_by("id").values()),
        list(Booking.objects.order_by("id").values()),
        list(Guest.objects.values()),
        list(CalendarFeed.objects.order_by("id").values()),
        list(CalendarExport.objects.values()),
        list(ExternalNight.objects.values()),
        list(Photo.objects.order_by("id").values()),
    ]


def test_every_owner_url_is_in_this_matrix(victim):
    assert {pattern.name for pattern in urlpatterns} == set(victim)


def test_anonymous_visitor_is_sent_to_sign_in_for_every_page(client, victim):
    before = snapshot()
    for name, url in owner_urls(victim):
        if name in PUBLIC:
            continue
        for method in (client.get, client.post):
            response = method(url, WORKING_POST)
            assert response.status_code == 302, (name, method)
            assert reverse("account_login") in response["Location"], name
    assert snapshot() == before


def test_tourist_is_refused_every_page(client, victim, tourist):
    client.force_login(tourist)
    before = snapshot()
    for name, url in owner_urls(victim):
        if name in PUBLIC:
            continue
        for method in (client.get, client.post):
            assert method(url, WORKING_POST).status_code == 403, (name, method)
    assert snapshot() == before


def test_another_owner_finds_none_of_the_owners_things(client, victim, other_owner, homestay):
    client.force_login(other_owner)
    before = snapshot()
    reference = victim["booking_detail"]["reference"]
    for name, url in owner_urls(victim):
        if name in PUBLIC:
            continue
        if name in LISTS:
            response = client.get(url, {"show": "all"})
            assert response.status_code == 200, name
            assert homestay.name not in response.content.decode()
            assert reference not in response.content.decode()
            continue
        for method in (client.get, client.post):
            assert method(url, WORKING_POST).status_code in (404, 405), (name, method)
    assert snapshot() == before


def test_another_owners_booking_cannot_be_reached_by_any_action(client, victim, other_owner):
    client.force_login(other_owner)
    reference = victim["booking_detail"]["reference"]
    before = snapshot()
    for action in ("approve", "decline", "cancel", "check_in", "check_out", "no_show", "paid"):
        url = reverse("owner:booking_action", kwargs={"reference": reference, "action": action})
        assert client.post(url, {"reason": "x"}).status_code == 404, action
    assert snapshot() == before


def test_the_owner_reaches_every_page(owner_client, victim):
    for name, url in owner_urls(victim):
        if name in (
            "export_regenerate",
            "feed_sync_now",
            "feed_remove",
            "conflicts_decide",
            "booking_action",
            "photo_action",
        ):
            assert owner_client.get(url).status_code == 405, name
        else:
            assert owner_client.get(url).status_code == 200, name


def test_owner_of_two_homestays_sees_both_and_no_one_elses(owner_client, owner, homestay, other_owner):
    second = factories.homestay(owner=owner)
    page = owner_client.get(reverse("owner:dashboard")).content.decode()
    assert homestay.name in page and second.name in page
    assert all(h.name not in page for h in Homestay.objects.filter(owner=other_owner))
