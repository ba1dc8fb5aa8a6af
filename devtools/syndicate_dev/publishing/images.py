"""Where an article's images come from: the one place that turns what a writer wrote into what the
API accepts.

An image is either already hosted somewhere (an http(s) URL, sent as written) or a local file: the
front matter's ``image`` (the schema's mapping, or just its URL) as a path, or an image in the
Markdown body written inline (``![alt](./photo.jpg)``), a path relative to the Markdown file. A
local file is checked here with the service's own rules (``syndicate.assets.inspection``: a real
JPEG, PNG, GIF or WebP of at most 10 MiB), so a file the service would refuse is reported on its
line before anything is sent; then, when the article is published, it is uploaded (``POST
/assets``, then its presigned S3 POST; once per distinct file in a run, by SHA-256, and not at all
when the API already holds it verified), waited for until the service has checked it, and the
reference is rewritten to the hosted URL. The front matter's image also gets the facts the service
recorded (``type``, ``length``, ``width``, ``height``), which are what the API stores for it, so
publishing again compares equal and changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from syndicate.assets.inspection import NotAnImage, inspect_image
from syndicate.assets.model import MAX_IMAGE_BYTES
from syndicate.errors import Violation
from syndicate_dev.publishing.api import ProblemAnswer, PublisherApi

# Stands in for a local image while the rest of the document is checked against the contract.
PLACEHOLDER_URL = "https://local-image.invalid/"
# An inline image's destination: ![alt](dest "title") or ![alt](<dest with spaces>).
_INLINE_IMAGE = re.compile(r"!\[(?:[^\]\\\n]|\\.)*\]\(\s*(<[^>\n]*>|[^\s)]+)")


@dataclass(frozen=True)
class LocalImage:
    """A local image file an article refers to, and where."""

    written: str  # the reference as written (a body destination keeps its <...>)
    path: Path
    pointer: str  # /image/url or /body
    line: int  # in the file
    data: bytes
    sha256: str
    media_type: str


@dataclass(frozen=True)
class HostedImage:
    url: str
    facts: dict[str, Any]  # type, length, width, height, as the service recorded them


class ImageRefused(Exception):
    """The service refused an upload; ``reason`` says why."""

    def __init__(self, image: LocalImage, reason: str) -> None:
        super().__init__(reason)
        self.image = image
        self.reason = reason


def is_local(reference: str) -> bool:
    """A relative path: no scheme, no host, not site-absolute, not a fragment."""
    parts = urlsplit(reference)
    return bool(parts.path) and not parts.scheme and not parts.netloc and not reference.startswith(("/", "#"))


def front_matter_image(value: Any) -> Any:
    """The ``image`` field as the schema's mapping (``image: URL`` is its ``url``)."""
    return {"url": value} if isinstance(value, str) else value


def local_images(
    document: dict[str, Any], markdown_path: Path, body_line: int, line_of: Callable[[str], int]
) -> tuple[list[LocalImage], list[tuple[Violation, int]]]:
    """The local images ``document`` refers to, read and checked, and why any cannot be used, each
    with its line (``line_of`` gives a front-matter pointer's)."""
    found: list[LocalImage] = []
    refused: list[tuple[Violation, int]] = []
    url = _front_matter_path(document)
    references = [(url, "/image/url", line_of("/image/url"))] if url else []
    references += [(written, "/body", body_line + line) for written, line in _body_paths(document.get("body", ""))]
    for written, pointer, line in references:
        try:
            found.append(_read(written, markdown_path.parent, pointer, line))
        except NotAnImage as problem:
            refused.append((Violation(pointer, f"{written}: {problem}"), line))
    return found, refused


