"""The cost of every request is bounded: ids per request, cross-tab cells, a statement time
limit on both backends (with loads exempt), no slash redirects, and the small leaks closed."""

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from app.config import Settings
from app.db import lift_time_limit, make_engine
from app.deps import SessionDep
from tests.helpers.api import assert_problem, json_at
from tests.helpers.databases import client_for, postgres_admin
from tests.helpers.servers import make_serve
from tests.helpers.settings import Configure

# A statement SQLite runs for as long as asked: it counts to :n.
COUNT_TO = text(
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < :n) "
    "SELECT count(*) FROM c"
)
HANG = 5.0  # only catches a request that the limit did not stop
SLOW = {"sqlite": (COUNT_TO, {"n": 10**10}), "postgresql": (text("SELECT pg_sleep(30)"), {})}


def ids_of(client: TestClient, url: str) -> list[str]:
    return [item["id"] for item in json_at(client, url)["items"]]


def repeated(**counts: int) -> str:
    """A query string with each filter repeated: `repeated(tag=2)` is `tag=fda&tag=fda`."""
    values = {"layer": "the-fundamentals", "tag": "medicaid", "interview": "no-such-interview"}
    return "&".join(f"{name}={values[name]}" for name, n in counts.items() for _ in range(n))


@pytest.mark.parametrize(
    ("query", "status"),
    [
        (repeated(layer=16, tag=15), 422),
        # Counted before any id is looked up: an unknown one does not make it a different 422.
        (repeated(layer=10, tag=10, interview=11), 422),
        (repeated(layer=15, tag=15), 200),
    ],
    ids=["thirty-one", "thirty-one-with-unknown", "thirty"],
)
def test_ids_are_bounded_across_all_filters(client: TestClient, query: str, status: int) -> None:
    response = client.get(f"/v1/quotes?{query}&facet=tag")
    if status == 200:
        assert response.status_code == 200
        return
    body = assert_problem(response, 422)
    assert "MAX_FILTER_IDS" in body["detail"]
    assert body["errors"][0]["type"] == "too_many_ids"


@pytest.mark.parametrize(
    "path", ["/v1/quotes", "/v1/quotes.csv", "/feeds/quotes.atom", "/v1/stats/crosstab"]
)
def test_every_filtered_endpoint_has_the_bound(
    engine: Engine, configure: Configure, path: str
) -> None:
    configure(max_filter_ids="2")
    bounded = client_for(engine)
    query = "layer=a-bit-deeper&layer=the-fundamentals&tag=fda&rows=layer&cols=tag"
    assert_problem(bounded.get(f"{path}?{query}"), 422)
    assert bounded.get(f"{path}?{query.replace('&tag=fda', '')}").status_code == 200


def test_a_crosstab_over_the_cell_limit_is_refused_before_counting(
    engine: Engine, configure: Configure
) -> None:
    configure(max_crosstab_cells="100")
    client = client_for(engine)
    body = assert_problem(client.get("/v1/stats/crosstab?rows=interview&cols=tag"), 422)
    assert "MAX_CROSSTAB_CELLS" in body["detail"]
    assert body["errors"] == [
        {"loc": ["query", "cols"], "msg": body["detail"], "type": "too_many_cells"}
    ]
    assert_problem(client.get("/v1/stats/crosstab.csv?rows=interview&cols=tag"), 422)
    fits = client.get("/v1/stats/crosstab?rows=layer&cols=theme")
    assert fits.status_code == 200
    assert len(fits.json()["cols"]) == 18


def test_the_real_matrices_fit_the_default_cell_limit(client: TestClient) -> None:
    settings = Settings()
    crosstab = json_at(client, "/v1/stats/crosstab?rows=interview&cols=tag")
    assert (len(crosstab["rows"]), len(crosstab["cols"])) == (17, 44)  # 43 tags and Untagged
    # With 1,000 reports like this one, by report: 1,000 x 44 tags; interviews of one report.
    assert settings.max_crosstab_cells >= 1000 * 44
    assert settings.max_crosstab_cells > 17 * 44


@pytest.mark.parametrize(
    ("report", "interviews", "themes"),
    [("cgt-insights-2026", 17, 18), ("cgt-press-release-2026", 0, 0)],
)
def test_a_report_filter_narrows_the_dimensions_a_report_owns(
    client: TestClient, report: str, interviews: int, themes: int
) -> None:
    crosstab = json_at(client, f"/v1/stats/crosstab?rows=interview&cols=theme&report={report}")
    assert (len(crosstab["rows"]), len(crosstab["cols"])) == (interviews, themes)
    layers = json_at(client, f"/v1/stats/crosstab?rows=layer&cols=tag&report={report}")
    assert len(layers["rows"]) == 4  # the layers are the series' own


@pytest.fixture
def limited(fresh_database_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url, Settings(statement_timeout_ms=200))
    yield engine
    engine.dispose()


def test_a_statement_past_the_time_limit_is_stopped(backend: str, limited: Engine) -> None:
    statement, parameters = SLOW[backend]
    with limited.connect() as connection:
        started = time.monotonic()
        with pytest.raises(OperationalError):
            connection.execute(statement, parameters)
        assert time.monotonic() - started < 3
        connection.rollback()
        assert connection.execute(text("SELECT 1")).scalar_one() == 1  # the next one runs


