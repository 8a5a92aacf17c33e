"""Galleries: one subject per photo (a database rule), order and cover, and the checks every upload
path shares."""

import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tests import factories
from tests.factories import image_upload
from tests.translated import translated
from villages.models import Photo
from villages.photos import services
from villages.photos.thumbnails import GALLERY_SHAPES, SHAPES

pytestmark = pytest.mark.django_db


def test_a_photo_belongs_to_exactly_one_subject():
    homestay = factories.homestay()
    photo = factories.photo(homestay=homestay)

    with pytest.raises(IntegrityError), transaction.atomic():
        Photo.objects.filter(pk=photo.pk).update(village=homestay.village)
    with pytest.raises(IntegrityError), transaction.atomic():
        Photo.objects.filter(pk=photo.pk).update(homestay=None)


def test_photos_added_go_to_the_end_and_the_first_is_the_cover():
    attraction = factories.attraction()

    first = services.photo_add(subject=attraction, upload=image_upload(), alt_zh_hans=" 山门 ")
    second = services.photo_add(subject=attraction, upload=image_upload(), alt_en="Hall")

    assert [p.pk for p in services.gallery(attraction)] == [first.pk, second.pk]
    assert translated(first, "alt", "zh-hans") == "山门"
    assert (first.position, second.position) == (0, 1)


def test_each_subject_has_its_own_order():
    village = factories.village()
    homestay = factories.homestay(village=village)
    on_village = services.photo_add(subject=village, upload=image_upload())
    on_homestay = services.photo_add(subject=homestay, upload=image_upload())

    assert (on_village.position, on_homestay.position) == (0, 0)
    assert services.gallery(village) == [on_village]


def test_cover_moves_to_the_front_and_the_rest_keep_their_order():
    room = factories.room_type()
    a, b, c, d = (factories.photo(room_type=room) for _ in range(4))

    services.photo_make_cover(photo=c)

    assert [p.pk for p in services.gallery(room)] == [c.pk, a.pk, b.pk, d.pk]
    assert [p.position for p in services.gallery(room)] == [0, 1, 2, 3]


def test_a_bad_upload_changes_nothing():
    homestay = factories.homestay()
    factories.photo(homestay=homestay)

    with pytest.raises(ValidationError) as refused:
        services.photo_add(subject=homestay, upload=image_upload("anim.gif", (10, 10), "GIF"))

    assert refused.value.code == "photo_format"
    assert homestay.photos.count() == 1


def test_a_new_photos_thumbnails_are_made_after_the_commit(django_capture_on_commit_callbacks, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    homestay = factories.homestay()

    thumbs = Path(settings.MEDIA_ROOT) / settings.THUMBNAIL_PREFIX

    with django_capture_on_commit_callbacks(execute=True):
        services.photo_add(subject=homestay, upload=image_upload())

    made = [path.suffix for path in thumbs.rglob("*.*")]
    gallery = [SHAPES[name] for name in GALLERY_SHAPES]
    sizes = {(w, round(w * s.ratio[1] / s.ratio[0])) for s in gallery if s.ratio for w in s.widths}
    assert (made.count(".webp"), made.count(".jpg")) == (len(sizes), len(sizes))  # shapes share a size


@pytest.mark.django_db(transaction=True)
def test_two_phones_adding_at_once_get_different_positions():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time anyway; the row lock matters on PostgreSQL")
    homestay = factories.homestay()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def add() -> None:
        try:
            barrier.wait()
            services.photo_add(subject=homestay, upload=image_upload())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(homestay.photos.values_list("position", flat=True)) == [0, 1]
