"""A writer's folder holding the seed article as Markdown with its photo as a local file,
published to the local stack with `syndicate publish`: the photo is uploaded (POST /assets and a
presigned POST to the stack's moto S3), checked by VerifyUploadsFunction through the upload
queue, and served by the site under /media/ immutable; feeds, the article page and a digest show
it with its exact type, length, width and height; publishing again uploads and changes nothing."""

from __future__ import annotations

import re
import urllib.request
import uuid
from email import message_from_string, policy
from pathlib import Path

import feedparser

from syndicate_dev.cli import main
from tests.e2e import flows
from tests.support import events
from tests.support.images import image_bytes, sha256

SEED = events.EVENTS / "markdown" / "photo-of-the-day.md"


def seed_with_local_photo(folder: Path, tag: str) -> bytes:
    """The seed article with its photo as ./photos/soyuz.jpg (a real JPEG made here) and once more
    in the body; no date, so it is published now (a digest carries what came after the reader)."""
    photo = image_bytes("image/jpeg", 640, 360, colour="#1b3a5c")
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "soyuz.jpg").write_bytes(photo)
    text = SEED.read_text(encoding="utf-8")
    text = re.sub(r"^  url: https://images\.syndicate\.example/\S+$", "  url: ./photos/soyuz.jpg", text, flags=re.M)
    text = re.sub(r"^  (type|width|height|length): .+\n", "", text, flags=re.M)
    text = re.sub(r"^date: .+\n", "", text, flags=re.M)
    text = re.sub(r"^id: (.+)$", rf"id: {tag}-\1", text, flags=re.M)
    text = text.replace("\ncategories:\n", f"\ncategories:\n  - {tag}\n", 1)
    (folder / "soyuz.md").write_text(
        text + "\n![Soyuz MS-28 at the docking port](photos/soyuz.jpg)\n", encoding="utf-8"
    )
    return photo


def syndicate(capsys, *arguments: str) -> tuple[int, list[str], list[str]]:
    capsys.readouterr()
    status = main(list(arguments))
    printed = capsys.readouterr()
    return status, printed.out.splitlines(), printed.err.splitlines()


def test_the_seed_with_its_local_photo_is_hosted_and_shown_everywhere_with_exact_facts(
    local_stack, tmp_path, capsys, monkeypatch, sent
):
    tag = f"img{uuid.uuid4().hex[:10]}"
    photo = seed_with_local_photo(tmp_path / tag, tag)
    key = local_stack.console("POST", "/publishers", body={"name": f"Desk {tag}"}).json["api_key"]
    monkeypatch.setenv("SYNDICATE_API_URL", local_stack.api_url)
    monkeypatch.setenv("SYNDICATE_API_KEY", key)
    reader = flows.new_reader()
    flows.subscribe_and_confirm(local_stack, reader)

    status, out, err = syndicate(capsys, "publish", str(tmp_path))

    assert (status, err) == (0, []), out
    assert out[-1] == "1 file: 1 created"
    article = local_stack.call("GET", f"/articles/{tag}-2025-12-17-soyuz-ms-28-meets-iss", key=key).json
    url = f"{local_stack.description['site_url']}/media/{sha256(photo)}.jpg"
    facts = {"type": "image/jpeg", "length": len(photo), "width": 640, "height": 360}
    assert article["image"] == {**article["image"], "url": url, **facts}
    assert f"![Soyuz MS-28 at the docking port]({url})" in article["body"]

    with urllib.request.urlopen(url, timeout=30) as hosted:
        assert (hosted.status, hosted.read()) == (200, photo)
        assert hosted.headers["Content-Type"] == "image/jpeg"
        assert hosted.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    flows.run_schedule(local_stack, "render-feeds")
    feed = local_stack.call("GET", f"{local_stack.description['site_url']}/feeds/categories/{tag}/rss.xml", key=None)
    assert f'<enclosure url="{url}" length="{len(photo)}" type="image/jpeg"/>' in feed.body
    assert f'type="image/jpeg" width="640" height="360" fileSize="{len(photo)}"' in feed.body
    assert len(feedparser.parse(feed.body).entries) == 1
    page = local_stack.call(
        "GET", f"{local_stack.description['site_url']}/articles/{article['public_id']}.html", key=None
    )
    assert f'src="{url}"' in page.body and 'width="640" height="360"' in page.body

    flows.run_schedule(local_stack, "daily-digest")
    [digest] = flows.wait_for_email(local_stack, reader, 3)[2:]  # after the confirmation and the welcome
    html = message_from_string(digest["raw"], policy=policy.default).get_body(("html",)).get_content()
    assert f'src="{url}"' in html and 'width="568" height="320"' in html

    sent.clear()
    status, out, _ = syndicate(capsys, "publish", str(tmp_path))

    assert status == 0
    assert out[-1] == "1 file: 1 unchanged"
    assert [method for method, _ in sent] == ["GET", "POST"]  # the article, and POST /assets: nothing uploaded
    assert all(target.startswith(local_stack.api_url) for _, target in sent)
