"""The village page's content is a cached fragment: the same HTML as rendered afresh, no queries once
cached, and every kind of edit shows on the next request, in Chinese and in English."""

from datetime import UTC, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from dbbackup.management.commands.dbrestore import Command as DbRestore
from dbbackup.signals import post_restore
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bookings.owner.services import room_type_update
from tests import factories
from tests.villages.test_views import freeze, full_village, map_data
from villages import fragments
from villages.models import Attraction, Honour, OpeningException, OpeningHours, RoomType, RouteStop, Village
from villages.photos.services import photo_add, photo_delete, photo_describe, photo_make_cover

pytestmark = pytest.mark.django_db

TUESDAY_MORNING_IN_SHANGHAI = datetime(2025, 6, 3, 2, 0, tzinfo=UTC)
WEDNESDAY_MORNING_IN_SHANGHAI = datetime(2025, 6, 4, 2, 0, tzinfo=UTC)
LANGUAGES = ["", "/en"]  # the Chinese page, then the English one


@pytest.fixture(autouse=True)
def _tuesday(monkeypatch):
    freeze(monkeypatch, TUESDAY_MORNING_IN_SHANGHAI)


def pages(client, village) -> dict[str, str]:
    """The Chinese and the English page of the village, each asked twice so that the second answer
    comes from the cache."""
    texts = {}
    for prefix in LANGUAGES:
        url = prefix + reverse("villages:village_detail", kwargs={"slug": village.slug}).removeprefix("/en")
        first, second = client.get(url), client.get(url)
        assert first.status_code == second.status_code
        assert first.content == second.content
        texts[prefix or "/zh"] = second.text if second.status_code == 200 else ""
    return texts


def jpeg_upload() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (800, 600), (161, 63, 39)).save(buffer, "JPEG")
    return SimpleUploadedFile("yard.jpg", buffer.getvalue(), content_type="image/jpeg")


def village_with_everything():
    village = full_village(slug="dujiashan-test")
    village.refresh_from_db()
    return village


# The cached page is the page


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_cached_page_is_the_html_rendered_without_a_cache(client, settings, prefix):
    village = village_with_everything()
    url = f"{prefix}/villages/{village.slug}/"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    uncached = client.get(url)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cold, warm = client.get(url), client.get(url)

    assert uncached.status_code == cold.status_code == warm.status_code == 200
    assert uncached.content == cold.content == warm.content


def test_cached_page_runs_no_database_queries(client):
    village = village_with_everything()
    with CaptureQueriesContext(connection) as cold:
        client.get(village.get_absolute_url())
    cold_count = len(cold)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(village.get_absolute_url())

    assert response.status_code == 200
    assert cold_count >= 8
    assert len(warm) == 0


def test_chinese_and_english_pages_are_cached_apart(client):
    village = village_with_everything()
    texts = pages(client, village)

    assert village.name_zh_hans in texts["/zh"] and village.name_en not in texts["/zh"]
    assert village.name_en in texts["/en"] and f"<h1>{village.name_zh_hans}" not in texts["/en"]


def test_nobody_is_served_the_menu_or_messages_of_the_person_who_filled_the_cache(client):
    village = village_with_everything()
    client.force_login(factories.user(username="laowang"))
    signed_in = client.get(village.get_absolute_url()).text
    client.logout()
    visitor = client.get(village.get_absolute_url()).text

    assert reverse("bookings:my_bookings") in signed_in
    assert reverse("bookings:my_bookings") not in visitor
    assert reverse("account_login") in visitor
    assert "csrfmiddlewaretoken" not in visitor


def test_unknown_village_is_not_cached_as_missing(client):
    assert client.get("/villages/new-village/").status_code == 404
    factories.village(slug="new-village")

    assert client.get("/villages/new-village/").status_code == 200


# Every kind of edit shows on the next request, in both languages


def test_renamed_attraction_shows_in_both_languages(client):
    village = village_with_everything()
    attraction = village.attractions.first()
    pages(client, village)

    attraction.name_zh_hans, attraction.name_en = "新修的安国寺", "Anguo Temple, restored"
    attraction.save()
    texts = pages(client, village)

    assert "新修的安国寺" in texts["/zh"]
    assert "Anguo Temple, restored" in texts["/en"]
    assert "新修的安国寺" in [marker["name"] for marker in map_data_of(client, village)["markers"]]


def map_data_of(client, village) -> dict:
    return map_data(client.get(f"/villages/{village.slug}/"))


