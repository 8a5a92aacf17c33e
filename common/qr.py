"""QR codes drawn on the server (no script, no request to anyone else): a WeChat Pay Native code to
scan with another phone, or to long-press inside WeChat, which recognises codes in images."""

import segno


def qr_data_uri(data: str, *, scale: int = 6) -> str:
    """``data`` as a PNG QR code in a ``data:`` address for an ``<img>`` (medium error correction,
    the standard quiet zone around it)."""
    return segno.make(data, error="m", micro=False).png_data_uri(scale=scale)
