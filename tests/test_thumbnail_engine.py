"""The tests' thumbnail engine (tests/thumbnail_engine.py) writes what sorl's own engine writes."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils.functional import empty
from PIL import Image
from sorl.thumbnail import default as sorl_default
from sorl.thumbnail import get_thumbnail
from sorl.thumbnail.engines.pil_engine import Engine as PillowEngine
from sorl.thumbnail.models import KVStore

from tests import thumbnail_engine
from villages.demo.photos import homestay_photo_jpeg


@pytest.fixture(autouse=True)
def _own_folder(tmp_path, monkeypatch):
    """Thumbnails kept in this test's folder, none from other tests or runs."""
    monkeypatch.setattr(thumbnail_engine, "FOLDER", tmp_path / "kept-thumbnails")
    thumbnail_engine.forget()
    yield
    thumbnail_engine.forget()


@pytest.fixture
def demo_photo():
    return default_storage.save("photos/demo/courtyard.jpg", io.BytesIO(homestay_photo_jpeg(3, "Courtyard")))


def _thumbnails(name: str) -> list[tuple[bytes, int, int]]:
    made = []
    for geometry, image_format in (("320x213", "WEBP"), ("640x427", "WEBP"), ("480x320", "JPEG")):
        thumbnail = get_thumbnail(name, geometry, crop="center", format=image_format, quality=72)
        with thumbnail.storage.open(thumbnail.name) as file:
            made.append((file.read(), thumbnail.width, thumbnail.height))
    return made


def _forget_made_files(settings) -> None:
    """A fresh key-value store and no thumbnail files: the next request makes them again."""
    KVStore.objects.all().delete()
    cache.clear()
    shutil.rmtree(Path(settings.MEDIA_ROOT) / settings.THUMBNAIL_PREFIX, ignore_errors=True)


def _not_again(*args, **kwargs):
    raise AssertionError("made again, not remembered")


@pytest.mark.django_db
def test_a_remembered_thumbnail_is_the_one_sorls_engine_makes(demo_photo, settings, monkeypatch):
    first = _thumbnails(demo_photo)
    _forget_made_files(settings)
    with monkeypatch.context() as patch:
        patch.setattr(PillowEngine, "create", _not_again)
        remembered = _thumbnails(demo_photo)
        _forget_made_files(settings)
        thumbnail_engine.forget()  # as another process: only the folder has them
        kept = _thumbnails(demo_photo)

    settings.THUMBNAIL_ENGINE = "sorl.thumbnail.engines.pil_engine.Engine"
    sorl_default.engine._wrapped = empty
    try:
        _forget_made_files(settings)
        stock = _thumbnails(demo_photo)
    finally:
        sorl_default.engine._wrapped = empty

    assert remembered == kept == first == stock
    assert len(list(thumbnail_engine.FOLDER.iterdir())) == 3
    assert [Image.open(io.BytesIO(raw)).format for raw, _w, _h in stock] == ["WEBP", "WEBP", "JPEG"]
    assert [(w, h) for _raw, w, h in stock] == [(320, 213), (640, 427), (480, 320)]


@pytest.mark.django_db
def test_other_bytes_under_the_same_name_get_thumbnails_of_their_own(settings):
    name = "photos/demo/same-name.jpg"
    default_storage.save(name, io.BytesIO(homestay_photo_jpeg(1, "One")))
    one = _thumbnails(name)
    _forget_made_files(settings)
    default_storage.delete(name)
    default_storage.save(name, io.BytesIO(homestay_photo_jpeg(2, "Two")))
    two = _thumbnails(name)

    assert all(a[0] != b[0] for a, b in zip(one, two, strict=True))


def test_the_tests_use_the_remembering_engine():
    assert isinstance(sorl_default.engine, thumbnail_engine.RememberingEngine)
