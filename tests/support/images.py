"""Small real images made in the test (Pillow), and their SHA-256."""

from __future__ import annotations

import hashlib
import io

from PIL import Image

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def image_bytes(media_type: str = "image/jpeg", width: int = 64, height: int = 48, colour: str = "#2a6") -> bytes:
    out = io.BytesIO()
    mode = "P" if media_type == "image/gif" else "RGB"
    Image.new("RGB", (width, height), colour).convert(mode).save(out, FORMATS[media_type])
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
