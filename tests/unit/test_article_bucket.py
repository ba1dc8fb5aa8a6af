"""ArticleBucket keeps every body an article refers to and lets the rest expire.

The store never deletes a body version; it only marks a body no article refers to any more as
deleted, which makes its version noncurrent. The lifecycle rule expires noncurrent versions and
nothing else, and the function that writes bodies cannot destroy a version at all.
"""

from __future__ import annotations

from syndicate_dev import template as tpl

TEMPLATE = tpl.load()
BUCKET = tpl.resources(TEMPLATE, "AWS::S3::Bucket")["ArticleBucket"]


def rules() -> dict[str, dict]:
    return {rule["Id"]: rule for rule in BUCKET["LifecycleConfiguration"]["Rules"]}


def test_bodies_are_versioned():
    assert BUCKET["VersioningConfiguration"] == {"Status": "Enabled"}


def test_noncurrent_body_versions_expire_and_current_ones_never_do():
    rule = rules()["ExpireUnreferencedBodies"]
    assert rule["Status"] == "Enabled"
    assert rule["Prefix"] == "articles/"
    assert 1 <= rule["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 30
    assert rule.get("ExpiredObjectDeleteMarker") is True
    for each in rules().values():
        assert "ExpirationInDays" not in each and "ExpirationDate" not in each, each["Id"]


def test_incomplete_uploads_are_still_aborted():
    assert rules()["AbortIncompleteUploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}


def test_the_articles_api_can_retire_a_body_but_never_destroy_a_version():
    policies = tpl.resources(TEMPLATE, "AWS::Serverless::Function")["ArticlesApiFunction"]["Policies"]
    actions = {
        action
        for policy in policies
        for statement in policy["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
    assert "s3:DeleteObject" in actions
    assert not {"s3:DeleteObjectVersion", "s3:*", "s3:PutLifecycleConfiguration"} & actions
