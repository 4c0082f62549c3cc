"""The API runs with a database role that can only read (docs/security.md says how)."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from app.db import make_engine
from tests.helpers.databases import client_for
from tests.helpers.pg_cluster import Cluster

# The statements docs/security.md gives an operator, run verbatim.
READ_ONLY_ROLE = """
CREATE ROLE insights_reader LOGIN;
GRANT CONNECT ON DATABASE postgres TO insights_reader;
GRANT USAGE ON SCHEMA public TO insights_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO insights_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO insights_reader;
"""
READ_PATHS = [
    "/v1/quotes?stakeholder_type=payer&facet=layer",
    "/v1/quotes/cgt-2026-q07",
    "/v1/quotes/random",
    "/v1/quotes.csv",
    "/v1/search?q=patient",
    "/v1/stats/crosstab?rows=stakeholder_type&cols=layer",
    "/v1/layers/a-bit-deeper",
    "/v1/themes",
    "/v1/stakeholder-types/payer",
    "/v1/interviews",
    "/v1/tags",
    "/v1/reports/cgt-insights-2026",
    "/v1/meta",
    "/v1/exports/refi-qda.qdpx",
    "/readyz",
]


@pytest.fixture(scope="module")
def reader(cluster: Cluster) -> Iterator[Engine]:
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP ROLE IF EXISTS insights_reader"))
        for statement in filter(None, map(str.strip, READ_ONLY_ROLE.split(";"))):
            connection.execute(text(statement))
    url = make_url(cluster.url).set(username="insights_reader")
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text("DROP OWNED BY insights_reader"))
        connection.execute(text("DROP ROLE insights_reader"))
    admin.dispose()


@pytest.mark.parametrize("path", READ_PATHS)
def test_read_paths_work_with_a_read_only_role(reader: Engine, path: str) -> None:
    response = client_for(reader).get(path)
    assert response.status_code == 200, response.text


def test_the_read_only_role_cannot_write(reader: Engine) -> None:
    with reader.connect() as connection, pytest.raises(ProgrammingError):
        connection.execute(text("DELETE FROM quote"))
