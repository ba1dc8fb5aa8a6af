"""Outbound HTTP the feed renderer makes: WebSub hub pings and image size probes (urllib, no boto3)."""

from __future__ import annotations

import urllib.parse
import urllib.request

USER_AGENT = "Syndicate/1.0 (+feeds)"


class WebSubPinger:
    """Tells a WebSub hub a topic changed: POST hub.mode=publish&hub.url=<feed URL>."""

    def __init__(self, timeout: float = 3.0) -> None:
        self.timeout = timeout

    def ping(self, hub_url: str, topic_url: str) -> None:
        data = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": topic_url}).encode("ascii")
        request = urllib.request.Request(  # noqa: S310 - the operator's hub URL, http(s) by its setting
            hub_url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - as above
            if response.status >= 300:
                raise OSError(f"hub answered {response.status}")


class HttpImageProbe:
    """An image's size and media type from a HEAD request; raises when they cannot be learned."""

    def __init__(self, timeout: float = 2.0) -> None:
        self.timeout = timeout

    def describe(self, url: str) -> tuple[int, str]:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"not an http(s) URL: {url}")
        request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": USER_AGENT})  # noqa: S310 - scheme checked
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - scheme checked
            length = response.headers.get("Content-Length")
            media_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip()
        if length is None or not length.isdigit() or not media_type.startswith("image/"):
            raise ValueError(f"no usable Content-Length/Content-Type for {url}")
        return int(length), media_type
