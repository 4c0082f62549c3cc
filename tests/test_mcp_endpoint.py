"""The MCP endpoint as HTTP: what it refuses (as problems, with the security headers), what it
leaves as it was (write verbs elsewhere, the OpenAPI document, no tags or caching), and its CORS
policy; and the issue's proof: an SDK client of a fresh `make serve`."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from mcp import Client
from sqlalchemy import Engine

from app.main import create_app
from tests.helpers.assistant import call, with_client
from tests.helpers.pins import PINNED_BASE_URL
from tests.helpers.servers import make_serve
from tests.helpers.settings import Configure

TOOLS = 8


MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


@pytest.mark.parametrize(
    ("method", "headers", "status", "says"),
    [
        ("GET", {}, 405, "stateless"),
        ("DELETE", {}, 405, "stateless"),
        ("POST", {"Host": "evil.example"}, 421, "Invalid Host header"),
        ("POST", {"Origin": "https://evil.example"}, 403, "Invalid Origin header"),
        ("POST", {"Content-Type": "text/plain"}, 400, "Content-Type"),
        ("POST", {"Content-Length": str(5 * 1024 * 1024)}, 413, "too large"),
    ],
)
def test_a_refusal_at_mcp_is_a_problem_with_the_security_headers(
    engine: Engine, method: str, headers: dict[str, str], status: int, says: str
) -> None:
    with TestClient(create_app(engine), base_url=PINNED_BASE_URL) as http:
        response = http.request(method, "/mcp", headers={**MCP_HEADERS, **headers}, json=LIST_TOOLS)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert says in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"
    if status == 405:
        assert response.headers["allow"] == "POST"


def test_what_the_transport_refuses_in_json_rpc_stays_json_rpc(engine: Engine) -> None:
    with TestClient(create_app(engine), base_url=PINNED_BASE_URL) as http:
        html_only = http.post("/mcp", headers={**MCP_HEADERS, "Accept": "text/html"}, json={})
        garbled = http.post("/mcp", headers=MCP_HEADERS, content=b"{not json")
    assert (html_only.status_code, garbled.status_code) == (406, 400)
    assert html_only.json()["error"]["code"] == -32600
    assert garbled.json()["error"]["code"] == -32700


def test_mcp_answers_untagged_outside_the_openapi_and_leaves_write_verbs_refused(
    engine: Engine,
) -> None:
    with TestClient(create_app(engine), base_url=PINNED_BASE_URL) as http:
        answer = http.post("/mcp", headers=MCP_HEADERS, json=LIST_TOOLS)
        refused = http.post("/v1/quotes", json={})
        paths = http.get("/openapi.json").json()["paths"]
    assert answer.status_code == 200
    assert len(answer.json()["result"]["tools"]) == TOOLS
    assert "etag" not in answer.headers
    assert "cache-control" not in answer.headers
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"
    assert not [path for path in paths if path.startswith("/mcp")]


def test_the_cors_preflight_of_mcp_allows_its_headers_for_its_origins(
    engine: Engine, configure: Configure
) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, mcp-protocol-version, mcp-session-id",
    }
    allowed = "https://assistant.example"
    with TestClient(create_app(engine), base_url=PINNED_BASE_URL) as http:
        default = http.options("/mcp", headers={**preflight, "Origin": allowed})
    assert default.status_code == 400  # no browser origin but our own by default
    assert default.headers["content-type"] == "application/problem+json"
    configure(mcp_allowed_origins=f'["{allowed}"]')
    with TestClient(create_app(engine), base_url=PINNED_BASE_URL) as http:
        admitted = http.options("/mcp", headers={**preflight, "Origin": allowed})
        answered = http.post("/mcp", headers={**MCP_HEADERS, "Origin": allowed}, json=LIST_TOOLS)
        api = http.options("/v1/quotes", headers={**preflight, "Origin": allowed})
    assert admitted.status_code == 200
    assert admitted.headers["access-control-allow-origin"] == allowed
    assert "POST" in admitted.headers["access-control-allow-methods"]
    assert "mcp-protocol-version" in admitted.headers["access-control-allow-headers"].lower()
    assert answered.status_code == 200
    assert "mcp-session-id" in answered.headers["access-control-expose-headers"].lower()
    assert api.status_code == 400  # the API's own policy: GET and HEAD only


def test_an_sdk_client_of_a_fresh_make_serve_quotes_and_cites_as_the_api_does(
    tmp_path: Path,
) -> None:
    with make_serve(tmp_path) as (port, _):
        base = f"http://127.0.0.1:{port}"
        medicaid = httpx.get(f"{base}/v1/quotes?q=Medicaid&limit=100").json()["items"]
        first = medicaid[0]
        apa = httpx.get(f"{base}/v1/quotes/{first['id']}/citation?format=apa").text
        paraphrase = "I think " + " ".join(first["text"].split()[3:15]) + " overall."

        async def use(mcp: Client) -> list[tuple[bool, Any]]:
            return [
                await call(mcp, "search_quotes", {"q": "Medicaid", "limit": 100}),
                await call(mcp, "get_quote", {"quote_id": first["id"]}),
                await call(mcp, "verify_quote", {"text": first["text"]}),
                await call(mcp, "verify_quote", {"text": paraphrase}),
                await call(mcp, "cite_quote", {"quote_id": first["id"], "format": "apa"}),
            ]

        answers = with_client(f"{base}/mcp", use)
    assert not any(error for error, _ in answers)
    found, got, verbatim, paraphrased, cited = (answer for _, answer in answers)
    assert [q["id"] for q in found["items"]] == [q["id"] for q in medicaid]
    assert {k: v for k, v in got.items() if k not in ("permalink", "credit")} == first
    assert got["permalink"] == f"{base}/quotes/{first['id']}"
    assert verbatim["verdict"] == "verbatim"
    assert verbatim["matches"][0]["quote"]["id"] == first["id"]
    assert paraphrased["verdict"] == "not_verbatim"
    assert paraphrased["closest"][0]["quote"]["text"] == first["text"]
    assert cited["citation"] == apa