def test_a_load_runs_without_the_time_limit_and_the_pool_gets_it_back(tmp_path: Path) -> None:
    # On SQLite; PostgreSQL's loads SET LOCAL statement_timeout = 0.
    limited = make_engine(
        f"sqlite:///{tmp_path / 'limited.db'}", Settings(statement_timeout_ms=200)
    )
    with limited.connect() as connection:
        lift_time_limit(connection)
        started = time.monotonic()
        assert connection.execute(COUNT_TO, {"n": 3_000_000}).scalar_one() == 3_000_000
        assert time.monotonic() - started > 0.2  # it did run past the limit
    with limited.connect() as connection, pytest.raises(OperationalError):
        connection.execute(COUNT_TO, {"n": 10**10})
    limited.dispose()


# Roomy enough that the warm-up request makes it on a loaded CI machine (300 ms did not, once, on
# PostgreSQL), short enough that the slow route's statements run past it.
BUDGET_S = 1.5


# Each statement of these routes is quick (well under the budget alone); together they run past it.
def _statements_then_sleep(backend: str) -> Callable[[OrmSession], None]:
    last = COUNT_TO.bindparams(n=10**5) if backend == "sqlite" else text("SELECT pg_sleep(0.2)")

    def route(session: OrmSession) -> None:
        session.execute(text("SELECT 1"))
        time.sleep(BUDGET_S + 0.1)  # past the budget: what the next statement gets is nothing
        session.execute(last)

    return route


@pytest.mark.parametrize("kind", ["one-long-statement", "short-statements"])
def test_a_request_past_the_time_limit_is_a_503_problem(
    backend: str, engine: Engine, configure: Configure, kind: str
) -> None:
    configure(statement_timeout_ms=str(int(BUDGET_S * 1000)))
    limited = make_engine(engine.url.render_as_string(hide_password=False))
    client = client_for(limited)
    assert isinstance(client.app, FastAPI)
    statement, parameters = SLOW[backend]
    run = (
        _statements_then_sleep(backend)
        if kind == "short-statements"
        else lambda session: session.execute(statement, parameters)
    )

    def slow(session: SessionDep) -> None:
        run(session)

    client.app.add_api_route("/slow", slow)
    assert client.get("/v1/meta").status_code == 200  # the app built, its pool connected
    started = time.monotonic()
    response = client.get("/slow")
    assert time.monotonic() - started < HANG
    body = assert_problem(response, 503)
    assert body["type"] == "/problems/time-limit"
    assert response.headers["retry-after"]
    assert client.get("/v1/meta").status_code == 200  # the next request has a budget of its own
    limited.dispose()


def test_a_trailing_slash_is_not_redirected(client: TestClient) -> None:
    response = client.get(
        "/quotes/cgt-2026-q07/", headers={"Host": "evil.example"}, follow_redirects=False
    )
    assert "location" not in response.headers
    assert_problem(response, 404)


@pytest.mark.parametrize(
    "headers",
    [
        {"Access-Control-Request-Method": "DELETE"},
        {"Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "1"},
    ],
    ids=["method", "private-network"],
)
def test_a_refused_preflight_is_a_problem(client: TestClient, headers: dict[str, str]) -> None:
    response = client.options(
        "/v1/quotes", headers={"Origin": "https://partner.example", **headers}
    )
    body = assert_problem(response, 400)
    assert body["detail"].startswith("Disallowed CORS")
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", ["/feeds/quotes.atom", "/feeds/quotes.rss"])
def test_feeds_do_not_name_the_software_version(client: TestClient, path: str) -> None:
    body = client.get(path).text
    assert "python-feedgen" not in body
    assert "Insights API</generator>" in body


def test_the_event_loop_never_waits_on_a_held_lock(tmp_path: Path) -> None:
    # A migration-like lock on the table the response cache reads its version from: /healthz
    # took 6.5 s while it was held, since the version was read on the event loop.
    admin = postgres_admin()
    database = f"insights_lock_{int(time.time() * 1000)}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {database}"))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    try:
        with make_serve(tmp_path, DATABASE_URL=url, STATEMENT_TIMEOUT_MS="3000") as (port, _):
            _while_locked(port, make_engine(url))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        admin.dispose()


def _while_locked(port: int, engine: Engine) -> None:
    """Hold the lock, and time /healthz and a cached page while a cache miss waits on it."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        assert http.get("/v1/layers").status_code == 200  # now cached
        with Session(engine) as holder:
            holder.execute(text("LOCK TABLE dataset_state IN ACCESS EXCLUSIVE MODE"))
            waiting = threading.Thread(target=http.get, args=("/v1/themes",))
            waiting.start()  # its version read waits on the lock
            time.sleep(0.3)
            for url in ("/healthz", "/v1/layers"):
                started = time.monotonic()
                assert http.get(url).status_code == 200
                assert time.monotonic() - started < 1.0, url
            holder.rollback()
        waiting.join(timeout=30)
    engine.dispose()


def test_the_openapi_document_states_every_bound_with_its_value(
    engine: Engine, configure: Configure
) -> None:
    configure(max_filter_ids="12", max_crosstab_cells="345", statement_timeout_ms="678")
    document = json_at(client_for(engine), "/openapi.json")
    description = document["info"]["description"]
    for row in (
        "`MAX_FILTER_IDS` = 12 |",
        "`MAX_CROSSTAB_CELLS` = 345 |",
        "`STATEMENT_TIMEOUT_MS` = 678 |",
    ):
        assert row in description
    for name in ("HTML_PAGE_QUOTES", "POOL_TIMEOUT_S", "HTTP_MAX_HEADERS", "HTTP_MAX_REQUESTS"):
        assert f"`{name}` = " in description
    for path, operations in document["paths"].items():
        responses = operations["get"]["responses"]
        assert {"422", "431", "503"} <= set(responses), path
