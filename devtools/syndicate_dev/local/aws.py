"""AWS for the local stack: moto in server mode (started here, or shared with another local stack
of this process), every resource of template.yaml created on it, and the senders SES accepts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any

import boto3
from botocore.exceptions import ClientError

from syndicate_dev import moto_gaps
from syndicate_dev import template as tpl
from syndicate_dev.provision import create_resources, verify_email_identity

REGION = "us-east-1"
_FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# Settings of the developer's own AWS configuration that must not reach moto's clients.
_UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class LocalAws:
    """One stack's view of a moto server: its endpoint, a session for the stack's own clients,
    and the environment every function (and provisioning) runs with."""

    def __init__(self, endpoint: str | None = None) -> None:
        self._server: Any = None
        self.endpoint = endpoint or self._start_server()
        self.session = boto3.session.Session(
            aws_access_key_id=_FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=_FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=REGION,
        )

    def _start_server(self) -> str:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        moto_gaps.ses.reset()
        moto_gaps.ses.install()  # SES GetAccount and event destinations, which moto lacks
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    @property
    def owns_server(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            moto_gaps.ses.uninstall()

    def environment(self) -> dict[str, str | None]:
        """What every boto3 client of the stack's functions needs to reach this moto server."""
        return {
            **dict.fromkeys(_UNSET),
            **_FAKE_CREDENTIALS,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
            "POWERTOOLS_TRACE_DISABLED": "true",
        }

    def client(self, service: str) -> Any:
        """A client for the stack's own work outside any invocation (the site, the queues)."""
        return self.session.client(service, endpoint_url=self.endpoint)  # type: ignore[call-overload]

    def provision(self, template: dict[str, Any], stack_name: str) -> tpl.Resolver:
        """Every resource of the template, named for this stack (run with ``environment()`` set)."""
        try:
            resolver = create_resources(template, prefix=stack_name, session=self.session)
        except ClientError as error:
            raise ValueError(
                f"cannot create the resources of stack {stack_name} on {self.endpoint} ({error}); "
                "is a stack of that name already running there? Give this one another --stack-name"
            ) from error
        return resolver

    def verify_senders(self, environments: Iterable[dict[str, str]]) -> None:
        """Every address a function's environment names may send mail (SES needs verified senders;
        the template's own AWS::SES::EmailIdentity resources are created with the rest)."""
        for env in environments:
            for value in env.values():
                _, address = parseaddr(value)
                if "@" in address and "." in address.split("@")[-1] and " " not in address:
                    verify_email_identity(self.session, address)
                    verify_email_identity(self.session, address.split("@")[-1])


def with_parameters(template: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The template as deployed with these parameter values (the others keep their defaults)."""
    parameters = dict(template.get("Parameters") or {})
    for name, value in values.items():
        if name in parameters:
            parameters[name] = {**parameters[name], "Default": value}
    return {**template, "Parameters": parameters}
