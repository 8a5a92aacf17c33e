from datetime import date, time
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bookings.models import Booking, RoomNight
from bookings.owner.photos import MAX_UPLOAD_BYTES
from tests.bookings.helpers import hold
from tests.translated import translated
from villages.models import Homestay, RoomType

pytestmark = pytest.mark.django_db

HOMESTAY_FORM = {
    "description_zh_hans": "三孔窑洞,院里有枣树。",
    "description_en": "Three cave rooms around a jujube tree.",
    "house_rules_zh_hans": "22点后请保持安静",
    "amenities_text": "免费WiFi\n停车位、早餐\n免费WiFi",
    "check_in_time": "15:00",
    "check_out_time": "11:30",
    "instant_book": "",
    "cancellation_policy": "strict",
}


COLOURS: dict[str, int | tuple[int, ...]] = {"RGB": (161, 63, 39), "RGBA": (161, 63, 39, 128), "1": 1}


def image_upload(name="photo.jpg", size=(2400, 1200), image_format="JPEG", mode="RGB", **save):
    buffer = BytesIO()
    Image.new(mode, size, COLOURS[mode]).save(buffer, image_format, **save)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def edit(client, homestay, **changes):
    return client.post(
        reverse("owner:homestay_edit", kwargs={"pk": homestay.pk}), {**HOMESTAY_FORM, **changes}
    )


def test_owner_edits_the_homestay_details(owner_client, homestay):
    response = edit(owner_client, homestay)
    assert response.status_code == 302
    homestay.refresh_from_db()
    assert homestay.description_zh_hans == "三孔窑洞,院里有枣树。"
    assert homestay.amenities == ["免费WiFi", "停车位", "早餐"]
    assert (homestay.check_in_time, homestay.check_out_time) == (time(15), time(11, 30))
    assert homestay.instant_book is False
    assert homestay.cancellation_policy == Homestay.CancellationPolicy.STRICT


def test_photo_is_shrunk_to_web_size_and_saved_as_jpeg(owner_client, homestay):
    edit(owner_client, homestay, new_photo=image_upload("窑洞.png", image_format="PNG"))
    homestay.refresh_from_db()
    assert homestay.photo.name.endswith(".jpg")
    with Image.open(homestay.photo.path) as saved:
        assert saved.format == "JPEG"
        assert saved.size == (1600, 800)


def test_transparent_png_gets_a_white_background(owner_client, homestay):
    edit(owner_client, homestay, new_photo=image_upload("logo.png", (100, 100), "PNG", mode="RGBA"))
    homestay.refresh_from_db()
    with Image.open(homestay.photo.path) as saved:
        assert saved.mode == "RGB"
        pixel = saved.getpixel((50, 50))
        assert isinstance(pixel, tuple)
        assert pixel[1] > 63  # the half-transparent red was laid on white


def test_photo_location_data_is_removed(owner_client, homestay):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0)}  # GPS of the owner's house
    exif[0x0110] = "Phone X"
    edit(owner_client, homestay, new_photo=image_upload(exif=exif))
    homestay.refresh_from_db()
    with Image.open(homestay.photo.path) as saved:
        assert dict(saved.getexif()) == {}


def test_sideways_phone_photo_is_turned_upright(owner_client, homestay):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    edit(owner_client, homestay, new_photo=image_upload(size=(800, 400), exif=exif))
    homestay.refresh_from_db()
    with Image.open(homestay.photo.path) as saved:
        assert saved.size == (400, 800)


