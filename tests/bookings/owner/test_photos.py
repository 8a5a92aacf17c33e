"""The owner's galleries on the console: upload (checked, shrunk, stripped), describe, reorder, pick
the cover, delete; and nothing of another owner's."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories
from tests.factories import image_upload
from tests.translated import translated
from villages.models import Photo
from villages.photos.images import MAX_UPLOAD_BYTES
from villages.photos.services import MAX_PHOTOS

pytestmark = pytest.mark.django_db


def upload(client, subject_url, image=None, **fields):
    return client.post(
        subject_url, {"image": image or image_upload(), "alt_zh_hans": "", "alt_en": "", **fields}
    )


def gallery_url(homestay) -> str:
    return reverse("owner:homestay_photos", kwargs={"pk": homestay.pk})


def action(client, photo, name, **data):
    """A button of a photo's row; the description's fields are named after the photo."""
    fields = {f"photo-{photo.pk}-{key}": value for key, value in data.items()}
    return client.post(reverse("owner:photo_action", kwargs={"pk": photo.pk, "action": name}), fields)


def order(subject) -> list[int]:
    return list(subject.photos.order_by("position", "id").values_list("pk", flat=True))


def test_owner_uploads_a_photo_with_its_description(owner_client, homestay):
    response = upload(
        owner_client, gallery_url(homestay), alt_zh_hans="院子里的枣树", alt_en="The jujube tree in the yard"
    )

    photo = homestay.photos.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"{gallery_url(homestay)}#photo-{photo.pk}")
    assert (photo.alt_zh_hans, photo.alt_en, photo.position, photo.is_demo) == (
        "院子里的枣树",
        "The jujube tree in the yard",
        0,
        False,
    )
    page = owner_client.get(gallery_url(homestay)).content.decode()
    assert "封面" in page and 'alt="院子里的枣树"' in page


def test_photo_is_shrunk_to_web_size_and_saved_as_jpeg(owner_client, homestay):
    upload(owner_client, gallery_url(homestay), image_upload("窑洞.png", image_format="PNG"))

    photo = homestay.photos.get()
    assert photo.image.name.endswith(".jpg")
    with Image.open(photo.image.path) as saved:
        assert saved.format == "JPEG"
        assert saved.size == (1600, 800)


def test_transparent_png_gets_a_white_background(owner_client, homestay):
    upload(owner_client, gallery_url(homestay), image_upload("logo.png", (100, 100), "PNG", mode="RGBA"))

    with Image.open(homestay.photos.get().image.path) as saved:
        assert saved.mode == "RGB"
        pixel = saved.getpixel((50, 50))
        assert isinstance(pixel, tuple)
        assert pixel[1] > 63  # the half-transparent red was laid on white


def test_photo_location_data_is_removed(owner_client, homestay):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0)}  # GPS of the owner's house
    exif[0x0110] = "Phone X"
    upload(owner_client, gallery_url(homestay), image_upload(exif=exif))

    with Image.open(homestay.photos.get().image.path) as saved:
        assert dict(saved.getexif()) == {}


def test_sideways_phone_photo_is_turned_upright(owner_client, homestay):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    upload(owner_client, gallery_url(homestay), image_upload(size=(800, 400), exif=exif))

    with Image.open(homestay.photos.get().image.path) as saved:
        assert saved.size == (400, 800)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (lambda: image_upload("anim.gif", (10, 10), "GIF"), "JPEG、PNG或WebP"),
        (lambda: SimpleUploadedFile("photo.jpg", b"this is not a picture"), "无法识别"),
        (lambda: SimpleUploadedFile("big.jpg", b"\xff" * (MAX_UPLOAD_BYTES + 1)), "8MB"),
        (lambda: image_upload("bomb.png", (10_000, 6_000), "PNG", mode="1"), "像素太多"),
    ],
)
def test_bad_upload_is_refused_and_nothing_is_saved(owner_client, homestay, bad, message, settings):
    response = upload(owner_client, gallery_url(homestay), bad(), alt_zh_hans="不会保存")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Photo.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.jpg"))


def test_an_upload_without_a_file_is_refused(owner_client, homestay):
    response = owner_client.post(gallery_url(homestay), {"alt_zh_hans": "没有照片"})

    assert response.status_code == 400
    assert not Photo.objects.exists()


def test_a_full_gallery_takes_no_more(owner_client, homestay):
    for position in range(MAX_PHOTOS):
        factories.photo(homestay=homestay, size=(40, 30), position=position)

    response = upload(owner_client, gallery_url(homestay))

    assert response.status_code == 400
    assert f"最多{MAX_PHOTOS}张" in response.content.decode()
    assert homestay.photos.count() == MAX_PHOTOS


def test_photos_keep_the_order_they_were_added_and_the_first_is_the_cover(owner_client, homestay):
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        upload(owner_client, gallery_url(homestay), image_upload(name))

    photos = list(homestay.photos.order_by("id"))
    assert [photo.position for photo in photos] == [0, 1, 2]
    assert order(homestay) == [photo.pk for photo in photos]


def test_moving_and_picking_the_cover(owner_client, homestay):
    a, b, c = (factories.photo(homestay=homestay) for _ in range(3))

    action(owner_client, c, "up")
    assert order(homestay) == [a.pk, c.pk, b.pk]
    action(owner_client, a, "down")
    assert order(homestay) == [c.pk, a.pk, b.pk]
    action(owner_client, b, "cover")
    assert order(homestay) == [b.pk, c.pk, a.pk]
    # at the ends nothing moves further
    action(owner_client, b, "up")
    action(owner_client, a, "down")
    assert order(homestay) == [b.pk, c.pk, a.pk]
    assert sorted(homestay.photos.values_list("position", flat=True)) == [0, 1, 2]


def test_describing_a_photo_in_both_languages(owner_client, homestay):
    photo = factories.photo(homestay=homestay)

    response = action(owner_client, photo, "describe", alt_zh_hans=" 窑洞里的土炕 ", alt_en="The kang bed")

    assert response.status_code == 302
    photo.refresh_from_db()
    assert (translated(photo, "alt", "zh-hans"), translated(photo, "alt", "en")) == (
        "窑洞里的土炕",
        "The kang bed",
    )


def test_a_description_too_long_is_refused(owner_client, homestay):
    photo = factories.photo(homestay=homestay, alt_zh_hans="原来的说明")

    action(owner_client, photo, "describe", alt_zh_hans="长" * 161, alt_en="")

    photo.refresh_from_db()
    assert translated(photo, "alt", "zh-hans") == "原来的说明"


def test_deleting_the_cover_makes_the_next_one_cover_and_removes_the_files(
    owner_client, homestay, django_capture_on_commit_callbacks
):
    first, second = factories.photo(homestay=homestay), factories.photo(homestay=homestay)
    path = Path(first.image.path)

    with django_capture_on_commit_callbacks(execute=True):
        response = action(owner_client, first, "delete")

    assert response.status_code == 302
    assert order(homestay) == [second.pk]
    second.refresh_from_db()
    assert second.position == 0
    assert not path.exists()


def test_deleting_twice_is_harmless(owner_client, homestay):
    photo = factories.photo(homestay=homestay)
    action(owner_client, photo, "delete")

    response = action(owner_client, photo, "delete")

    assert response.status_code == 404
    assert not homestay.photos.exists()


def test_room_type_has_its_own_gallery(owner_client, room):
    url = reverse("owner:room_type_photos", kwargs={"pk": room.pk})

    response = upload(owner_client, url, alt_zh_hans="双人间的大床")

    assert response.status_code == 302
    photo = room.photos.get()
    assert photo.alt_zh_hans == "双人间的大床"
    assert not room.homestay.photos.exists()
    assert "双人间的大床" in owner_client.get(url).content.decode()


def test_unknown_action_is_404(owner_client, homestay):
    photo = factories.photo(homestay=homestay)

    assert action(owner_client, photo, "rotate").status_code == 404


def test_actions_need_a_post(owner_client, homestay):
    photo = factories.photo(homestay=homestay)

    url = reverse("owner:photo_action", kwargs={"pk": photo.pk, "action": "delete"})
    assert owner_client.get(url).status_code == 405
    assert homestay.photos.exists()


def test_another_owners_photos_cannot_be_seen_or_touched(owner_client, homestay, other_owner):
    their_homestay = other_owner.homestays.get()
    their_room = their_homestay.room_types.get()
    theirs = factories.photo(homestay=their_homestay, alt_zh_hans="别人的照片")
    their_room_photo = factories.photo(room_type=their_room)

    assert owner_client.get(gallery_url(their_homestay)).status_code == 404
    assert upload(owner_client, gallery_url(their_homestay)).status_code == 404
    room_url = reverse("owner:room_type_photos", kwargs={"pk": their_room.pk})
    assert owner_client.get(room_url).status_code == 404
    for photo in (theirs, their_room_photo):
        for name in ("up", "down", "cover", "describe", "delete"):
            assert action(owner_client, photo, name, alt_zh_hans="改了").status_code == 404
    theirs.refresh_from_db()
    assert translated(theirs, "alt", "zh-hans") == "别人的照片"
    assert Photo.objects.count() == 2


def test_a_village_photo_is_staffs_not_an_owners(owner_client, homestay):
    village_photo = factories.photo(village=homestay.village)

    assert action(owner_client, village_photo, "delete").status_code == 404
    assert Photo.objects.filter(pk=village_photo.pk).exists()


def test_a_tourist_has_no_gallery_to_manage(client, tourist, homestay):
    client.force_login(tourist)

    response = client.get(gallery_url(homestay))

    assert response.status_code in (403, 404)
