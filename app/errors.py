"""One error shape: RFC 9457 problem details, raised as a small family and rendered here."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.schemas import Problem

logger = logging.getLogger("insights.errors")
PROBLEM_MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_S = 5


class ApiError(Exception):
    """An error the API reports to its client as a problem."""

    status = 500
    title = "Internal server error"
    slug = "internal-error"

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


class NotFound(ApiError):
    status, title, slug = 404, "Not found", "not-found"


class InvalidParameter(ApiError):
    status, title, slug = 422, "Invalid parameter", "invalid-parameter"

    def __init__(self, location: list[str | int], message: str, kind: str = "value_error") -> None:
        super().__init__(message, errors=[{"loc": location, "msg": message, "type": kind}])

    @classmethod
    def from_errors(cls, detail: str, errors: list[dict[str, Any]]) -> "InvalidParameter":
        """One 422 for several invalid parameters."""
        error = cls(errors[0]["loc"], detail)
        error.errors = errors
        return error


class ServiceUnavailable(ApiError):
    status, title, slug = 503, "Service unavailable", "service-unavailable"


def problem_response(
    request: Request,
    status: int,
    title: str,
    slug: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem details response."""
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(
        request,
        exc.status,
        exc.title,
        exc.slug,
        exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


_HTTP_TITLES = {
    400: ("Bad request", "bad-request"),
    404: ("Not found", "not-found"),
    405: ("Method not allowed", "method-not-allowed"),
    406: ("Not acceptable", "not-acceptable"),
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    title, slug = _HTTP_TITLES.get(exc.status_code, ("Error", "error"))
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is nothing at {request.url.path}."
    if exc.status_code == 405:
        # Every GET route answers HEAD too (see app.caching).
        headers["Allow"] = "GET, HEAD"
        detail = "The API is read-only: use GET or HEAD."
    return problem_response(request, exc.status_code, title, slug, detail, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    where = ", ".join(".".join(e["loc"][1:]) or e["loc"][0] for e in errors)
    return problem_response(
        request,
        422,
        "Invalid parameter",
        "invalid-parameter",
        f"Invalid value for: {where}.",
        errors=errors,
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # No SQL, host names or driver messages go out: only that the database is unreachable.
    logger.warning("database unavailable: %s", exc.__class__.__name__)
    return problem_response(
        request,
        503,
        "Service unavailable",
        "service-unavailable",
        "The database is unavailable; retry shortly.",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render every error the API raises as problem details."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


# Documented on every route; `app.main` moves their content to application/problem+json.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("Bad request."),
    404: _problem("No object has this identifier."),
    422: _problem("A parameter is invalid; `errors` lists each one."),
    429: _problem("Too many requests from this client; retry after `Retry-After` seconds."),
    503: _problem("The database is unavailable; retry after `Retry-After` seconds."),
}
