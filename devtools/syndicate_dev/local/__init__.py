"""The local stack: every function, route, schedule, queue and bucket of template.yaml on one
machine, on moto in server mode, without Docker or an AWS account (``syndicate local``).

Developer-only code: no Lambda handler imports anything here.
"""
