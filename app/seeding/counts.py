"""The counts a load makes: how many quotes have each value of each dimension (`quote_count`).

Unfiltered facets read these rows instead of counting every quote on every request; the load
recounts them in its own transaction, so they always match the quotes it wrote.
"""

from sqlalchemy import Connection, delete, func, insert, literal, select

from app.queries.tables import DIMENSION_KEYS, quote, quote_count, quote_tag

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
