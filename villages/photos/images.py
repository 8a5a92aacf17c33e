"""A photo upload (an owner's or staff's), checked and made ready for the web: JPEG, PNG or WebP of at
most 8 MB, turned upright (EXIF orientation), shrunk to at most 1600 px wide, saved as JPEG without its
metadata (phone photos carry the GPS position of the owner's house)."""

import warnings
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo is fine; a decompression bomb is not
MAX_WIDTH = 1600
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
JPEG_QUALITY = 82


def _open(upload: File) -> Image.Image:
    if (upload.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("照片不能超过8MB The photo must be 8 MB or smaller"), code="photo_size")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload)
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("照片须为JPEG、PNG或WebP格式 The photo must be a JPEG, PNG or WebP image"),
                    code="photo_format",
                )
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombWarning
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("无法识别这张照片 This file is not a readable image"), code="photo_invalid"
        ) from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_("照片像素太多 The photo has too many pixels"), code="photo_pixels") from None
    return image


def photo_for_web(upload: File) -> ContentFile:
    """The photo as a web-sized JPEG; raises ``ValidationError`` (code ``photo_*``) for a bad upload."""
    image = ImageOps.exif_transpose(_open(upload))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    if image.width > MAX_WIDTH:
        height = round(image.height * MAX_WIDTH / image.width)
        image = image.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
    output = BytesIO()
    image.save(output, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(output.getvalue())
