"""Which part of a local stack answers a request: its own routes under /_local/, the API under
its stage prefix (and at the root, as a convenience), or the site bucket as CloudFront serves it."""

from __future__ import annotations

from collections.abc import Callable

from syndicate_dev.local.admin import Admin
from syndicate_dev.local.gateway import RestApiGateway
from syndicate_dev.local.site import SiteServer
from syndicate_dev.local.wire import Reply, Request


class LocalRouter:
    def __init__(
        self,
        admin: Admin,
        gateway: RestApiGateway,
        site: SiteServer,
        *,
        on_api_reply: Callable[[int], None] = lambda status: None,
    ) -> None:
        self.admin = admin
        self.gateway = gateway
        self.site = site
        self.on_api_reply = on_api_reply  # told each status the API answers (its metrics)

    def dispatch(self, request: Request) -> Reply:
        path = request.path
        if path == "/_local" or path.startswith("/_local/"):
            return self.admin.handle(request)
        stage = f"/{self.gateway.stage}"
        if path == stage or path.startswith(stage + "/"):
            return self._api(request, path[len(stage) :] or "/")
        if request.method in ("GET", "HEAD"):
            site_reply = self._site(request)
            if site_reply is not None:
                return site_reply
        return self._api(request, path)

    def _api(self, request: Request, path: str) -> Reply:
        reply = self.gateway.handle(request, path)
        self.on_api_reply(reply.status)
        return reply

    def _site(self, request: Request) -> Reply | None:
        path = request.path
        last = path.rsplit("/", 1)[-1]
        if path.startswith("/feeds/") or ("." in last and self.site.has(path)):
            return self.site.handle(request)
        if path == "/" and self.gateway.match(request.method, "/") is None:
            return self.site.handle(request) if self.site.serves_root() else Reply.redirect("/_local/")
        return None
