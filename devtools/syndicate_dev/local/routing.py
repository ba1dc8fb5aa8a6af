"""Which part of a local stack answers a request: its own routes under /_local/, the API under
its stage prefix (and at the root, as a convenience), or the site bucket as CloudFront serves it."""

from __future__ import annotations

from syndicate_dev.local.admin import Admin
from syndicate_dev.local.gateway import RestApiGateway
from syndicate_dev.local.site import SiteServer
from syndicate_dev.local.wire import Reply, Request


class LocalRouter:
    def __init__(self, admin: Admin, gateway: RestApiGateway, site: SiteServer) -> None:
        self.admin = admin
        self.gateway = gateway
        self.site = site

    def dispatch(self, request: Request) -> Reply:
        path = request.path
        if path == "/_local" or path.startswith("/_local/"):
            return self.admin.handle(request)
        stage = f"/{self.gateway.stage}"
        if path == stage or path.startswith(stage + "/"):
            return self.gateway.handle(request, path[len(stage) :] or "/")
        if request.method in ("GET", "HEAD"):
            site_reply = self._site(request)
            if site_reply is not None:
                return site_reply
        return self.gateway.handle(request, path)

    def _site(self, request: Request) -> Reply | None:
        path = request.path
        last = path.rsplit("/", 1)[-1]
        if path.startswith("/feeds/") or ("." in last and self.site.has(path)):
            return self.site.handle(request)
        if path == "/" and self.gateway.match(request.method, "/") is None:
            return Reply.redirect("/_local/")
        return None
