"""The rate limiter's counting and client identity: a sliding window, one budget per canonical
address however it is spelt, IPv6 per /64 under a per-/48 ceiling, exports charged more, the MCP
endpoint counted as any request."""

import asyncio
import time

import pytest
from fastapi.testclient import TestClient
from limits import RateLimitItemPerSecond
from sqlalchemy import Engine

from app.http.client_ip import budget_keys, parse_ip
from app.http.rate_limit import EXPORT_PATHS, Counter
from app.main import create_app
from tests.helpers.settings import Configure, clear_of_a_minute_turn

LIMITED_URL = "/v1/layers"
PROXY = ("10.0.0.9", 1)


@pytest.fixture(autouse=True)
def clear_of_a_turn() -> None:
    """Every test here counts a budget: each starts well inside a minute."""
    clear_of_a_minute_turn()


def test_a_full_budget_spent_before_a_boundary_is_not_renewed_after_it() -> None:
    # A window of 2 s; the budget is spent in the last 0.3 s of one window.
    item, counter = RateLimitItemPerSecond(5, 2), Counter(None)

    async def spend(key: str) -> list[bool]:
        verdicts = [await counter.hit(item, key, cost=1) for _ in range(5)]
        return [verdict is not None and verdict.allowed for verdict in verdicts]

    key = f"burst-{time.time()}"
    time.sleep(2 - time.time() % 2 + 1.7)
    assert asyncio.run(spend(key)) == [True] * 5
    time.sleep(2 - time.time() % 2 + 0.05)  # just past the boundary
    # A fixed window would grant all 5 again; the sliding window still counts nearly all.
    assert sum(asyncio.run(spend(key))) <= 1


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("1.2.3.4", "1.2.3.4"),
        ("1.2.3.4:5678", "1.2.3.4"),
        ("001.002.003.004", "1.2.3.4"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("[::1]:80", "::1"),
        ("[2001:DB8::1]", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("garbage", None),
        ("1.2.3.256", None),
        ("unknown", None),
        ("", None),
    ],
)
def test_addresses_are_canonicalised(value: str, canonical: str | None) -> None:
    ip = parse_ip(value)
    assert (None if ip is None else str(ip)) == canonical


def api(engine: Engine, peer: tuple[str, int] = PROXY) -> TestClient:
    return TestClient(create_app(engine), client=peer, raise_server_exceptions=False)


def forwarded_statuses(client: TestClient, values: list[str]) -> list[int]:
    return [
        client.get(LIMITED_URL, headers={"X-Forwarded-For": value}).status_code for value in values
    ]


def test_every_spelling_of_one_address_shares_its_budget(
    configure: Configure, engine: Engine
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="4", trusted_proxies='["10.0.0.9"]')
    with api(engine) as proxy:
        spellings = ["1.2.3.4:5678", "001.002.003.004", "::ffff:1.2.3.4", "[::ffff:1.2.3.4]:80"]
        assert forwarded_statuses(proxy, [*spellings, "1.2.3.4"]) == [200, 200, 200, 200, 429]
        assert forwarded_statuses(proxy, ["[::1]:80", "::1"]) == [200, 200]


def test_a_forwarded_value_that_is_no_address_is_refused(
    configure: Configure, engine: Engine
) -> None:
    configure(
        rate_limit_enabled="true", rate_limit_per_minute="100", trusted_proxies='["10.0.0.9"]'
    )
    with api(engine) as proxy:
        response = proxy.get(LIMITED_URL, headers={"X-Forwarded-For": "garbage"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The forwarded client address is not an IP address."


def test_an_ipv6_subscriber_is_one_budget_and_its_site_has_a_ceiling(
    configure: Configure, engine: Engine
) -> None:
    configure(
        rate_limit_enabled="true",
        rate_limit_per_minute="2",
        rate_limit_ipv6_site_per_minute="5",
        trusted_proxies='["10.0.0.9"]',
    )
    with api(engine) as proxy:
        # Two addresses of one /64 share its budget of 2.
        same_64 = ["2001:db8:aa:1::1", "2001:db8:aa:1:ffff::2", "2001:db8:aa:1::3"]
        assert forwarded_statuses(proxy, same_64) == [200, 200, 429]
        # New /64s of the same /48 each have 2, but the /48 has 5 in all (2 spent above).
        other_64s = [f"2001:db8:aa:{n:x}::1" for n in range(2, 7)]
        assert forwarded_statuses(proxy, other_64s) == [200, 200, 200, 429, 429]
        # Another /48 is untouched.
        assert forwarded_statuses(proxy, ["2001:db8:bb:1::1"]) == [200]


def test_budget_keys() -> None:
    assert budget_keys("198.51.100.1") == ("198.51.100.1", None)
    assert budget_keys("2001:db8:aa:1::1") == ("2001:db8:aa:1::/64", "2001:db8:aa::/48")


# Each export with the parameters it needs.
EXPORTS = {
    "/v1/quotes.csv": {},
    "/v1/quotes.ndjson": {},
    "/v1/quotes.xlsx": {},
    "/v1/exports/refi-qda.qdpx": {},
    "/v1/exports/refi-qda.qdc": {},
    "/v1/exports/case-code-matrix.csv": {"codes": "theme"},
    "/v1/stats/crosstab.csv": {"rows": "layer", "cols": "theme"},
    "/v1/stats/crosstab.xlsx": {"rows": "layer", "cols": "theme"},
    "/v1/stats/cooccurrence.csv": {"dimension": "tag"},
}


def test_every_export_is_priced_as_one() -> None:
    assert set(EXPORTS) == EXPORT_PATHS


@pytest.mark.parametrize("export", EXPORTS)
def test_an_export_costs_more_than_a_request(
    configure: Configure, engine: Engine, export: str
) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="10", rate_limit_export_cost="4")
    with api(engine, ("203.0.113.50", 1)) as client:
        params = EXPORTS[export]
        first = client.get(export, params=params)
        assert first.status_code == 200
        assert first.headers["ratelimit-remaining"] == "6"
        assert client.get(export, params=params).status_code == 200
        assert client.get(export, params=params).status_code == 429  # 8 spent, 4 more asked
        assert client.get(LIMITED_URL).status_code == 200  # a plain request still fits


def test_the_mcp_endpoint_spends_the_same_budget(configure: Configure, engine: Engine) -> None:
    configure(rate_limit_enabled="true", rate_limit_per_minute="3")
    headers = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    with (
        TestClient(
            create_app(engine), client=("203.0.113.60", 1), base_url="http://127.0.0.1:8000"
        ) as client,
    ):
        statuses = [client.post("/mcp", headers=headers, json=listing).status_code for _ in "ab"]
        statuses.append(client.get(LIMITED_URL).status_code)
        refused = client.post("/mcp", headers=headers, json=listing)
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
