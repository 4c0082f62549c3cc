"""Security headers on every response class (JSON, HTML, feeds, errors)."""

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages of our own that are HTML even when a 304 or an error carries no text/html type.
HTML_PAGE_PATH = re.compile(r"/(?:|explore|quotes/[^/]*|themes/[^/]*|layers/[^/]*|reports/[^/]*)")
SERVER_NAME = "insights"
FRAMING_DENIED = "frame-ancestors 'none'"
API_POLICY = f"default-src 'none'; {FRAMING_DENIED}"
# The explorer's forms (search, sort, heatmap axes) are GETs to our own pages: form-action 'self'.
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    f"base-uri 'none'; form-action 'self'; {FRAMING_DENIED}"
)
# The snippet builder: its own script, which fetches the builder's page again, and the preview
# framed from our own origin.
BUILDER_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; "
    f"frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    f"{FRAMING_DENIED}"
)
# Swagger UI: its bundle and stylesheet from /static/docs, one inline init script, the schema
# fetched from /openapi.json.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    f"{FRAMING_DENIED}"
)


def embed_policy(frame_ancestors: list[str]) -> str:
    """The policy of embeddable pages: our inline styles and our own scripts only (the card's
    frame.js), framed by the allowed origins."""
    for source in frame_ancestors:
        # One source expression each: a `;` or `,` would smuggle in directives or policies.
        if not source or any(c in source for c in ";,") or source.split() != [source]:
            raise ValueError(f"EMBED_FRAME_ANCESTORS: {source!r} is not one CSP source")
    ancestors = " ".join(frame_ancestors) or "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )


class SecurityHeadersMiddleware:
    """Add a neutral Server, nosniff, a referrer policy, CORP, a CSP per response class, and
    X-Frame-Options on everything that may not be framed."""

    def __init__(self, app: ASGIApp, *, embed_policy: str) -> None:
        self.app = app
        self.embed_policy = embed_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # In place of the server's own (`server: granian`): no software or version out.
                headers["Server"] = SERVER_NAME
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
                # Partner pages load our script and JSON, even under Cross-Origin-Embedder-Policy.
                headers["Cross-Origin-Resource-Policy"] = "cross-origin"
                embeddable = path.startswith("/embed/")
                headers["Content-Security-Policy"] = (
                    self.embed_policy if embeddable else self.policy(path, headers)
                )
                if embeddable:
                    # ALLOW-FROM is dead; frame-ancestors alone decides who may frame an embed.
                    if "X-Frame-Options" in headers:
                        del headers["X-Frame-Options"]
                else:
                    headers["X-Frame-Options"] = "DENY"
            await send(message)

        await self.app(scope, receive, add_headers)

    def policy(self, path: str, headers: MutableHeaders) -> str:
        """The policy for a response that may not be framed."""
        if path == "/docs":
            return DOCS_POLICY
        if path == "/embed":
            return BUILDER_POLICY
        if HTML_PAGE_PATH.fullmatch(path) or headers.get("content-type", "").startswith(
            "text/html"
        ):
            return PAGE_POLICY
        return API_POLICY
