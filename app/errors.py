"""One error shape: RFC 9457 problem details, raised as one family of classes and rendered here.

Every error the service can send is a subclass of `ApiError` that carries its status, title and
type; the handlers, the middlewares and the OpenAPI document all take them from this list, so a
refusal reads the same wherever it comes from.
"""

import logging
import sqlite3
from collections.abc import Mapping
from typing import Any, ClassVar

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.queries.errors import InvalidQuery
from app.schemas import Problem

logger = logging.getLogger("insights.errors")
PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_S = 5


class ApiError(Exception):
    """An error the API reports to its client as a problem."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal server error"
    slug: ClassVar[str] = "internal-error"
    # What the OpenAPI document says of this response, on the routes that can send it.
    description: ClassVar[str] = "An unexpected error."

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}

    def response(self, path: str) -> JSONResponse:
        """The problem details response, for a request to `path`."""
        body: dict[str, Any] = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": path,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return JSONResponse(
            body, status_code=self.status, headers=self.headers, media_type=PROBLEM_MEDIA_TYPE
        )


class BadRequest(ApiError):
    status, title, slug = 400, "Bad request", "bad-request"
    description = "Bad request."


class NotFound(ApiError):
    status, title, slug = 404, "Not found", "not-found"
    description = "No object has this identifier."


class MethodNotAllowed(ApiError):
    status, title, slug = 405, "Method not allowed", "method-not-allowed"
    description = "The API is read-only: GET and HEAD only."


class NotAcceptable(ApiError):
    status, title, slug = 406, "Not acceptable", "not-acceptable"
    description = "No representation matches the Accept header."


class InvalidParameter(ApiError):
    status, title, slug = 422, "Invalid parameter", "invalid-parameter"
    description = "A parameter is invalid; `errors` lists each one."

    def __init__(self, location: list[str | int], message: str, kind: str = "value_error") -> None:
        super().__init__(message, errors=[{"loc": location, "msg": message, "type": kind}])

    @classmethod
    def from_errors(cls, detail: str, errors: list[dict[str, Any]]) -> "InvalidParameter":
        """One 422 for several invalid parameters."""
        error = cls(errors[0]["loc"], detail)
        error.errors = errors
        return error

    @classmethod
    def listing(cls, errors: list[dict[str, Any]], note: str = "") -> "InvalidParameter":
        """A 422 whose detail names where each error is: `Invalid value for: query.limit.`;
        an error of the parameters together (a bound on their total) is told as it is."""
        named = [".".join(map(str, e["loc"][1:])) for e in errors if len(e["loc"]) > 1]
        whole = [str(e["msg"]) for e in errors if len(e["loc"]) <= 1]
        parts = [f"{message}." for message in whole]
        if named:
            parts.insert(0, f"Invalid value for: {', '.join(named)}{f' ({note})' if note else ''}.")
        return cls.from_errors(" ".join(parts), errors)


class RateLimited(ApiError):
    status, title, slug = 429, "Too many requests", "rate-limited"
    description = "Too many requests from this client; retry after `Retry-After` seconds."


class HeadersTooLarge(ApiError):
    status, title, slug = 431, "Request header fields too large", "headers-too-large"
    description = (
        "The request sent more header fields (`HTTP_MAX_HEADERS`) or more bytes of headers "
        "(`HTTP_MAX_HEADER_BYTES`) than the server reads."
    )


class UnsupportedFormat(ApiError):
    status, title, slug = 501, "Not implemented", "unsupported-format"
    description = "The format is not `json`."


class ServiceUnavailable(ApiError):
    status, title, slug = 503, "Service unavailable", "service-unavailable"
    # The one 503 the OpenAPI document lists per route: it stands for TimeLimited and
    # Overloaded too.
    description = (
        "The database is unavailable, the request's query ran past the statement time limit "
        "(`STATEMENT_TIMEOUT_MS`), or this worker is handling as many requests as it may "
        "(`HTTP_MAX_REQUESTS`); retry after `Retry-After` seconds."
    )

    @classmethod
    def database(cls) -> "ServiceUnavailable":
        """The database cannot answer now (down, restarting, or every connection busy)."""
        return cls(
            "The database is unavailable; retry shortly.",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )


class TimeLimited(ApiError):
    status, title, slug = 503, "Service unavailable", "time-limit"
    description = "The request's query ran past the statement time limit."

    @classmethod
    def statement(cls) -> "TimeLimited":
        """A query was cancelled by the time limit: the request asks too much, or the
        database is slow now."""
        return cls(
            "The query ran past the statement time limit; narrow the request or retry shortly.",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )


class Overloaded(ApiError):
    status, title, slug = 503, "Service unavailable", "overloaded"
    description = "This server is handling as many requests as it may; retry shortly."

    @classmethod
    def busy(cls) -> "Overloaded":
        """Every request slot of this worker is taken."""
        return cls(
            "The server is handling as many requests as it may; retry shortly.",
            headers={"Retry-After": "1"},
        )


class HttpError(ApiError):
    """A Starlette HTTP error of a status this family has no class for."""

    title, slug = "Error", "error"

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail, headers=headers)
        self.status = status  # type: ignore[misc]  # this one instance's status


# Starlette raises these for routing (no such path, write verbs) and content negotiation.
_BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls for cls in (BadRequest, NotFound, MethodNotAllowed, NotAcceptable)
}
# Documented on every route: what any request may meet.
ROUTE_PROBLEMS: tuple[type[ApiError], ...] = (
    BadRequest,
    NotFound,
    InvalidParameter,
    RateLimited,
    HeadersTooLarge,
    ServiceUnavailable,
)


def http_error(status: int, detail: Any, path: str, headers: Mapping[str, str] | None) -> ApiError:
    """A Starlette HTTP error as a problem of this family."""
    cls = _BY_STATUS.get(status)
    headers = dict(headers or {})
    if cls is MethodNotAllowed:
        # Every GET route answers HEAD too (see app.http.etag).
        return MethodNotAllowed(
            "The API is read-only: use GET or HEAD.", headers={**headers, "Allow": "GET, HEAD"}
        )
    if cls is None:
        return HttpError(status, detail if isinstance(detail, str) else "Error", headers)
    if cls is NotFound and detail == "Not Found":
        return NotFound(f"There is nothing at {path}.", headers=headers)
    return cls(detail if isinstance(detail, str) else cls.title, headers=headers)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response(request.url.path)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    return http_error(exc.status_code, exc.detail, path, exc.headers).response(path)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    return InvalidParameter.listing(errors).response(request.url.path)


async def _invalid_query(request: Request, exc: Exception) -> JSONResponse:
    # The query layer names the parameter; here it becomes a query-string location (the query
    # string itself when no one parameter is at fault, as for the parameters' own bounds).
    assert isinstance(exc, InvalidQuery)
    errors = [
        {"loc": ["query", parameter] if parameter else ["query"], "msg": message, "type": kind}
        for parameter, message, kind in exc.problems
    ]
    return InvalidParameter.from_errors(exc.detail, errors).response(request.url.path)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # No SQL, host names or driver messages go out: only that the database is unreachable.
    path = request.url.path
    if _cancelled_by_time_limit(exc):
        logger.warning("statement time limit on %s", path)
        return TimeLimited.statement().response(path)
    logger.warning("database unavailable: %s", exc.__class__.__name__)
    return ServiceUnavailable.database().response(path)


def _cancelled_by_time_limit(exc: Exception) -> bool:
    """Whether PostgreSQL's statement_timeout or SQLite's progress handler stopped the query."""
    cause = getattr(exc, "orig", None)
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return True
    return isinstance(cause, sqlite3.OperationalError) and str(cause) == "interrupted"


def install_error_handlers(app: FastAPI) -> None:
    """Render every error the API raises as problem details."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidQuery, _invalid_query)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)


def openapi_problems(
    *problems: type[ApiError], media_type: str | None = None
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of these problems (default: every route's).

    Without `media_type` FastAPI lists them under the route's JSON type, which `app.main` moves
    to application/problem+json; routes that answer HTML, JavaScript or a feed name the problem
    media type directly, since FastAPI would list them under the route's own.
    """
    if media_type is None:
        return {
            cls.status: {"model": Problem, "description": cls.description}
            for cls in problems or ROUTE_PROBLEMS
        }
    return {
        cls.status: {
            "description": cls.description,
            "content": {media_type: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for cls in problems or ROUTE_PROBLEMS
    }


# Routes that answer HTML, JavaScript or a feed list their problems under the problem media type.
NON_JSON_PROBLEMS = openapi_problems(media_type=PROBLEM_MEDIA_TYPE)
