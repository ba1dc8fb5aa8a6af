"""The adapter layer: the only code of the service that talks to AWS (boto3) or the network.

Each adapter implements a port a domain package declares (``syndicate.*.ports``) and imports only
those ports and the domain's value types, never a service (an import contract in pyproject.toml).
Clients are created lazily, once per container (``clients``); endpoints come from the standard
AWS configuration, so ``AWS_ENDPOINT_URL`` points everything at moto locally.
"""
