"""Query costs at scale, in process (the response cache plays no part: every call runs SQL).

Each call has a session of its own, as a request has: the API's time budget
(STATEMENT_TIMEOUT_MS) is a connection checkout's, so it bounds each call as it bounds a request.

insights bench generate --quotes 100000 --out var/s100k
DATABASE_URL=sqlite:///var/s100k.db insights migrate
DATABASE_URL=sqlite:///var/s100k.db insights seed --seeds-dir var/s100k
DATABASE_URL=sqlite:///var/s100k.db python -m bench.scale
"""

import os
import random
import statistics
import sys
import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.db import get_engine
from app.params import Dimension, QuoteListParams
from app.queries.dimensions import facets
from app.queries.quote_pages import read_quote_page
from app.queries.quotes import compile_filters
from app.queries.search import search
from app.queries.tables import interview, quote, report, stakeholder_type, theme

RUNS = int(os.environ.get("SCALE_RUNS", "30"))


Scenario = Callable[[Session], object]


def timed(engine: Engine, call: Scenario) -> float:
    with Session(engine) as session:
        start = time.perf_counter()
        call(session)
        return (time.perf_counter() - start) * 1000


def main() -> int:
    # Long because it is the whole measurement, one query shape after another.
    engine = get_engine()
    rng = random.Random(7)
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(quote)).scalar_one()
        types = list(session.execute(select(stakeholder_type.c.id)).scalars())
        themes = list(session.execute(select(theme.c.id)).scalars())
        interviews = list(session.execute(select(interview.c.id).limit(1000)).scalars())
        # A number printed in one quote's text ("Quote 777: ..."): a term with one match.
        rare = str(min(777, total - 1))
        reports = list(session.execute(select(report.c.id).limit(1000)).scalars())
        # Report order is the loader's seq, which the cursor carries.
        deep = session.execute(
            select(quote.c.seq, quote.c.id)
            .order_by(quote.c.seq, quote.c.id)
            .offset(min(total - 1, 20 * 999))
            .limit(1)
        ).one()
        scenarios: dict[str, Scenario] = {
            "page of 20 by stakeholder type": lambda session: read_quote_page(
                session, QuoteListParams(stakeholder_type=[rng.choice(types)])
            ),
            "page of 20 by theme": lambda session: read_quote_page(
                session, QuoteListParams(theme=[rng.choice(themes)])
            ),
            "page of 20 by a parent type (payer: 2 sub-types)": lambda session: read_quote_page(
                session, QuoteListParams(stakeholder_type=["payer"])
            ),
            "page of 20 by tag": lambda session: read_quote_page(
                session, QuoteListParams(tag=["medicaid"])
            ),
            "q= in report order (10% match)": lambda session: read_quote_page(
                session, QuoteListParams(q="access")
            ),
            "q= in report order (1 match)": lambda session: read_quote_page(
                session, QuoteListParams(q=rare)
            ),
            "q= (10% match) and a stakeholder type": lambda session: read_quote_page(
                session, QuoteListParams(q="access", stakeholder_type=[rng.choice(types)])
            ),
            "q= (10% match) and one interview": lambda session: read_quote_page(
                session, QuoteListParams(q="access", interview=[rng.choice(interviews)])
            ),
            "ranked /v1/search (10% match)": lambda session: search(
                session, "access", limit=21, offset=0
            ),
            "ranked /v1/search (10% match) in one report": lambda session: search(
                session, "access", limit=21, offset=0, reports=[rng.choice(reports)]
            ),
            "page of 20 of one report": lambda session: read_quote_page(
                session, QuoteListParams(report=[rng.choice(reports)])
            ),
            "ranked /v1/search (1 match)": lambda session: search(
                session, rare, limit=21, offset=0
            ),
            "ranked /v1/search, prefix (acc*)": lambda session: search(
                session, "acc*", limit=21, offset=0
            ),
            "facets: stakeholder type, layer": lambda session: facets(
                session,
                compile_filters(session, QuoteListParams()),
                [Dimension.stakeholder_type, Dimension.layer],
            ),
            "facets under q= (10% match)": lambda session: facets(
                session,
                compile_filters(session, QuoteListParams(q="access")),
                [Dimension.stakeholder_type, Dimension.layer],
            ),
            "1,000th page of a cursor walk": lambda session: read_quote_page(
                session, QuoteListParams(cursor=f"{deep.seq}.{deep.id}")
            ),
            "first page": lambda session: read_quote_page(session, QuoteListParams()),
        }
        print(f"{engine.dialect.name}, {total} quotes, {RUNS} runs each after one warm-up\n")
        print("| query | p50 ms | p95 ms |")
        print("| --- | --- | --- |")
    for name, call in scenarios.items():
        timed(engine, call)
        times = sorted(timed(engine, call) for _ in range(RUNS))
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"| {name} | {statistics.median(times):.1f} | {p95:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
