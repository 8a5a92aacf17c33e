"""The demo photos kept for the test processes (tests/demo_photo_cache.py) are the ones drawn afresh."""

import inspect

import pytest

from tests.demo_photo_cache import DRAWINGS, demo_photos_kept, folder
from villages.demo import photos

CALLS = {
    "village_photo_jpeg": (5, "Caijiazhuang"),
    "homestay_photo_jpeg": (7, "Courtyard"),
    "attraction_photo_jpeg": ("temple", 3, "Temple"),
    "room_photo_jpeg": (2, "Kang room"),
}


def _fresh(name: str, args: tuple) -> bytes:
    """Drawn now: past both the session's folder and the process's memo."""
    return inspect.unwrap(getattr(photos, name))(*args)


@pytest.mark.parametrize("name", DRAWINGS)
def test_a_kept_demo_photo_is_the_one_drawn_afresh(name, tmp_path, monkeypatch):
    args = CALLS[name]
    fresh = _fresh(name, args)
    with demo_photos_kept(tmp_path) as where:
        drawn = getattr(photos, name)(*args)
    assert [path.read_bytes() for path in where.iterdir()] == [drawn]

    monkeypatch.setattr(photos, name, _refuse_to_draw)
    with demo_photos_kept(tmp_path):
        read = getattr(photos, name)(*args)

    assert read == drawn == fresh


def _refuse_to_draw(*args, **kwargs):
    raise AssertionError("drawn again, not read from the folder")


def test_other_arguments_are_other_pictures(tmp_path):
    with demo_photos_kept(tmp_path) as where:
        first = photos.homestay_photo_jpeg(1, "One")
        second = photos.homestay_photo_jpeg(2, "One")
        third = photos.homestay_photo_jpeg(1, "Two")
    assert len({first, second, third}) == 3
    assert len(list(where.iterdir())) == 3


def test_the_drawings_are_restored_after_the_block(tmp_path):
    before = {name: getattr(photos, name) for name in DRAWINGS}
    with demo_photos_kept(tmp_path):
        assert all(getattr(photos, name) is not before[name] for name in DRAWINGS)
    assert {name: getattr(photos, name) for name in DRAWINGS} == before


def test_the_folder_is_named_after_the_drawing_code():
    assert folder().name.startswith("lishi-demo-photos-")
    assert folder() == folder()
