"""Reading the API as a client does: JSON bodies, lists walked page by page, problem details."""

from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

Json = dict[str, Any]
ORIGIN = "https://partner.example"  # a partner's page, calling the API from another origin
PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_KEYS = frozenset({"type", "title", "status", "detail", "instance"})
ERROR_KEYS = frozenset({"loc", "msg", "type"})


def json_at(client: TestClient, url: str) -> Any:
    """The JSON body of a GET that answered 200."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def walk_pages(client: TestClient, url: str, *, max_pages: int) -> list[Json]:
    """Every item of a list, following `next_cursor` from `url` to the last page.

    Every page answers 200; the last has no Link header; a list longer than `max_pages` pages
    fails (`max_pages=1`: the whole list is on the first page).
    """
    items: list[Json] = []
    separator = "&" if "?" in url else "?"
    page_url = url
    for _ in range(max_pages):
        response = client.get(page_url)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        if page["next_cursor"] is None:
            assert "link" not in response.headers
            return items
        page_url = f"{url}{separator}cursor={page['next_cursor']}"
    raise AssertionError(f"the cursor walk from {url} did not end within {max_pages} pages")


def assert_problem(response: Response, status: int) -> Json:
    """The body of `response`, checked to be the API's one error shape (RFC 9457) for `status`.

    Exactly `type`, `title`, `status`, `detail` and `instance`, plus `errors` (a non-empty list
    of {loc, msg, type}) where the source of the error gives one; `status` the HTTP status,
    `type` a /problems/ slug, `instance` the path asked for. The response carries the security
    headers, and the CORS header when the request named an Origin.
    """
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: Json = response.json()
    assert set(body) in (PROBLEM_KEYS, PROBLEM_KEYS | {"errors"}), body
    assert body["status"] == status
    assert body["type"].startswith("/problems/"), body
    assert isinstance(body["title"], str), body
    assert body["title"]
    assert isinstance(body["detail"], str), body
    assert body["detail"]
    assert body["instance"] == response.request.url.path
    if "errors" in body:
        assert body["errors"], body
        assert all(set(error) == ERROR_KEYS for error in body["errors"]), body
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    origin = response.request.headers.get("origin")
    if origin is not None:
        assert response.headers.get("access-control-allow-origin") in ("*", origin), origin
    return body
