"""The site bucket served as CloudFront serves it: Content-Type, ETag, 304."""

from __future__ import annotations

import boto3
import pytest

from syndicate_dev import template as tpl
from syndicate_dev.local.site import SiteServer, default_root_object, site_bucket
from syndicate_dev.local.wire import Request


@pytest.fixture
def site(aws) -> SiteServer:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(
        Bucket="site",
        Key="feeds/rss.xml",
        Body=b"<rss/>",
        ContentType="application/rss+xml; charset=utf-8",
        CacheControl="public, max-age=300",
    )
    return SiteServer(s3, "site")


def test_an_object_is_served_with_its_content_type_cache_control_and_etag(site):
    reply = site.handle(Request("GET", "/feeds/rss.xml"))

    assert reply.status == 200
    assert reply.body == b"<rss/>"
    assert reply.header("Content-Type") == "application/rss+xml; charset=utf-8"
    assert reply.header("Cache-Control") == "public, max-age=300"
    assert reply.header("ETag").startswith('"')


def test_a_matching_if_none_match_answers_304_without_a_body(site):
    etag = site.handle(Request("GET", "/feeds/rss.xml")).header("ETag")

    reply = site.handle(Request("GET", "/feeds/rss.xml", headers=[("If-None-Match", etag)]))

    assert reply.status == 304
    assert reply.body == b""
    assert reply.header("ETag") == etag


def test_a_missing_object_is_404(site):
    assert site.handle(Request("GET", "/feeds/nothing.xml")).status == 404


def test_only_get_and_head_are_allowed(site):
    assert site.handle(Request("POST", "/feeds/rss.xml")).status == 403


def test_the_site_bucket_is_the_one_cloudfront_fronts():
    template = {
        "Resources": {
            "ArticleBucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
            "PublicBucket": {"Type": "AWS::S3::Bucket", "Properties": {}},
            "Cdn": {
                "Type": "AWS::CloudFront::Distribution",
                "Properties": {
                    "DistributionConfig": {
                        "Origins": [
                            {"Id": "site", "DomainName": {"Fn::GetAtt": ["PublicBucket", "RegionalDomainName"]}}
                        ]
                    }
                },
            },
        }
    }

    assert site_bucket(template) == "PublicBucket"


def test_the_root_is_the_default_root_object_once_it_exists(aws):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="site")
    site = SiteServer(s3, "site", "index.html")
    assert not site.serves_root()  # the local stack shows its console at / until then

    s3.put_object(Bucket="site", Key="index.html", Body=b"<!doctype html>", ContentType="text/html; charset=utf-8")

    assert site.serves_root()
    reply = site.handle(Request("GET", "/"))
    assert (reply.status, reply.body) == (200, b"<!doctype html>")
    assert reply.header("Content-Type") == "text/html; charset=utf-8"


def test_the_template_names_index_html_as_the_distributions_root_object():
    assert default_root_object(tpl.load()) == "index.html"
