"""Every bucket in template.yaml is encrypted by default and closed to the public.

The stores do not ask for encryption per request: the bucket's default does it, so it must hold
for every bucket the template declares.
"""

from __future__ import annotations

import pytest

from syndicate_dev import template as tpl

BUCKETS = tpl.resources(tpl.load(), "AWS::S3::Bucket")


def test_the_template_declares_buckets():
    assert {"ArticleBucket", "SiteBucket", "DigestBucket"} <= set(BUCKETS)


@pytest.mark.parametrize("name", sorted(BUCKETS))
def test_a_bucket_encrypts_every_object_by_default(name):
    rules = BUCKETS[name]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert [rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules] in (["AES256"], ["aws:kms"])


@pytest.mark.parametrize("name", sorted(BUCKETS))
def test_a_bucket_blocks_every_kind_of_public_access(name):
    block = BUCKETS[name]["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
