"""The counts a load makes: how many quotes have each value of each dimension (`quote_count`),
and each quote's value of the few-valued dimensions as arrays (`quote_code`).

Unfiltered facets read the counts instead of counting every quote on every request, and facets
under a search count through the arrays (`app.queries.coded_counts`); the load rewrites both in
its own transaction, so they always match the quotes it wrote.
"""

import json
from contextlib import closing

from sqlalchemy import Connection, delete, func, insert, literal, select

from app.queries.coded_counts import CODED_DIMENSIONS, new_codes, ordered_values, pack_codes
from app.queries.tables import DIMENSION_KEYS, quote, quote_code, quote_count, quote_tag

# Tags are counted over the quotes joined to their tags, as the facet queries count them; an
# untagged quote counts under '' (the facets' "Untagged").
_TAGGED_QUOTES = quote.outerjoin(quote_tag, quote_tag.c.quote_id == quote.c.id)


def refresh_quote_counts(connection: Connection) -> None:
    """Recount every dimension's values into `quote_count` (the loader calls this)."""
    connection.execute(delete(quote_count))
    for dimension, key in DIMENSION_KEYS.items():
        counted = (
            select(literal(dimension), func.coalesce(key, ""), func.count())
            .select_from(_TAGGED_QUOTES if key.table is quote_tag else quote)
            .group_by(key)
        )
        columns = ["dimension", "value_id", "quotes"]
        connection.execute(insert(quote_count).from_select(columns, counted))


def refresh_quote_codes(connection: Connection) -> None:
    """Rewrite `quote_code`: each coded dimension's value of every quote (the loader calls this).

    The quotes are read a batch at a time into one preallocated array per dimension, so a
    million quotes add 16 MB to the load, not a list of their rows.
    """
    connection.execute(delete(quote_code))
    keys = [DIMENSION_KEYS[dimension] for dimension in CODED_DIMENSIONS]
    values = [ordered_values(connection.execute(select(key).distinct()).scalars()) for key in keys]
    code_of = [{value: code for code, value in enumerate(found)} for found in values]
    last_seq = connection.execute(select(func.max(quote.c.seq))).scalar() or 0
    codes = [new_codes(last_seq) for _ in keys]
    # On the DB-API cursor: a million SQLAlchemy rows cost more than the rest of this.
    with closing(connection.connection.cursor()) as cursor:
        cursor.execute(f"SELECT seq, {', '.join(key.name for key in keys)} FROM quote")
        while rows := cursor.fetchmany(10_000):
            for column, (array_of, codes_of) in enumerate(zip(codes, code_of, strict=True), 1):
                for row in rows:
                    array_of[row[0]] = codes_of[row[column]]
    for dimension, found, array_of in zip(CODED_DIMENSIONS, values, codes, strict=True):
        connection.execute(
            insert(quote_code).values(
                dimension=dimension, value_ids=json.dumps(found), codes=pack_codes(array_of)
            )
        )
