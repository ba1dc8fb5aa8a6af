"""What counts as a hosted image: the bytes decide, never a name or a declared type."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from syndicate import contract
from syndicate.assets.inspection import NotAnImage, inspect_image
from syndicate.assets.model import (
    EXTENSIONS,
    MAX_IMAGE_BYTES,
    hosted_sha256,
    hosted_url,
    parse_upload_key,
    upload_key,
)
from syndicate_dev.template import REPO
from tests.support.images import FORMATS, image_bytes

ALLOWED_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF")


@pytest.mark.parametrize("media_type", sorted(FORMATS))
def test_each_allowed_type_is_recognised_with_its_exact_size(media_type):
    data = image_bytes(media_type, 33, 21)

    facts = inspect_image(data)

    assert (facts.type, facts.length, facts.width, facts.height) == (media_type, len(data), 33, 21)


@settings(max_examples=300)
@given(st.binary(max_size=4096).filter(lambda data: not data.startswith(ALLOWED_SIGNATURES)))
def test_bytes_without_an_allowed_images_signature_are_always_refused(data):
    with pytest.raises(NotAnImage):
        inspect_image(data)


@settings(max_examples=100)
@given(st.integers(min_value=13, max_value=400))
def test_an_image_cut_short_of_its_pixel_data_is_refused(cut):
    data = image_bytes("image/png", 40, 40)  # the last 12 bytes are the IEND chunk, which holds no pixel

    with pytest.raises(NotAnImage):
        inspect_image(data[: max(len(data) - cut, 1)])


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
        b"<!doctype html><script>alert(1)</script>",
        b"%PDF-1.7\n",
    ],
    ids=["svg", "html", "pdf"],
)
def test_documents_that_browsers_would_run_or_render_are_refused(data):
    with pytest.raises(NotAnImage):
        inspect_image(data)


@pytest.mark.parametrize("media_type", ["BMP", "TIFF", "ICO"])
def test_images_of_other_types_are_refused(media_type):
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, media_type)

    with pytest.raises(NotAnImage, match="JPEG, PNG, GIF or WebP"):
        inspect_image(out.getvalue())


def test_a_small_file_declaring_a_huge_canvas_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels, a few kilobytes compressed

    with pytest.raises(NotAnImage, match="pixels"):
        inspect_image(out.getvalue())


def test_the_contract_allows_exactly_the_types_and_size_the_service_hosts():
    schema = contract.load_schema("asset-upload")["properties"]

    assert set(schema["type"]["enum"]) == set(EXTENSIONS) == set(FORMATS)
    assert schema["length"]["maximum"] == MAX_IMAGE_BYTES


def test_only_this_sites_media_urls_name_a_hosted_image():
    digest = "ab" * 32
    url = hosted_url("https://news.example", digest, "image/png")

    assert url == f"https://news.example/media/{digest}.png"
    assert hosted_sha256("https://news.example", url) == digest
    assert hosted_sha256("https://other.example", url) is None
    assert hosted_sha256("https://news.example", url + "?x=1") is None
    assert hosted_sha256("https://news.example", f"https://news.example/media/{digest}.svg") is None


@pytest.mark.parametrize(
    "key",
    [
        "uploads/pub_a/" + "0" * 63,
        "uploads/pub_a/" + "0" * 64 + "/x",
        "other/pub_a/" + "0" * 64,
        "uploads/../" + "0" * 64,
    ],
)
def test_keys_no_upload_form_names_belong_to_nobody(key):
    assert parse_upload_key(key) is None


def test_an_upload_key_names_its_publisher_and_bytes():
    assert parse_upload_key(upload_key("pub_a1", "f" * 64)) == ("pub_a1", "f" * 64)
    assert json.dumps(upload_key("pub_a1", "f" * 64)) == '"uploads/pub_a1/' + "f" * 64 + '"'


def test_the_publisher_api_never_loads_the_image_decoder():
    # Pillow is about 25 ms of imports at cold start; only VerifyUploadsFunction decodes images.
    probe = (
        "import sys, syndicate.handlers.articles_api, syndicate.assets.service, syndicate.dependencies;"
        "print('PIL' in sys.modules)"
    )
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(str(REPO / part) for part in ("functions", "."))}

    result = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "False"
