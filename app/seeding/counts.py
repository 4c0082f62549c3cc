"""The counts a load makes: how many quotes have each value of each dimension (`quote_count`),
and each quote's value of the few-valued dimensions as arrays (`quote_code`).

Unfiltered facets read the counts instead of counting every quote on every request, and facets
under a search count through the arrays (`app.queries.coded_counts`); the load rewrites both in
its own transaction, so they always match the quotes it wrote.
"""

from sqlalchemy import Connection, delete, func, insert, literal, select

from app.queries.coded_counts import CODED_DIMENSIONS, encode_codes
from app.queries.tables import DIMENSION_KEYS, quote, quote_code, quote_count, quote_tag

# Tags are counted over the quotes joined to their tags, as the facet queries count them.
_TAGGED_QUOTES = quote.join(quote_tag, quote_tag.c.quote_id == quote.c.id)


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
    """Rewrite `quote_code`: each coded dimension's value of every quote (the loader calls this)."""
    connection.execute(delete(quote_code))
    columns = [DIMENSION_KEYS[dimension].name for dimension in CODED_DIMENSIONS]
    # On the DB-API cursor: a million SQLAlchemy rows cost more than the rest of this.
    cursor = connection.connection.cursor()
    cursor.execute(f"SELECT seq, {', '.join(columns)} FROM quote")
    rows = cursor.fetchall()
    for index, dimension in enumerate(CODED_DIMENSIONS, start=1):
        value_ids, codes = encode_codes((row[0], row[index]) for row in rows)
        connection.execute(
            insert(quote_code).values(dimension=dimension, value_ids=value_ids, codes=codes)
        )
