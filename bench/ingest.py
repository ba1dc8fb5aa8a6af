"""Ingest: one POST /articles through the handler in-process on moto, against the bare S3
put_object + DynamoDB put_item it needs on the same moto, in the same run. Target: <= 1.5x.

The handler validates the seed article, renders and sanitizes its Markdown, writes the body
(S3) and the article item (DynamoDB, conditioned on its version). The baseline writes the very
same body bytes and the very same item (read back from the first handler call), under a new id.

An article's first publication in a category from a container also writes the category's
directory entry, in one transaction with the article item; later ones (the steady state this
figure is about) do not. The third line measures that first time, with a new category each call.

The handler's put_item carries ``attribute_not_exists(pk)``, which moto evaluates in Python (about
0.2 ms here; DynamoDB charges nothing extra for it). A second baseline sends the same pair with
that condition, to show our code's own cost apart from the emulator's.

moto's cost per request grows with the table (and it deep-copies every table for a
transaction), which DynamoDB's does not, so the table is emptied before every timed call
(untimed), on every side. The handler's metric lines go to a null stdout, as the baseline
prints nothing either.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import statistics
import sys
import time
import uuid

from bench._support import offline_aws_environment

offline_aws_environment()

import boto3
from moto import mock_aws

from syndicate import dependencies
from syndicate_dev import template as tpl
from syndicate_dev.provision import create_resources
from tests.support.events import api_event, article
from tests.support.lambda_context import FakeLambdaContext

SAMPLES = 300


def main(quick: bool = False) -> None:
    """``quick``: 3 samples, so CI can run it (the figures then mean nothing)."""
    import warnings

    samples_wanted = 3 if quick else SAMPLES
    warnings.simplefilter("ignore")
    template = tpl.load()
    document = article("photo-of-the-day")
    with mock_aws():
        resolver = create_resources(template, prefix="bench")
        os.environ.update(resolver.environment(tpl.functions(template)["ArticlesApiFunction"]))
        os.environ["SCHEMAS_DIR"] = str(tpl.REPO / "schemas")
        dependencies.forget()
        from syndicate.handlers import articles_api

        s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")
        bucket, table = resolver.names["ArticleBucket"], resolver.names["ArticlesTable"]
        event = api_event("POST", "/articles", publisher_id="pub_bench", body=document)
        context = FakeLambdaContext()
        new_categories = (f"Category {n}" for n in itertools.count())

        def through_handler() -> None:
            response = articles_api.handler(event, context)
            assert response["statusCode"] == 201, response

        def in_a_new_category() -> None:
            fresh = api_event(
                "POST", "/articles", publisher_id="pub_bench", body={**document, "categories": [next(new_categories)]}
            )
            response = articles_api.handler(fresh, context)
            assert response["statusCode"] == 201, response

        with contextlib.redirect_stdout(io.StringIO()):
            through_handler()  # warms every path (imports, clients) and gives the baseline its item
        [stored] = dynamodb.scan(
            TableName=table, FilterExpression="sk = :sk", ExpressionAttributeValues={":sk": {"S": "ARTICLE"}}
        )["Items"]
        body_bytes = s3.get_object(Bucket=bucket, Key=stored["body_key"]["S"])["Body"].read()

        def bare_writes() -> None:
            key = uuid.uuid4().hex
            s3.put_object(Bucket=bucket, Key=f"articles/{key}/body.json", Body=body_bytes)
            dynamodb.put_item(TableName=table, Item={**stored, "pk": {"S": f"ARTICLE#{key}"}, "id": {"S": key}})

        def conditional_writes() -> None:
            key = uuid.uuid4().hex
            s3.put_object(Bucket=bucket, Key=f"articles/{key}/body.json", Body=body_bytes)
            dynamodb.put_item(
                TableName=table,
                Item={**stored, "pk": {"S": f"ARTICLE#{key}"}, "id": {"S": key}},
                ConditionExpression="attribute_not_exists(pk)",
            )

        def empty_table() -> None:
            for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="pk, sk"):
                for item in page["Items"]:
                    dynamodb.delete_item(TableName=table, Key=item)

        actions = {
            "put_item": bare_writes,
            "conditional": conditional_writes,
            "handler": through_handler,
            "new_category": in_a_new_category,
        }
        samples: dict[str, list[float]] = {name: [] for name in actions}
        with contextlib.redirect_stdout(io.StringIO()):
            for _ in range(samples_wanted):  # interleaved, so machine noise hits every side alike
                for name, action in actions.items():
                    empty_table()
                    start = time.perf_counter()
                    action()
                    samples[name].append(time.perf_counter() - start)
                sys.stdout.seek(0), sys.stdout.truncate()

    handler_ms = statistics.median(samples["handler"]) * 1000
    bare_ms = statistics.median(samples["put_item"]) * 1000
    first_ms = statistics.median(samples["new_category"]) * 1000
    conditional_ms = statistics.median(samples["conditional"]) * 1000
    print(f"POST /articles through the handler:        {handler_ms:6.2f} ms per article (median of {samples_wanted})")
    print(f"bare put_object + put_item:                {bare_ms:6.2f} ms")
    print(f"the same, put_item with its condition:     {conditional_ms:6.2f} ms")
    print(f"POST in a category new to the container:   {first_ms:6.2f} ms (adds the directory entry)")
    print(f"ratio vs put_object + put_item:            {handler_ms / bare_ms:.2f}x (target <= 1.5x)")
    print(f"ratio vs the same conditional requests:    {handler_ms / conditional_ms:.2f}x")
    print(f"ratio, first in a category:                {first_ms / bare_ms:.2f}x")


if __name__ == "__main__":
    main()
