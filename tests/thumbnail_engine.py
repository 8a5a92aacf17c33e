"""sorl-thumbnail's Pillow engine for the tests, remembering each thumbnail it made.

Every test has a media folder of its own and a database emptied after it, so without this a browser test
draws again the thumbnails of all demo photos its pages show (a card: three widths in WebP and in JPEG,
about 0.3 s a card): the same bytes from the same source bytes, test after test. This engine keys each
thumbnail on the SHA-256 of its source file's bytes, the geometry and sorl's options, and on a second
request writes the remembered bytes to the test's storage instead of decoding, resizing and encoding
again. Pillow encodes deterministically, so the file written is the one the stock engine would write
(tests/test_thumbnail_engine.py checks that); the thumbnail still goes to storage and sorl's key-value
store as before. The bytes are also kept in a folder of the temporary directory (named after Pillow's,
its codecs' and sorl's versions), so a pytest-xdist worker or a later run reads what another made.
Production uses sorl's own engine (tourism/settings.py sets none).
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

import PIL
from PIL import Image, features
from sorl.thumbnail.engines.pil_engine import Engine as PillowEngine

DOTTED_PATH = "tests.thumbnail_engine.RememberingEngine"


@dataclass(frozen=True)
class Remembered:
    """A thumbnail made before: its encoded bytes and its size (what sorl asks of the image after)."""

    raw: bytes
    size: tuple[int, int]


class _Capture:
    """Stands for sorl's thumbnail file in ``write``: keeps the encoded bytes, then writes them."""

    def __init__(self, thumbnail):
        self.thumbnail = thumbnail
        self.raw = b""

    def write(self, raw: bytes) -> None:
        self.raw = raw
        self.thumbnail.write(raw)


_made: dict[tuple, Remembered] = {}
_MAKERS = (
    f"{PIL.__version__} {features.version('webp')} {features.version('jpg')} {version('sorl-thumbnail')}"
)
FOLDER = Path(tempfile.gettempdir()) / f"lishi-thumbnails-{hashlib.sha256(_MAKERS.encode()).hexdigest()[:16]}"


def _key(digest: str, geometry, options: dict) -> tuple:
    # image_info (the source's ICC profile, loop count ...) comes from the source bytes: in the digest.
    return (digest, tuple(geometry), repr(sorted((k, v) for k, v in options.items() if k != "image_info")))


def _kept_file(key: tuple) -> Path:
    return FOLDER / hashlib.sha256(repr(key).encode()).hexdigest()


def _recall(key: tuple) -> Remembered | None:
    if key in _made:
        return _made[key]
    try:
        raw = _kept_file(key).read_bytes()
    except FileNotFoundError:
        return None
    with Image.open(BytesIO(raw)) as image:
        _made[key] = Remembered(raw, image.size)
    return _made[key]


def _keep(key: tuple, remembered: Remembered) -> None:
    _made[key] = remembered
    FOLDER.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=FOLDER, delete=False) as partial:
        partial.write(remembered.raw)
    os.replace(partial.name, _kept_file(key))


class RememberingEngine(PillowEngine):
    def get_image(self, source):
        raw = source.read()
        image = Image.open(BytesIO(raw))
        image.lishi_digest = hashlib.sha256(raw).hexdigest()  # type: ignore[attr-defined]
        return image

    def create(self, image, geometry, options):
        key = _key(image.lishi_digest, geometry, options)
        remembered = _recall(key)
        if remembered is not None:
            return remembered
        made = super().create(image, geometry, options)
        if not isinstance(made, list):  # an animated GIF's frames are not remembered
            made.lishi_key = key
        return made

    def get_image_size(self, image):
        if isinstance(image, Remembered):
            return image.size
        return super().get_image_size(image)

    def write(self, image, options, thumbnail):
        if isinstance(image, Remembered):
            thumbnail.write(image.raw)
            return
        capture = _Capture(thumbnail)
        super().write(image, options, capture)
        key = getattr(image, "lishi_key", None)
        if key is not None:
            _keep(key, Remembered(capture.raw, image.size))

    def cleanup(self, image):
        if not isinstance(image, Remembered):
            super().cleanup(image)


def forget() -> None:
    """Forget what this process remembers (the folder stays)."""
    _made.clear()
