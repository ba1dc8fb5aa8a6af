"""Whether some bytes are really an image of an allowed type, and its width and height.

Pillow reads the bytes, never the name or the declared Content-Type: the type is the format the
decoder recognised. ``verify()`` checks the file's structure (PNG chunks and their CRCs, ...)
and a full ``load()`` decodes every pixel (the first frame of an animation), so a truncated or
corrupt file, an HTML page, an SVG (XML, which Pillow does not open) or a script named
``.jpg`` is refused. Images past ``MAX_IMAGE_PIXELS`` are refused before decoding: a small file
can declare a huge canvas (a decompression bomb).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from syndicate.assets.model import MAX_IMAGE_PIXELS, ImageFacts

# Pillow's format name -> the media type it stands for: the allowed ones, model.EXTENSIONS's keys.
_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


class NotAnImage(ValueError):
    """The bytes are not an image Syndicate hosts; the message says why, for the publisher."""


def inspect_image(data: bytes) -> ImageFacts:
    """The facts of ``data`` as an image, or NotAnImage with the reason."""
    media_type, size = _identified(data)
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise NotAnImage(f"is {width}×{height} pixels, more than the {MAX_IMAGE_PIXELS:,} hosted")
    _decode(data)
    return ImageFacts(type=media_type, length=len(data), width=width, height=height)


def _identified(data: bytes) -> tuple[str, tuple[int, int]]:
    try:
        with _opened(data) as image:
            media_type = _FORMATS.get(image.format or "")
            size = image.size
    except Image.DecompressionBombError:
        raise NotAnImage(f"has more pixels than the {MAX_IMAGE_PIXELS:,} hosted") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise NotAnImage("is not an image of a type hosted here (JPEG, PNG, GIF or WebP)") from None
    if media_type is None:
        raise NotAnImage("is not an image of a type hosted here (JPEG, PNG, GIF or WebP)")
    return media_type, size


def _decode(data: bytes) -> None:
    try:
        with _opened(data) as image:
            image.verify()
        with _opened(data) as image:
            image.load()
    except Exception as error:  # every decoder failure means the same: not a whole image
        raise NotAnImage(f"is not a whole, readable image ({type(error).__name__})") from None


def _opened(data: bytes) -> Image.Image:
    """The image, not decoded yet; its pixel count is checked here, not by Pillow's warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data), formats=list(_FORMATS))
