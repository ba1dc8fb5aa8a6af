"""Ingest: one POST /articles through the handler in-process on moto, against the bare S3
put_object + DynamoDB put_item it needs on the same moto, in the same run. Target: <= 1.5x.

Both sides store the seed article: the handler validates it, renders and sanitizes the
Markdown, writes the body (S3) and commits the metadata and category items (one DynamoDB
transaction); the baseline writes the same body bytes and one item of the same metadata.

moto implements TransactWriteItems by deep-copying the whole table (to roll back), so its cost
grows with the table, which DynamoDB's does not. The table is therefore emptied before every
timed call (untimed), on both sides. The handler's metric lines go to a null stdout, as the
baseline prints nothing either. A second baseline sends the very requests the design needs
(put_object + one transact_write_items of the same three items: the article, its category copy,
the category directory entry), to separate our code's own cost
from the price of atomicity on moto.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import sys
import time
import uuid

os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                  POWERTOOLS_TRACE_DISABLED="true", POWERTOOLS_METRICS_NAMESPACE="Syndicate",
                  POWERTOOLS_SERVICE_NAME="syndicate", POWERTOOLS_LOG_LEVEL="WARNING")
for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from syndicate import dependencies  # noqa: E402
from syndicate_dev import template as tpl  # noqa: E402
from syndicate_dev.provision import create_resources  # noqa: E402
from tests.support.events import api_event, article  # noqa: E402
from tests.support.lambda_context import FakeLambdaContext  # noqa: E402

SAMPLES = 300


def main() -> None:
    import warnings

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
        body_bytes = json.dumps({"markdown": document["body"], "html": document["body"]}).encode()
        event = api_event("POST", "/articles", publisher_id="pub_bench", body=document)
        context = FakeLambdaContext()

        def through_handler() -> None:
            response = articles_api.handler(event, context)
            assert response["statusCode"] == 201, response

        def bare_writes() -> None:
            key = uuid.uuid4().hex
            s3.put_object(Bucket=bucket, Key=f"articles/{key}/body.json", Body=body_bytes)
            dynamodb.put_item(TableName=table, Item={
                "pk": {"S": f"ARTICLE#{key}"}, "sk": {"S": "ARTICLE"}, "title": {"S": document["title"]},
                "categories": {"L": [{"S": c} for c in document["categories"]]},
                "published_at": {"S": document["published_at"]}, "publisher_id": {"S": "pub_bench"},
            })

        def empty_table() -> None:
            for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="pk, sk"):
                for item in page["Items"]:
                    dynamodb.delete_item(TableName=table, Key=item)

        def bare_transaction() -> None:
            key = uuid.uuid4().hex
            s3.put_object(Bucket=bucket, Key=f"articles/{key}/body.json", Body=body_bytes)
            item = {"pk": {"S": f"ARTICLE#{key}"}, "title": {"S": document["title"]},
                    "categories": {"L": [{"S": c} for c in document["categories"]]},
                    "published_at": {"S": document["published_at"]}, "publisher_id": {"S": "pub_bench"}}
            dynamodb.transact_write_items(TransactItems=[
                {"Put": {"TableName": table, "Item": {**item, "sk": {"S": "ARTICLE"}},
                         "ConditionExpression": "attribute_not_exists(pk)"}},
                {"Put": {"TableName": table, "Item": {**item, "sk": {"S": "CATEGORY#space"}}}},
                {"Put": {"TableName": table, "Item": {"pk": {"S": "CATEGORIES"}, "sk": {"S": "space"},
                                                       "name": {"S": document["categories"][0]}}}},
            ])

        samples: dict[str, list[float]] = {"handler": [], "put_item": [], "transaction": []}
        actions = {"put_item": bare_writes, "transaction": bare_transaction, "handler": through_handler}
        with contextlib.redirect_stdout(io.StringIO()):
            for action in actions.values():
                action()  # warm every path (imports, clients)
            for _ in range(SAMPLES):  # interleaved, so machine noise hits every side alike
                for name, action in actions.items():
                    empty_table()
                    start = time.perf_counter()
                    action()
                    samples[name].append(time.perf_counter() - start)
                sys.stdout.seek(0), sys.stdout.truncate()

    handler_ms = statistics.median(samples["handler"]) * 1000
    bare_ms = statistics.median(samples["put_item"]) * 1000
    transaction_ms = statistics.median(samples["transaction"]) * 1000
    print(f"POST /articles through the handler:        {handler_ms:6.2f} ms per article (median of {SAMPLES})")
    print(f"bare put_object + put_item:                {bare_ms:6.2f} ms")
    print(f"bare put_object + transact_write_items:    {transaction_ms:6.2f} ms")
    print(f"ratio vs put_object + put_item:            {handler_ms / bare_ms:.2f}x (target <= 1.5x)")
    print(f"ratio vs the same requests, bare:          {handler_ms / transaction_ms:.2f}x")


if __name__ == "__main__":
    main()