def test_changed_weekly_hours_show(client):
    village = village_with_everything()
    wednesday = OpeningHours.Weekday.WEDNESDAY  # today, Tuesday, has an exception (full_village)
    hours = OpeningHours.objects.filter(attraction__village=village, weekday=wednesday).earliest("pk")
    pages(client, village)

    hours.closes = time(16, 30)
    hours.save()
    texts = pages(client, village)

    for text in texts.values():
        assert "09:00–16:30" in text


def test_closing_today_shows_closed_today(client):
    village = village_with_everything()
    attraction = village.attractions.first()
    pages(client, village)

    OpeningException.objects.filter(attraction=attraction).delete()
    OpeningException.objects.create(
        attraction=attraction,
        date=timezone.localdate(),
        note_zh_hans="闭馆维修",
        note_en="Closed for repairs",
    )
    texts = pages(client, village)

    assert "闭馆维修" in texts["/zh"]
    assert "Closed for repairs" in texts["/en"]


def test_next_day_shows_that_days_hours_without_any_edit(client, monkeypatch):
    village = factories.village()
    factories.attraction(village=village)  # open Tuesday to Sunday; Tuesday has no exception
    tuesday = pages(client, village)

    freeze(monkeypatch, WEDNESDAY_MORNING_IN_SHANGHAI)
    wednesday = pages(client, village)

    assert "6月3日" in tuesday["/zh"].split("hours__today")[0].rsplit("<th", 1)[1]
    assert "6月4日" in wednesday["/zh"].split("hours__today")[0].rsplit("<th", 1)[1]


def test_owner_price_change_shows_as_the_price_from_and_in_the_room_list(client):
    village = village_with_everything()
    room = RoomType.objects.filter(homestay__village=village).earliest("base_price")
    pages(client, village)

    room_type_update(room_type=room, room_count=room.room_count, base_price=Decimal("168.00"))
    texts = pages(client, village)

    for text in texts.values():
        assert "¥168.00" in text
        assert "¥200.00" not in text


def test_owner_photo_shows_on_the_homestay_card(client):
    village = village_with_everything()
    homestay = village.homestays.get()
    pages(client, village)

    photo = photo_add(subject=homestay, upload=jpeg_upload(), alt_zh_hans="窑洞院子", alt_en="Cave courtyard")
    texts = pages(client, village)

    assert 'alt="窑洞院子"' in texts["/zh"] and "<picture>" in texts["/zh"]
    assert 'alt="Cave courtyard"' in texts["/en"]

    photo_describe(photo=photo, alt_zh_hans="新的说明", alt_en="New words")
    assert 'alt="新的说明"' in pages(client, village)["/zh"]

    second = photo_add(subject=homestay, upload=jpeg_upload(), alt_zh_hans="第二张")
    photo_make_cover(photo=second)  # a reorder is a bulk update: no signal of its own
    assert 'alt="第二张"' in pages(client, village)["/zh"]

    photo_delete(photo=second)
    photo_delete(photo=photo)
    texts = pages(client, village)
    assert "<picture>" not in texts["/zh"] and "card--text" in texts["/zh"]


def test_renamed_route_and_moved_stop_show_on_the_card_and_the_map(client):
    village = village_with_everything()
    route = village.routes.get()
    pages(client, village)

    route.name_en = "Temple loop"
    route.save()
    RouteStop.objects.create(
        route=route, position=9, name_zh_hans="观景台", latitude=Decimal("37.6"), longitude=Decimal("111.2")
    )
    texts = pages(client, village)

    assert "Temple loop" in texts["/en"]
    (line,) = map_data_of(client, village)["lines"]
    assert line["points"][-1] == [37.6, 111.2]


def test_renamed_and_added_themes_show(client):
    village = village_with_everything()
    theme = village.themes.first()
    pages(client, village)

    theme.name_zh_hans = "森林露营"
    theme.save()
    village.themes.add(factories.theme(name_zh_hans="廉政文化", name_en="Clean governance"))
    texts = pages(client, village)

    assert "森林露营" in texts["/zh"] and "廉政文化" in texts["/zh"]
    assert "Clean governance" in texts["/en"]

    village.themes.clear()
    assert "森林露营" not in pages(client, village)["/zh"]


def test_new_honour_and_story_show(client):
    village = village_with_everything()
    pages(client, village)

    Honour.objects.create(village=village, title_zh_hans="中国传统村落", title_en="Traditional Village")
    village.story_en = "A village of cave dwellings."
    village.save()
    texts = pages(client, village)

    assert "中国传统村落" in texts["/zh"]
    assert "Traditional Village" in texts["/en"] and "A village of cave dwellings." in texts["/en"]


