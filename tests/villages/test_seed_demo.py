"""``manage.py seed_demo``: the demo content is seeded once for this module (inside a transaction that
is rolled back at the end), and each test reads it or re-runs the command inside its own transaction."""

import io
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from modeltranslation.translator import translator
from PIL import Image

from tests.translated import translated
from villages.demo.accounts import DEFAULT_DEMO_PASSWORD
from villages.demo.geo import haversine_km
from villages.models import (
    Attraction,
    Homestay,
    Honour,
    OpeningException,
    OpeningHours,
    Photo,
    RoomType,
    Route,
    RouteStop,
    Theme,
    Village,
)
from villages.roles import GROUP_STAFF, is_group_staff

pytestmark = pytest.mark.django_db

TOWNSHIPS = {
    "caijiazhuang": "枣林乡",
    "yancun": "信义镇",
    "guihua": "信义镇",
    "dujiashan": "交口街道",
    "wangyingzhuang": "离石区",
    "dadonggou": "离石区",
}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LISHI_CENTRE = (37.5177, 111.1430)
LATITUDES, LONGITUDES = (37.30, 37.75), (110.85, 111.40)
CATALOGUE = (
    Theme,
    Village,
    Honour,
    Attraction,
    OpeningHours,
    OpeningException,
    Homestay,
    RoomType,
    Route,
    RouteStop,
    Photo,
)
INVENTED = (Village, Attraction, Homestay, RoomType, Route)
TRANSLATED = tuple(model for model in CATALOGUE if model in translator.get_registered_models())


