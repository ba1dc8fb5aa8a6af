"""Where an article's images come from: the one place that turns what a writer wrote into what the
API accepts, so hosting local images (uploading them and rewriting the reference) belongs here.

The API takes only images that already live at an http(s) URL. The front matter's ``image`` is
the schema's mapping (``url``, ``alt``, ...) or just its URL; a local path is refused with that
reason rather than with the schema's "must be a valid absolute URI". Images referenced in the
Markdown body are sent as written.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from syndicate.errors import Violation

LOCAL_IMAGE = "is a local file ({path}); images are not uploaded: give the URL where the image is hosted"


def front_matter_image(value: Any) -> tuple[Any, list[Violation]]:
    """The ``image`` field to send, and why it cannot be sent (empty when it can)."""
    image = {"url": value} if isinstance(value, str) else value
    url = image.get("url") if isinstance(image, dict) else None
    if isinstance(url, str) and url and not urlsplit(url).scheme:
        return image, [Violation("/image/url", LOCAL_IMAGE.format(path=url))]
    return image, []
