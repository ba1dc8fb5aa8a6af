"""The storage layer: the only code in Syndicate that imports boto3.

Clients are created lazily, once per container (see ``clients``). Endpoints come from the
standard AWS configuration, so ``AWS_ENDPOINT_URL`` points everything at moto locally.
"""
