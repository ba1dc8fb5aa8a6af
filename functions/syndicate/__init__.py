"""Syndicate: serverless content syndication (publisher API, feeds, email digests).

Layers, from the outside in (pyproject.toml's import contracts keep them so):

* ``syndicate.handlers``: one module per Lambda function, thin (parse event, call logic, map result).
* ``syndicate.dependencies``: the composition root, wiring services to adapters once per container.
* ``syndicate.api``: HTTP plumbing shared by the API handlers (problem+json, request bodies).
* ``syndicate.articles``, ``publishers``, ``feeds``, ``subscriptions``, ``digests``: domain logic
  on plain values. Each declares what it needs from outside in its ``ports`` module.
* ``syndicate.mailing``: what subscriptions and digests share (the mailing list, messages, links,
  tokens), so neither imports the other.
* ``syndicate.adapters``: the only package that talks to AWS or the network.
"""
