"""Hosted images on moto: POST /assets, the presigned upload, the S3 event through the upload
queue to VerifyUploadsFunction, and articles that use the hosted image."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import requests

from syndicate.adapters.assets import ClaimTable
from syndicate.assets.model import IMMUTABLE
from syndicate_dev.local.queues import QueueDelivery
from syndicate_dev.local.runtime import FunctionFailed
from tests.support import events
from tests.support.api import Answer, ApiCaller
from tests.support.images import image_bytes, sha256
from tests.support.lambda_context import FakeLambdaContext


class _Runtime:
    region = "us-east-1"

    def __init__(self, functions: Any) -> None:
        self.functions = functions

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        try:
            return self.functions.invoke(function, event, FakeLambdaContext())
        except Exception as error:
            raise FunctionFailed(function, error) from error


class Images:
    """A publisher hosting images, and the stack checking them."""

    def __init__(self, functions: Any, stack: Any) -> None:
        self.functions = functions
        self.stack = stack
        self.api = ApiCaller(functions.handler("ArticlesApiFunction"))
        self.delivery = QueueDelivery(
            stack.template, stack.resolver, _Runtime(functions), boto3.client("sqs"), retry_delay=0
        )

    def request(
        self, data: bytes, media_type: str = "image/jpeg", publisher: str = "pub_alice", **declared: Any
    ) -> Answer:
        body = {"type": media_type, "length": len(data), "sha256": sha256(data), **declared}
        return self.api.as_publisher(publisher)("POST", "/assets", body=body)

    def upload(self, answer: Answer, data: bytes) -> requests.Response:
        form = answer.json["upload"]
        return requests.post(form["url"], data=form["fields"], files={"file": ("image", data)}, timeout=10)

    def host(self, data: bytes, media_type: str = "image/jpeg", publisher: str = "pub_alice") -> dict[str, Any]:
        answer = self.request(data, media_type, publisher)
        if "upload" in answer.json:
            assert self.upload(answer, data).status_code in (200, 201, 204)
            assert self.verify()
        return self.state(sha256(data), publisher)

    def verify(self) -> bool:
        return self.delivery.drain(timeout=30)

    def state(self, digest: str, publisher: str = "pub_alice") -> dict[str, Any]:
        answer = self.api.as_publisher(publisher)("GET", f"/assets/{digest}")
        return {"status": answer.status, **answer.json}

    def site_object(self, key: str) -> Any:
        try:
            return boto3.client("s3").get_object(Bucket=self.stack.name("SiteBucket"), Key=key)
        except boto3.client("s3").exceptions.NoSuchKey:
            return None

    def uploads_left(self) -> list[str]:
        listed = boto3.client("s3").list_objects_v2(Bucket=self.stack.name("UploadBucket"))
        return [entry["Key"] for entry in listed.get("Contents", [])]


@pytest.fixture
def images(functions, stack) -> Images:
    return Images(functions, stack)


def test_an_uploaded_jpeg_is_verified_hosted_immutable_and_recorded_with_its_exact_facts(images, stack):
    photo = image_bytes("image/jpeg", 320, 200)

    state = images.host(photo)

    assert state["status"] == 200
    assert state["state"] == "verified"
    assert (state["type"], state["length"], state["width"], state["height"]) == ("image/jpeg", len(photo), 320, 200)
    assert state["url"].endswith(f"/media/{sha256(photo)}.jpg")
    stored = images.site_object(f"media/{sha256(photo)}.jpg")
    assert stored["Body"].read() == photo
    assert stored["ContentType"] == "image/jpeg"
    assert stored["CacheControl"] == IMMUTABLE
    assert images.uploads_left() == []


def test_the_upload_form_is_pinned_to_the_key_type_and_exact_length(images):
    photo = image_bytes()

    answer = images.request(photo)

    assert answer.status == 200
    assert answer.json["state"] == "pending"
    fields = answer.json["upload"]["fields"]
    assert fields["key"] == f"uploads/pub_alice/{sha256(photo)}"
    assert fields["Content-Type"] == "image/jpeg"
    policy = json.loads(__import__("base64").b64decode(fields["policy"]))
    assert ["content-length-range", len(photo), len(photo)] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert answer.header("Cache-Control") == "private, no-store"


def test_hosting_the_same_bytes_again_asks_for_no_upload(images):
    photo = image_bytes()
    images.host(photo)

    again = images.request(photo)

    assert again.status == 200
    assert "upload" not in again.json
    assert again.json["state"] == "verified"
    assert again.json["width"] == 64


def test_another_publisher_is_answered_as_if_the_bytes_were_never_uploaded(images):
    photo = image_bytes()
    images.host(photo, publisher="pub_alice")

    bob = images.request(photo, publisher="pub_bob")

    assert bob.json["state"] == "pending"
    assert "upload" in bob.json
    assert images.state(sha256(photo), "pub_bob")["status"] == 404


@pytest.mark.parametrize(
    ("data", "declared", "reason"),
    [
        (b"<html><script>alert(1)</script></html>", "image/jpeg", "not an image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/png", "not an image"),
        (image_bytes("image/png"), "image/jpeg", "is image/png, not the image/jpeg"),
        (image_bytes("image/jpeg", 320, 200)[:-400], "image/jpeg", "not a whole, readable image"),
    ],
    ids=["html-named-jpeg", "svg-named-png", "png-declared-jpeg", "truncated-jpeg"],
)
def test_what_is_not_an_allowed_image_is_refused_and_removed(images, data, declared, reason):
    answer = images.request(data, declared)
    images.upload(answer, data)

    assert images.verify()

    state = images.state(sha256(data))
    assert state["state"] == "refused"
    assert reason in state["reason"]
    assert images.uploads_left() == []
    assert images.site_object(f"media/{sha256(data)}.jpg") is None
    assert images.site_object(f"media/{sha256(data)}.png") is None


def test_bytes_that_do_not_hash_to_the_declared_sha256_are_refused(images):
    photo, other = image_bytes(colour="#123"), image_bytes(colour="#456")
    answer = images.request(photo)
    form = answer.json["upload"]
    requests.post(form["url"], data=form["fields"], files={"file": ("image", other)}, timeout=10)

    assert images.verify()

    assert "SHA-256" in images.state(sha256(photo))["reason"]


def test_a_duplicate_event_after_verification_changes_nothing(images, functions, stack):
    photo = image_bytes()
    images.host(photo)
    event = events.load("sqs/image-upload.json")
    body = json.loads(event["Records"][0]["body"])
    body["Records"][0]["s3"]["object"]["key"] = f"uploads/pub_alice/{sha256(photo)}"
    event["Records"][0]["body"] = json.dumps(body)

    result = functions.invoke("VerifyUploadsFunction", event)

    assert result == {"batchItemFailures": []}
    assert images.state(sha256(photo))["state"] == "verified"


def test_an_old_form_used_again_with_other_bytes_never_undoes_a_verified_image(images):
    photo = image_bytes()
    answer = images.request(photo)
    images.upload(answer, photo)
    images.verify()

    images.upload(answer, b"<html>not the photo</html>")
    assert images.verify()

    assert images.state(sha256(photo))["state"] == "verified"
    assert images.uploads_left() == []


def test_a_refused_upload_can_be_sent_again_and_verified(images):
    photo = image_bytes()
    answer = images.request(photo)
    images.upload(answer, photo[:200])
    images.verify()
    assert images.state(sha256(photo))["state"] == "refused"

    retry = images.request(photo)
    images.upload(retry, photo)
    images.verify()

    assert images.state(sha256(photo))["state"] == "verified"


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"type": "image/svg+xml", "length": 10, "sha256": "a" * 64}, ["/type"]),
        ({"type": "image/jpeg", "length": 10 * 1024 * 1024 + 1, "sha256": "a" * 64}, ["/length"]),
        ({"type": "image/jpeg", "length": 10, "sha256": "A" * 64}, ["/sha256"]),
        ({"type": "image/jpeg"}, ["/length", "/sha256"]),
    ],
)
def test_a_bad_upload_request_is_a_422_naming_each_field(images, body, pointers):
    answer = images.api("POST", "/assets", body=body)

    assert answer.status == 422
    assert answer.header("Content-Type") == "application/problem+json"
    assert answer.pointers == pointers


def test_a_bad_sha256_in_the_path_is_a_400(images):
    answer = images.api("GET", "/assets/not-a-digest")

    assert answer.status == 400
    assert answer.pointers == ["/sha256"]


def test_an_article_with_a_hosted_image_carries_its_recorded_facts(images):
    photo = image_bytes("image/png", 120, 90)
    state = images.host(photo, "image/png")
    article = {**events.article("photo-of-the-day"), "image": {"url": state["url"], "alt": "A photo", "width": 1}}

    created = images.api("POST", "/articles", body=article)

    assert created.status == 201
    image = created.json["image"]
    assert (image["type"], image["length"], image["width"], image["height"]) == ("image/png", len(photo), 120, 90)


def test_a_hosted_image_url_without_a_verified_upload_is_a_422(images):
    photo = image_bytes()
    images.host(photo, publisher="pub_bob")
    url = images.state(sha256(photo), "pub_bob")["url"]
    article = {**events.article("photo-of-the-day"), "image": {"url": url, "alt": "A photo"}}
    article["body"] += f"\n\n![a photo]({url})\n"

    refused = images.api("POST", "/articles", body=article)

    assert refused.status == 422
    assert refused.pointers == ["/body", "/image/url"]


def _site_text(images: Images, key: str) -> str:
    return images.site_object(key)["Body"].read().decode("utf-8")


def test_feeds_pages_and_digests_carry_a_hosted_photos_exact_facts_without_probing_it(
    images, world, functions, clock, monkeypatch
):
    probed: list[str] = []
    monkeypatch.setattr(
        "syndicate.adapters.http.HttpImageProbe.describe", lambda self, url, *, timeout: probed.append(url)
    )
    clock.set("2025-12-17T06:00:00Z")
    world.subscribed("reader@example.com")
    photo = image_bytes("image/jpeg", 400, 250)
    state = images.host(photo)
    clock.set("2025-12-17T10:00:00Z")
    document = {**events.article("photo-of-the-day"), "image": {"url": state["url"], "alt": "Soyuz MS-28 docking"}}
    world.publish(document)

    functions.invoke("RenderFeedsFunction", events.load("schedules/render-feeds.json"))
    world.outbox.clear()
    world.digest("daily", at="2025-12-18T07:00:00Z")

    assert probed == []
    url, facts = state["url"], f'length="{len(photo)}" type="image/jpeg"'
    rss = _site_text(images, "feeds/rss.xml")
    assert f'<enclosure url="{url}" {facts}/>' in rss
    assert f'type="image/jpeg" width="400" height="250" fileSize="{len(photo)}"' in rss
    atom = _site_text(images, "feeds/atom.xml")
    assert f'<link rel="enclosure" type="image/jpeg" length="{len(photo)}" href="{url}"/>' in atom
    entry = json.loads(_site_text(images, "feeds/feed.json"))["items"][0]
    assert entry["attachments"][0] == {"url": url, "mime_type": "image/jpeg", "size_in_bytes": len(photo)}
    [page] = [key for key in _site_keys(images, "articles/") if key.endswith(".html")]
    assert f'src="{url}"' in _site_text(images, page) and 'width="400" height="250"' in _site_text(images, page)
    [mail] = world.outbox.to("reader@example.com")
    html = mail.get_body(("html",)).get_content()
    assert f'src="{url}"' in html and 'width="568" height="355"' in html


def _site_keys(images: Images, prefix: str) -> list[str]:
    listed = boto3.client("s3").list_objects_v2(Bucket=images.stack.name("SiteBucket"), Prefix=prefix)
    return [entry["Key"] for entry in listed.get("Contents", [])]


def test_a_check_that_fails_after_publishing_the_image_is_retried_to_the_same_end(images, monkeypatch):
    photo = image_bytes()
    answer = images.request(photo)
    images.upload(answer, photo)
    record = ClaimTable.record
    failures = iter([RuntimeError("the response was lost")])

    def flaky(self, claim):
        error = next(failures, None)
        if error is not None:
            raise error
        return record(self, claim)

    monkeypatch.setattr(ClaimTable, "record", flaky)

    assert images.verify()  # the first delivery fails after storing media/; SQS delivers it again

    assert images.state(sha256(photo))["state"] == "verified"
    assert images.site_object(f"media/{sha256(photo)}.jpg")["Body"].read() == photo
    assert images.uploads_left() == []
