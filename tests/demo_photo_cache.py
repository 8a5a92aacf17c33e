"""The demo photos (villages/demo/photos.py) drawn once for all the test processes of a machine.

``seed_demo`` draws about 95 pictures with Pillow, some 5 s; each process remembers them
(``lru_cache``), but every pytest-xdist worker and every run drew them again. In the tests each drawing
function is wrapped to keep its bytes in a folder of the temporary directory, named after everything
the bytes depend on (the drawing code, Pillow's and FreeType's versions, Python's ``random``), one file
per picture and its arguments, written atomically; a worker reads what another drew. ``make run`` draws
as before (tests/test_demo_photo_cache.py checks a kept picture is the one drawn afresh).
"""

import hashlib
import inspect
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path

import PIL
from PIL import features

from villages.demo import photos

DRAWINGS = ("village_photo_jpeg", "homestay_photo_jpeg", "attraction_photo_jpeg", "room_photo_jpeg")


def folder() -> Path:
    depends_on = "\n".join(
        [
            inspect.getsource(photos),
            PIL.__version__,
            str(features.version("freetype2")),
            sys.version.split()[0],
        ]
    )
    digest = hashlib.sha256(depends_on.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"lishi-demo-photos-{digest}"


def kept(name: str, draw: Callable[..., bytes], where: Path) -> Callable[..., bytes]:
    @lru_cache(maxsize=512)
    @wraps(draw)
    def draw_or_read(*args, **kwargs) -> bytes:
        called = repr((name, args, sorted(kwargs.items())))
        path = where / f"{hashlib.sha256(called.encode()).hexdigest()[:24]}.jpg"
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        raw = draw(*args, **kwargs)
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=where, delete=False) as partial:
            partial.write(raw)
        os.replace(partial.name, path)
        return raw

    return draw_or_read


@contextmanager
def demo_photos_kept(where: Path | None = None) -> Iterator[Path]:
    """Within the block, the demo's drawing functions read and keep their pictures in ``where``."""
    where = where or folder()
    originals = {name: getattr(photos, name) for name in DRAWINGS}
    for name, draw in originals.items():
        setattr(photos, name, kept(name, draw, where))
    try:
        yield where
    finally:
        for name, draw in originals.items():
            setattr(photos, name, draw)