def with_placeholders(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with a local front-matter image's URL replaced by a valid one, for checking the rest."""
    path = _front_matter_path(document)
    if path is None:
        return document
    return {**document, "image": {**document["image"], "url": PLACEHOLDER_URL}}


def _front_matter_path(document: dict[str, Any]) -> str | None:
    image = document.get("image")
    url = image.get("url") if isinstance(image, dict) else None
    return url if isinstance(url, str) and url and is_local(url) else None


def _body_paths(body: str) -> list[tuple[str, int]]:
    """Each inline image destination that is a local path, with its 0-based line in the body."""
    found = []
    for match in _INLINE_IMAGE.finditer(body):
        written = match[1]
        if is_local(_unbracketed(written)):
            found.append((written, body.count("\n", 0, match.start(1))))
    return found


def _unbracketed(written: str) -> str:
    return written[1:-1] if written.startswith("<") and written.endswith(">") else written


def _read(written: str, folder: Path, pointer: str, line: int) -> LocalImage:
    path = folder / unquote(urlsplit(_unbracketed(written)).path)
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise NotAnImage(f"is {size:,} bytes; images of at most {MAX_IMAGE_BYTES:,} are hosted")
        data = path.read_bytes()
    except OSError as error:
        raise NotAnImage(f"cannot be read: {error.strerror}") from None
    facts = inspect_image(data)
    return LocalImage(written, path, pointer, line, data, hashlib.sha256(data).hexdigest(), facts.type)


class ImageHost:
    """Uploads local images once per run (by SHA-256) and waits until the service has checked them.

    ``wait_seconds`` bounds the wait for one image; ``sleep`` and ``monotonic`` are injectable so
    tests never wait on a wall clock.
    """

    def __init__(
        self,
        api: PublisherApi,
        *,
        wait_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._api = api
        self._wait_seconds = wait_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._hosted: dict[str, HostedImage] = {}

    def host(self, image: LocalImage) -> HostedImage:
        """The image's hosted URL and facts, uploading it first if the API does not hold it yet."""
        known = self._hosted.get(image.sha256)
        if known is not None:
            return known
        answer = self._api.request_upload(image.media_type, len(image.data), image.sha256)
        if answer.get("upload"):
            self._api.upload(answer["upload"], image.data, image.media_type)
            answer = self._checked(image)
        hosted = HostedImage(str(answer["url"]), {key: answer[key] for key in ("type", "length", "width", "height")})
        self._hosted[image.sha256] = hosted
        return hosted

    def known(self, image: LocalImage) -> HostedImage | None:
        """What the API already holds verified for the image (a dry run uploads nothing)."""
        state = self._api.upload_state(image.sha256)
        if state is None or state.get("state") != "verified":
            return None
        return HostedImage(str(state["url"]), {key: state[key] for key in ("type", "length", "width", "height")})

    def _checked(self, image: LocalImage) -> dict[str, Any]:
        deadline = self._monotonic() + self._wait_seconds
        pause = 0.2
        while True:
            state = self._api.upload_state(image.sha256)
            if state is not None and state.get("state") == "verified":
                return state
            if state is not None and state.get("state") == "refused":
                raise ImageRefused(image, str(state.get("reason") or "refused"))
            if self._monotonic() + pause > deadline:
                raise ProblemAnswer(
                    504, "", f"{image.written} was uploaded but not checked within {self._wait_seconds:g} s", []
                )
            self._sleep(pause)
            pause = min(pause * 2, 2.0)


def rewritten(document: dict[str, Any], images: list[LocalImage], hosted: dict[str, HostedImage]) -> dict[str, Any]:
    """``document`` with each local image replaced by its hosted URL (``hosted`` by SHA-256); the
    front matter's image also gets its recorded facts, which win over what the file says."""
    result = dict(document)
    body = result.get("body", "")
    for image in images:
        url = hosted[image.sha256].url
        if image.pointer == "/image/url":
            result["image"] = {**result["image"], "url": url, **hosted[image.sha256].facts}
        else:
            body = _INLINE_IMAGE.sub(functools.partial(_swap, written=image.written, url=url), body)
    if "body" in result:
        result["body"] = body
    return result


def _swap(match: re.Match[str], written: str, url: str) -> str:
    if match[1] != written:
        return match[0]
    start = match.start(1) - match.start(0)
    return match[0][:start] + url
