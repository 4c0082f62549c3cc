"""What a stored response is found by: the route's own parameters and the negotiated format.

A response depends on the path, on the query parameters its route reads, and on the format
negotiated from `Accept`; nothing else of the request line. Keyed on the raw query string and
the raw `Accept`, a client could fill the cache with one entry per junk parameter or per
spelling of `Accept`. Keyed on the parameters the OpenAPI document lists for the route (in a
canonical order, percent-decoding done) and on the one format the route would choose, junk
parameters and `Accept` spellings share one entry.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import Scope

from app.http.negotiation import negotiated_format

CacheKey = tuple[str, ...]
PATH_PARAMETER = re.compile(r"(\{[^}/]+\})")


@dataclass(frozen=True)
class RouteParameters:
    """The query parameters each documented GET path reads, found by the request's path."""

    routes: list[tuple[re.Pattern[str], frozenset[str]]]

    @classmethod
    def of(cls, openapi: Mapping[str, Any]) -> "RouteParameters":
        """From an OpenAPI document. Literal paths are tried before templated ones, as the
        router does (`/v1/quotes/random` before `/v1/quotes/{quote_id}`)."""
        routes = []
        for template, operations in openapi.get("paths", {}).items():
            if "get" not in operations:
                continue
            names = frozenset(
                parameter["name"]
                for parameter in operations["get"].get("parameters", [])
                if parameter.get("in") == "query"
            )
            pattern = "".join(
                "[^/]+" if PATH_PARAMETER.fullmatch(piece) else re.escape(piece)
                for piece in PATH_PARAMETER.split(template)
            )
            routes.append((template.count("{"), re.compile(pattern), names))
        routes.sort(key=lambda route: route[0])
        return cls([(pattern, names) for _, pattern, names in routes])

    def read_by(self, path: str) -> frozenset[str]:
        """The parameters the route serving `path` reads; none for a path the document does
        not list (the OpenAPI document itself, a 404)."""
        for pattern, names in self.routes:
            if pattern.fullmatch(path):
                return names
        return frozenset()


def cache_key(version: str, scope: Scope, parameters: Callable[[str], frozenset[str]]) -> CacheKey:
    """The key of the response to this request under data `version`."""
    headers = Headers(scope=scope)
    query = QueryParams(scope.get("query_string", b""))
    read = parameters(scope["path"])
    # Each parameter's values keep their order: a repeated filter's order can order the answer.
    canonical = "&".join(
        f"{name}={value!r}" for name in sorted(read) for value in query.getlist(name)
    )
    return (
        version,
        scope["path"],
        canonical,
        negotiated_format(scope["path"], headers.get("accept", "")),
        "gzip" if "gzip" in headers.get("accept-encoding", "") else "",
    )