@pytest.mark.parametrize("kind", ["attraction", "homestay", "route"])
def test_unpublished_content_leaves_the_page(client, kind):
    village = village_with_everything()
    obj = {"attraction": village.attractions.first(), "homestay": village.homestays.get()}.get(kind)
    obj = obj or village.routes.get()
    pages(client, village)

    obj.is_published = False
    obj.save()
    texts = pages(client, village)

    assert obj.name_zh_hans not in texts["/zh"]
    assert obj.name_en not in texts["/en"]


def test_unpublished_village_is_gone_in_both_languages(client):
    village = village_with_everything()
    pages(client, village)

    village.is_published = False
    village.save()

    assert client.get(f"/villages/{village.slug}/").status_code == 404
    assert client.get(f"/en/villages/{village.slug}/").status_code == 404


def test_deleted_attraction_leaves_the_page(client):
    village = village_with_everything()
    lone = factories.attraction(village=village, name_zh_hans="将拆除的戏台")
    assert "将拆除的戏台" in pages(client, village)["/zh"]

    lone.delete()

    assert "将拆除的戏台" not in pages(client, village)["/zh"]


def test_attractions_deleted_with_the_admin_action_leave_the_page(admin_client, client):
    village = village_with_everything()
    lone = factories.attraction(village=village, name_zh_hans="将拆除的戏台")
    assert "将拆除的戏台" in pages(client, village)["/zh"]

    response = admin_client.post(
        reverse("admin:villages_attraction_changelist"),
        {"action": "delete_selected", "_selected_action": [lone.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Attraction.objects.filter(pk=lone.pk).exists()
    assert "将拆除的戏台" not in pages(client, village)["/zh"]


def test_an_edit_elsewhere_that_changes_this_page_shows(client):
    """A route may stop at another village's attraction: its map line moves with it."""
    village, other = village_with_everything(), factories.village()
    elsewhere = factories.attraction(village=other)
    route = village.routes.get()
    RouteStop.objects.create(route=route, position=9, attraction=elsewhere)
    pages(client, village)

    elsewhere.latitude, elsewhere.longitude = Decimal("37.7"), Decimal("111.3")
    elsewhere.save()

    (line,) = map_data_of(client, village)["lines"]
    assert line["points"][-1] == [37.7, 111.3]


# Writes that send no signal


def test_bulk_update_shows_once_the_writer_says_the_catalogue_changed(client):
    village = village_with_everything()
    pages(client, village)

    Village.objects.filter(pk=village.pk).update(summary_zh_hans="批量改过的简介")
    assert "批量改过的简介" not in pages(client, village)["/zh"]  # a signal-less write is not seen ...
    fragments.catalogue_changed()

    assert "批量改过的简介" in pages(client, village)["/zh"]  # ... until the writer says so


def test_demo_loader_shows_hours_it_puts_back_with_bulk_update(client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    village = Village.objects.get(slug="dujiashan")
    hours = OpeningHours.objects.filter(attraction__village=village, attraction__is_published=True)
    original = hours.earliest("pk")
    pages(client, village)
    OpeningHours.objects.filter(pk=original.pk).update(opens=time(5, 55))
    fragments.catalogue_changed()
    assert "05:55" in pages(client, village)["/zh"]

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert "05:55" not in pages(client, village)["/zh"]


def test_database_restore_makes_the_cached_pages_out_of_date(client):
    village = village_with_everything()
    pages(client, village)
    Village.objects.filter(pk=village.pk).update(name_zh_hans="备份里的名字")

    post_restore.send(sender=DbRestore, database={}, database_name="default")

    assert "备份里的名字" in pages(client, village)["/zh"]


# The generation


def test_what_was_cached_before_the_edit_committed_is_not_served_after(django_capture_on_commit_callbacks):
    village = village_with_everything()
    with django_capture_on_commit_callbacks(execute=True):
        village.summary_zh_hans = "提交前的简介"
        village.save()
        during = fragments.catalogue_generation()
    after = fragments.catalogue_generation()

    assert during != after


def test_a_lost_generation_never_brings_back_old_pages(client):
    village = village_with_everything()
    pages(client, village)
    cache.delete(fragments.GENERATION_KEY)
    Village.objects.filter(pk=village.pk).update(summary_zh_hans="缓存丢了以后")

    assert "缓存丢了以后" in pages(client, village)["/zh"]
