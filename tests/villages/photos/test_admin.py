"""Staff manage every gallery in the admin: inline on the village, attraction, homestay and room type
pages, ordered by position, with the owners' upload checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from PIL import Image

from tests import factories
from tests.factories import image_upload
from villages.admin import PhotoForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("subject", "url"),
    [
        ("village", "/admin/villages/village/{pk}/change/"),
        ("attraction", "/admin/villages/attraction/{pk}/change/"),
        ("homestay", "/admin/villages/homestay/{pk}/change/"),
        ("room_type", "/admin/villages/roomtype/{pk}/change/"),
    ],
)
def test_each_subject_has_its_gallery_inline_with_previews(admin_client, subject, url):
    room = factories.room_type()
    subjects = {
        "village": room.homestay.village,
        "attraction": factories.attraction(village=room.homestay.village),
        "homestay": room.homestay,
        "room_type": room,
    }
    photo = factories.photo(**{subject: subjects[subject]}, alt_zh_hans="预览的照片")

    response = admin_client.get(url.format(pk=subjects[subject].pk))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="photos-0-position"' in html and "预览的照片" in html
    assert "/media/thumbs/" in html  # the preview is a thumbnail
    assert photo.image.name in html  # the file's name, to know which it is


def test_staff_upload_is_shrunk_and_stripped_of_its_location():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 31.0, 12.0)}
    form = PhotoForm(
        data={"alt_zh_hans": "村口", "alt_en": "The village gate", "position": 0},
        files=MultiValueDict({"image": [image_upload(size=(3200, 2000), exif=exif)]}),
    )
    assert form.is_valid(), form.errors
    photo = form.save(commit=False)
    photo.village = factories.village()
    photo.save()

    with Image.open(photo.image.path) as saved:
        assert saved.size == (1600, 1000)
        assert dict(saved.getexif()) == {}


def test_staff_upload_of_a_non_picture_is_refused():
    form = PhotoForm(
        data={"alt_zh_hans": "", "alt_en": "", "position": 0},
        files=MultiValueDict({"image": [SimpleUploadedFile("notes.jpg", b"not a picture")]}),
    )

    assert not form.is_valid()
    assert "image" in form.errors
