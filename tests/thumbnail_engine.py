"""sorl-thumbnail's Pillow engine for the tests, remembering in the process each thumbnail it made.

Every test has a media folder of its own and a database emptied after it, so without this a browser test
draws again the thumbnails of all demo photos its pages show (a card: three widths in WebP and in JPEG,
about 0.3 s a card): the same bytes from the same source bytes, test after test. This engine keys each
thumbnail on the SHA-256 of its source file's bytes, the geometry and sorl's options, and on a second
request writes the remembered bytes to the test's storage instead of decoding, resizing and encoding
again. Pillow encodes deterministically, so the file written is the one the stock engine would write
(tests/test_thumbnail_engine.py checks that); the thumbnail still goes to storage and sorl's key-value
store as before. Production uses sorl's own engine (tourism/settings.py sets none).
"""

import hashlib
from dataclasses import dataclass
from io import BytesIO

from PIL import Image
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


def _key(digest: str, geometry, options: dict) -> tuple:
    # image_info (the source's ICC profile, loop count ...) comes from the source bytes: in the digest.
    return (digest, tuple(geometry), repr(sorted((k, v) for k, v in options.items() if k != "image_info")))


class RememberingEngine(PillowEngine):
    def get_image(self, source):
        raw = source.read()
        image = Image.open(BytesIO(raw))
        image.lishi_digest = hashlib.sha256(raw).hexdigest()  # type: ignore[attr-defined]
        return image

    def create(self, image, geometry, options):
        key = _key(image.lishi_digest, geometry, options)
        if key in _made:
            return _made[key]
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
            _made[key] = Remembered(capture.raw, image.size)

    def cleanup(self, image):
        if not isinstance(image, Remembered):
            super().cleanup(image)


def forget() -> None:
    _made.clear()
