"""The one Logger, Tracer and Metrics of the service (configured by POWERTOOLS_* variables)."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# Trace the libraries that reach the network: botocore (AWS) and http.client (the WebSub ping).
# Naming them spares a cold start X-Ray's patch_all, which imports every driver it can
# (sqlite3, psycopg, requests, ...) to see whether there is something to patch.
tracer = Tracer(patch_modules=("botocore", "httplib"))
metrics = Metrics()
