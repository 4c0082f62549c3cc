"""One error shape for every source of errors, pinned in one place (as Datasette's
tests/test_error_shape.py pins its own).

Errors reach a client from the exception handlers (the API's own error classes, FastAPI's
request validation, Starlette's HTTP errors, the database) and from middlewares that refuse a
request before any route sees it (the NUL guard, the trusted-host check, the rate limiter).
Each source below provokes one, from a partner's page on another origin, and the answer is
checked by the suite's one assertion, `tests.helpers.api.assert_problem`: the status, the
problem+json media type, exactly the RFC 9457 keys (plus `errors` where the source lists the
invalid parameters), a /problems/ type, `instance` the path asked for, the security headers
and CORS; and here the type and title, and the headers the source adds.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import pytest
from fastapi.exceptions import WebSocketRequestValidationError
from httpx2 import Response
from sqlalchemy import Engine

from app.config import Settings
from app.db import make_engine
from app.main import create_app
from tests.helpers.api import ORIGIN, assert_problem
from tests.helpers.databases import ADMIN_URL, client_for, postgres_admin
from tests.helpers.settings import Configure


class Problem(NamedTuple):
    """What a problem says it is."""

    status: int
    type: str
    title: str


BAD_REQUEST = Problem(400, "/problems/bad-request", "Bad request")
NOT_FOUND = Problem(404, "/problems/not-found", "Not found")
METHOD_NOT_ALLOWED = Problem(405, "/problems/method-not-allowed", "Method not allowed")
INVALID_PARAMETER = Problem(422, "/problems/invalid-parameter", "Invalid parameter")
RATE_LIMITED = Problem(429, "/problems/rate-limited", "Too many requests")
UNAVAILABLE = Problem(503, "/problems/service-unavailable", "Service unavailable")
RETRY_AFTER = {"retry-after": r"\d+"}


@dataclass(frozen=True)
class Source:
    """Where an error comes from, and a request that provokes one there."""

    url: str
    problem: Problem
    # The exception class whose handler renders the error (by name); None for a middleware.
    handler: str | None
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)  # sent besides the Origin
    settings: dict[str, str] = field(default_factory=dict)  # the app's, through `configure`
    # The fixture whose engine the app runs on: the seeded report, or a database it cannot use.
    database: Literal["engine", "unreachable_engine", "exhausted_engine"] = "engine"
    spend: int = 0  # requests sent first, which succeed (a rate-limit budget)
    errors: bool = False  # whether the problem lists the invalid parameters
    adds: dict[str, str] = field(default_factory=dict)  # response headers (full-match patterns)


TRUSTED_HOST = Source(
    "/v1/layers",
    BAD_REQUEST,
    handler=None,
    headers={"Host": "evil.example"},
    settings={"trusted_hosts": '["api.example.org"]'},
)
SOURCES = {
    "api-error-unknown-id": Source("/v1/quotes/cgt-2026-q99", NOT_FOUND, handler="ApiError"),
    "query-layer-unknown-filter-value": Source(
        "/v1/quotes?layer=nope", INVALID_PARAMETER, handler="InvalidQuery", errors=True
    ),
    "request-validation": Source(
        "/v1/quotes?limit=0", INVALID_PARAMETER, handler="RequestValidationError", errors=True
    ),
    "starlette-unknown-path": Source("/v1/nothing-here", NOT_FOUND, handler="HTTPException"),
    "starlette-write-verb": Source(
        "/v1/quotes",
        METHOD_NOT_ALLOWED,
        handler="HTTPException",
        method="POST",
        adds={"allow": "GET, HEAD"},
    ),
    "nul-guard": Source("/v1/quotes?q=%00", INVALID_PARAMETER, handler=None, errors=True),
    "trusted-host": TRUSTED_HOST,
    "rate-limiter": Source(
        "/v1/layers",
        RATE_LIMITED,
        handler=None,
        settings={"rate_limit_enabled": "true", "rate_limit_per_minute": "1"},
        spend=1,
        adds={**RETRY_AFTER, "ratelimit-remaining": "0"},
    ),
    "database-unreachable": Source(
        "/v1/quotes",
        UNAVAILABLE,
        handler="OperationalError",
        database="unreachable_engine",
        adds=RETRY_AFTER,
    ),
    "database-pool-exhausted": Source(
        "/v1/quotes",
        UNAVAILABLE,
        handler="TimeoutError",
        database="exhausted_engine",
        adds=RETRY_AFTER,
    ),
}
CASES = [pytest.param(source, id=name) for name, source in SOURCES.items()]


@pytest.fixture
def exhausted_engine() -> Iterator[Engine]:
    """A PostgreSQL engine whose only pooled connection is taken: a request waits, then fails."""
    postgres_admin().dispose()  # a skip (a failure in CI) without a PostgreSQL
    engine = make_engine(ADMIN_URL, Settings(pool_size=1, pool_timeout_s=0.2))
    held = engine.connect()
    yield engine
    held.close()
    engine.dispose()


def provoke(
    source: Source, configure: Configure, database: Engine, *, origin: bool = True
) -> Response:
    """The answer to the request that provokes the source's error, from an app of its settings."""
    configure(**source.settings)
    client = client_for(database)
    headers = {"Origin": ORIGIN, **source.headers} if origin else source.headers
    for _ in range(source.spend):
        assert client.request(source.method, source.url, headers=headers).status_code == 200
    return client.request(source.method, source.url, headers=headers)


def assert_source_shape(response: Response, source: Source) -> None:
    """The one problem shape, with the type, title and headers this source gives."""
    body = assert_problem(response, source.problem.status)
    assert (body["type"], body["title"]) == (source.problem.type, source.problem.title)
    assert ("errors" in body) == source.errors, body
    for name, pattern in source.adds.items():
        assert re.fullmatch(pattern, response.headers.get(name, "")), (name, response.headers)


@pytest.mark.usefixtures("engine")  # every source, on each backend
@pytest.mark.parametrize("source", CASES)
def test_every_source_of_errors_answers_the_one_problem_shape(
    source: Source, configure: Configure, request: pytest.FixtureRequest
) -> None:
    database: Engine = request.getfixturevalue(source.database)
    assert_source_shape(provoke(source, configure, database), source)


def test_the_trusted_host_refusal_has_the_shape_without_an_origin_too(
    configure: Configure, engine: Engine
) -> None:
    assert_source_shape(provoke(TRUSTED_HOST, configure, engine, origin=False), TRUSTED_HOST)


def test_every_error_handler_of_the_app_has_a_source_here(unreachable_engine: Engine) -> None:
    """A new exception handler needs a source above."""
    handlers = {cls.__name__ for cls in create_app(unreachable_engine).exception_handlers}
    handlers.discard(WebSocketRequestValidationError.__name__)  # FastAPI's; the API has no sockets
    assert handlers == {source.handler for source in SOURCES.values()} - {None}