def seed(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module; yields the media folder and the first run's output."""
    media = tmp_path_factory.mktemp("seed-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        output = seed()
        yield {"media": media, "output": output}
        transaction.set_rollback(True)


@pytest.fixture
def media(seeded, settings):
    settings.MEDIA_ROOT = seeded["media"]
    return Path(seeded["media"])


def snapshot() -> dict[str, list[Mapping[str, Any]]]:
    rows: dict[str, list[Mapping[str, Any]]] = {
        model.__name__: list(model.objects.order_by("pk").values()) for model in CATALOGUE
    }
    rows["users"] = list(
        get_user_model().objects.order_by("pk").values("username", "email", "password", "is_staff")
    )
    rows["groups"] = list(Group.objects.order_by("pk").values("name", "permissions"))
    rows["emails"] = list(EmailAddress.objects.order_by("pk").values())
    return rows


def test_the_six_key_villages_are_published_with_their_townships(seeded):
    villages = Village.objects.all()

    assert {v.slug: translated(v, "township", "zh-hans") for v in villages} == TOWNSHIPS
    assert all(v.is_published for v in villages)


def test_anguo_temple_is_a_national_heritage_site_in_dujiashan(seeded):
    temple = Attraction.objects.get(name_zh_hans="安国寺")

    assert temple.village.slug == "dujiashan"
    assert temple.heritage_level == Attraction.HeritageLevel.NATIONAL


def test_gourd_culture_park_and_hall_of_fame_are_in_yancun(seeded):
    names = set(Attraction.objects.filter(village__slug="yancun").values_list("name_zh_hans", flat=True))

    assert {"葫芦文化园", "中国葫芦名人堂"} <= names


def test_villages_carry_the_honours_named_in_the_article(seeded):
    honours = {
        slug: set(Honour.objects.filter(village__slug=slug).values_list("title_zh_hans", flat=True))
        for slug in ("guihua", "dujiashan")
    }

    assert honours["guihua"] == {"省3A级乡村旅游示范村", "吕梁市首批乡村旅游景区"}
    assert honours["dujiashan"] == {"传统村落", "历史文化名村"}


def test_each_theme_of_the_article_belongs_to_a_village(seeded):
    for name in ("廉政文化", "传统古村落", "田园综合体", "森林露营"):
        assert Theme.objects.get(name_zh_hans=name).villages.exists(), name


def test_every_village_has_homestays_with_priced_room_types(seeded):
    for village in Village.objects.all():
        homestays = village.homestays.all()
        assert 2 <= len(homestays) <= 3, village.slug
        for homestay in homestays:
            rooms = homestay.room_types.all()
            assert rooms, homestay.slug
            for room in rooms:
                assert room.base_price > 0 and room.base_price == room.base_price.quantize(Decimal("0.01"))
                assert room.weekend_price is None or room.weekend_price >= room.base_price
                assert 1 <= room.room_count <= 6
                assert room.min_nights <= room.max_nights


def test_every_village_has_two_routes_with_stops_and_a_path(seeded):
    for village in Village.objects.all():
        routes = village.routes.all()
        assert len(routes) == 2, village.slug
        for route in routes:
            assert route.stops.count() >= 2
            assert len(route.path) >= route.stops.count()
            assert route.distance_km > 0 and route.duration_minutes > 0


def test_routes_use_both_attractions_and_named_points(seeded):
    assert RouteStop.objects.filter(attraction__isnull=False).exists()
    assert RouteStop.objects.filter(attraction__isnull=True).exclude(name_zh_hans="").exists()


def test_some_attractions_close_on_mondays_and_open_on_a_holiday_monday(seeded):
    closed_mondays = Attraction.objects.exclude(opening_hours__weekday=OpeningHours.Weekday.MONDAY)
    open_days = OpeningException.objects.filter(attraction__in=closed_mondays, opens__isnull=False)

    assert closed_mondays.exists()
    assert any(day.date.weekday() == OpeningHours.Weekday.MONDAY for day in open_days)


def test_everything_invented_is_marked_demo(seeded):
    for model in INVENTED:
        assert not model.objects.filter(is_demo=False).exists(), model.__name__


@pytest.mark.parametrize("model", TRANSLATED, ids=lambda model: model.__name__)
def test_every_text_is_filled_in_chinese_and_english_together(seeded, model):
    fields = translator.get_options_for_model(model).all_fields
    for row in model.objects.values(*(f"{field}_{lang}" for field in fields for lang in ("zh_hans", "en"))):
        for field in fields:
            assert bool(row[f"{field}_zh_hans"]) == bool(row[f"{field}_en"]), (model.__name__, field, row)


def test_names_and_summaries_are_never_empty(seeded):
    for model in (Village, Attraction, Homestay, Route):
        assert not model.objects.filter(name_en="").exists()
        assert not model.objects.filter(summary_en="").exists()
        assert not model.objects.filter(summary_zh_hans="").exists()


def test_coordinates_lie_in_lishi_district(seeded):
    points = [
        (float(lat), float(lng))
        for model in (Village, Attraction, Homestay)
        for lat, lng in model.objects.values_list("latitude", "longitude")
    ]
    points += [tuple(point) for path in Route.objects.values_list("path", flat=True) for point in path]

    for lat, lng in points:
        assert LATITUDES[0] < lat < LATITUDES[1] and LONGITUDES[0] < lng < LONGITUDES[1], (lat, lng)
    for village in Village.objects.all():
        assert haversine_km(LISHI_CENTRE, village.coordinates) < 25, village.slug


def test_running_twice_leaves_exactly_the_same_rows(seeded, media):
    before = snapshot()

    seed()

    assert snapshot() == before


def test_scale_ten_gives_ten_times_the_content(seeded, media):
    base = {model: model.objects.count() for model in (Attraction, Homestay, Route)}

    seed("--scale", "10")

    for model, count in base.items():
        assert model.objects.count() == 10 * count, model.__name__
    assert Homestay.objects.filter(name_en__contains="demo homestay #").count() == 9 * base[Homestay]
    assert not RoomType.objects.filter(homestay__slug__startswith="demo-homestay-", is_demo=False).exists()
    assert all(homestay.room_types.exists() for homestay in Homestay.objects.all())


def test_scaled_content_is_not_duplicated_by_a_second_run(seeded, media):
    seed("--scale", "2")
    counts = [model.objects.count() for model in CATALOGUE]

    seed("--scale", "2")

    assert [model.objects.count() for model in CATALOGUE] == counts


def test_scale_below_one_is_refused(seeded):
    with pytest.raises(CommandError):
        seed("--scale", "0")


def test_every_village_attraction_homestay_and_room_has_demo_photos(seeded):
    for model in (Village, Attraction, Homestay, RoomType):
        for subject in model.objects.all():
            photos = list(subject.photos.all())
            assert photos, f"{model.__name__} {subject}"
            assert all(photo.is_demo for photo in photos)
            assert [photo.position for photo in photos] == list(range(len(photos)))
    assert Village.objects.get(slug="caijiazhuang").photos.count() == 3


def test_demo_photos_are_small_jpegs_described_in_both_languages(seeded, media):
    for photo in Photo.objects.all():
        path = media / photo.image.name
        assert path.stat().st_size < 80_000, photo.image.name
        with Image.open(path) as image:
            assert (image.format, image.size) == ("JPEG", (800, 500))
        assert translated(photo, "alt", "zh-hans") and translated(photo, "alt", "en")
        assert "演示" in translated(photo, "alt", "zh-hans")


def test_demo_photos_are_the_same_on_every_run(seeded, media, tmp_path, settings):
    before = {photo.image.name: (media / photo.image.name).read_bytes() for photo in Photo.objects.all()}
    for photo in Photo.objects.all():
        (media / photo.image.name).unlink()

    seed()

    after = {photo.image.name: (media / photo.image.name).read_bytes() for photo in Photo.objects.all()}
    assert after == before


def test_a_missing_photo_file_is_drawn_again(seeded, media):
    photo = Photo.objects.filter(homestay__isnull=False).first()
    assert photo is not None
    (media / photo.image.name).unlink()

    seed()

    assert (media / photo.image.name).exists()


def test_an_owners_own_photos_are_kept(seeded, media):
    homestay = Homestay.objects.first()
    assert homestay is not None
    demo = homestay.photos.first()
    assert demo is not None
    (media / "photos" / "my-own.jpg").write_bytes((media / demo.image.name).read_bytes())
    homestay.photos.all().delete()
    Photo.objects.create(homestay=homestay, image="photos/my-own.jpg", alt_zh_hans="我家的院子")

    seed()

    assert [photo.image.name for photo in homestay.photos.all()] == ["photos/my-own.jpg"]


def test_the_owner_runs_the_homestays_of_dujiashan_and_caijiazhuang(seeded):
    owner = get_user_model().objects.get(email="owner@demo.lishi-tourism.cn")

    assert set(owner.homestays.values_list("village__slug", flat=True)) == {"dujiashan", "caijiazhuang"}
    assert not owner.is_staff


def test_every_demo_homestay_has_an_owner(seeded):
    assert not Homestay.objects.filter(owner__isnull=True).exists()


def test_staff_group_runs_the_catalogue_and_reads_and_clears_flagged_money(seeded):
    group = Group.objects.get(name=GROUP_STAFF)
    catalogue = {
        f"villages.{action}_{model._meta.model_name}"
        for model in apps.get_app_config("villages").get_models()
        for action in ("view", "add", "change", "delete")
    }
    money_and_messages = {
        "bookings.view_payment",
        "bookings.change_payment",
        "bookings.view_refund",
        "bookings.change_refund",
        "bookings.view_webhookevent",
        "bookings.view_ledgerentry",
        "bookings.view_bookingevent",
        "notifications.view_notification",
        "notifications.change_notification",
    }
    events = {
        *(
            f"events.{action}_{model}"
            for model in ("event", "ticketslot")
            for action in ("view", "add", "change", "delete")
        ),
        "events.view_ticket",
    }

    granted = {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }

    assert granted == catalogue | money_and_messages | events


def test_staff_member_is_group_staff_for_the_platform_roles(seeded):
    staff = get_user_model().objects.get(email="staff@demo.lishi-tourism.cn")

    assert staff.is_staff and not staff.is_superuser
    assert is_group_staff(staff)


def test_staff_member_can_open_the_village_admin(seeded, client):
    client.force_login(get_user_model().objects.get(username="staff"))

    assert client.get("/admin/villages/village/").status_code == 200


def test_homestay_owner_cannot_open_the_village_admin(seeded, client):
    client.force_login(get_user_model().objects.get(username="owner"))

    response = client.get("/admin/villages/village/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_demo_accounts_have_the_default_password_and_a_verified_email(seeded):
    for user in get_user_model().objects.filter(email__endswith="@demo.lishi-tourism.cn"):
        assert user.check_password(DEFAULT_DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()


def test_first_run_prints_each_account_with_its_password(seeded):
    for username in ("owner", "owner2", "staff"):
        assert f"{username}@demo.lishi-tourism.cn  密码 password: {DEFAULT_DEMO_PASSWORD}" in seeded["output"]


def test_existing_passwords_are_kept_and_not_printed_on_a_second_run(seeded, media):
    owner = get_user_model().objects.get(username="owner")
    owner.set_password("chosen-by-the-owner")
    owner.save()

    output = seed()

    owner.refresh_from_db()
    assert owner.check_password("chosen-by-the-owner")
    assert DEFAULT_DEMO_PASSWORD not in output


def test_reset_passwords_uses_the_demo_password_from_the_environment(seeded, media, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment")

    output = seed("--reset-passwords")

    assert get_user_model().objects.get(username="staff").check_password("from-the-environment")
    assert "from-the-environment" in output
