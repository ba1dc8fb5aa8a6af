"""Syndicate: serverless content syndication (publisher API, feeds, email digests).

Layers, from the outside in:

* ``syndicate.handlers``: one module per Lambda function, thin (parse event, call logic, map result).
* ``syndicate.api``: HTTP plumbing shared by the API handlers (problem+json, request bodies).
* ``syndicate.articles``, ``syndicate.publishers``, ...: domain logic on plain values.
* ``syndicate.storage``: the only package that talks to AWS (boto3).
"""