def test_replacing_the_photo_deletes_the_old_file(owner_client, homestay, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        edit(owner_client, homestay, new_photo=image_upload())
    homestay.refresh_from_db()
    old = homestay.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        edit(owner_client, homestay, new_photo=image_upload())
    homestay.refresh_from_db()
    assert homestay.photo.path != old
    assert not Path(old).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_upload("anim.gif", (10, 10), "GIF"), "JPEG、PNG或WebP"),
        (lambda: SimpleUploadedFile("photo.jpg", b"this is not a picture"), "无法识别"),
        (lambda: SimpleUploadedFile("big.jpg", b"\xff" * (MAX_UPLOAD_BYTES + 1)), "8MB"),
        (lambda: image_upload("bomb.png", (10_000, 6_000), "PNG", mode="1"), "像素太多"),
    ],
)
def test_bad_photo_is_refused_and_nothing_changes(owner_client, homestay, upload, message):
    response = edit(owner_client, homestay, new_photo=upload())
    assert response.status_code == 400
    assert message in response.content.decode()
    homestay.refresh_from_db()
    assert not homestay.photo
    assert not homestay.description_zh_hans


def test_photo_can_be_removed(owner_client, homestay):
    edit(owner_client, homestay, new_photo=image_upload())
    edit(owner_client, homestay, remove_photo="on")
    homestay.refresh_from_db()
    assert not homestay.photo


def test_too_many_amenities_are_refused(owner_client, homestay):
    response = edit(owner_client, homestay, amenities_text="\n".join(f"设施{n}" for n in range(31)))
    assert response.status_code == 400
    homestay.refresh_from_db()
    assert homestay.amenities == []


ROOM_FORM = {
    "name_zh_hans": "窑洞大床房",
    "name_en": "Cave double",
    "beds_zh_hans": "1.8米大床",
    "capacity": "2",
    "room_count": "3",
    "base_price": "238",
    "weekend_price": "288",
    "holiday_price": "",
    "min_nights": "1",
    "max_nights": "14",
    "booking_window_days": "180",
    "same_day_cutoff": "20:00",
    "is_active": "on",
}


def test_owner_adds_a_room_type(owner_client, homestay):
    response = owner_client.post(
        reverse("owner:room_type_add", kwargs={"homestay_pk": homestay.pk}), ROOM_FORM
    )
    assert response.status_code == 302
    room = RoomType.objects.get(homestay=homestay)
    assert (translated(room, "name", "zh-hans"), room.room_count, room.base_price) == (
        "窑洞大床房",
        3,
        Decimal("238.00"),
    )
    assert room.holiday_price is None
    assert room.is_demo is False


def room_url(room) -> str:
    return reverse("owner:room_type_edit", kwargs={"pk": room.pk})


def test_more_rooms_update_every_future_night(owner_client, room):
    hold(room, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    owner_client.post(room_url(room), {**ROOM_FORM, "room_count": "4"})
    room.refresh_from_db()
    assert room.room_count == 4
    assert RoomNight.objects.get(room_type=room, night=date(2026, 9, 8)).rooms_total == 4


def test_fewer_rooms_than_are_booked_is_refused_and_nothing_changes(owner_client, room):
    for _guest in range(2):
        hold(room, check_in=date(2026, 9, 8), check_out=date(2026, 9, 9), payment=Booking.Payment.AT_HOMESTAY)
    response = owner_client.post(room_url(room), {**ROOM_FORM, "room_count": "1"})
    assert response.status_code == 400
    assert "2026-09-08" in response.content.decode()
    room.refresh_from_db()
    assert room.room_count == 2
    assert room.base_price == Decimal("200.00"), "the other changes are not saved either"
    assert RoomNight.objects.get(room_type=room, night=date(2026, 9, 8)).rooms_total == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"min_nights": "5", "max_nights": "2"},
        {"base_price": "0"},
        {"weekend_price": "-10"},
        {"capacity": "0"},
        {"room_count": "0"},
        {"room_count": "201"},
        {"name_zh_hans": ""},
    ],
)
def test_bad_room_type_is_refused(owner_client, room, changes):
    response = owner_client.post(room_url(room), {**ROOM_FORM, **changes})
    assert response.status_code == 400
    room.refresh_from_db()
    assert room.base_price == Decimal("200.00")


def test_pages_are_in_english_under_en(owner_client, room):
    response = owner_client.get("/en" + room_url(room))
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
