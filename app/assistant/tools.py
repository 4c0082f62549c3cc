"""The MCP tools: each a thin call into the query layer, as a route is, on a session of its own.

Their arguments are the REST API's: the quote filters are taken field by field from
`QuoteFilters` (description, bounds and all) and validated by it, so a filter means the same in
a tool as in `/v1/quotes` and is written once. What the query layer refuses, and a query past the
time limit, comes back as a tool error that says what is wrong.
"""

import inspect
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app import schemas
from app.config import get_settings
from app.db import ConnectionSlots
from app.params import (
    MAX_VALUES,
    CrosstabParams,
    Dimension,
    FilterId,
    QuoteFilters,
    QuoteListParams,
    QuoteSort,
)
from app.queries import catalogue
from app.queries.dimensions import crosstab
from app.queries.errors import InvalidQuery
from app.queries.quote_pages import read_quote_page
from app.queries.quotes import compile_filters, count_quotes, read_quote
from app.queries.verification import MAX_TEXT_CHARS, cite, verify_quote
from app.render.citation import CitationFormat, csl_item, representation

T = TypeVar("T")
LAYERS = "Only these layers' themes (layer ids); all when empty."
REPORTS = "Only these reports' themes (report ids); all when empty."
# The most a count reads past, so that a count is bounded like every other request.
MAX_COUNT = 10_000_000


class Tools:
    """The tools' implementations, bound to one engine (the app's, or the command line's)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.slots = ConnectionSlots(engine, get_settings().pool_timeout_s)

    async def run(self, read: Callable[[Session], T]) -> T:
        """`read` on a session of its own, in the thread pool once a connection slot is free
        (as a route's session is: see ConnectionSlots); its refusals as tool errors."""
        try:
            slot = await self.slots.acquire()
        except PoolTimeoutError:
            raise ToolError("The server is busy: try again in a few seconds.") from None
        try:
            return await run_in_threadpool(self._read, read)
        finally:
            if slot is not None:
                slot.release()

    def _read(self, read: Callable[[Session], T]) -> T:
        try:
            with Session(self.engine) as session:
                return read(session)
        except InvalidQuery as refusal:
            raise ToolError(refusal.detail) from None
        except ValidationError as invalid:
            raise ToolError(_validation_message(invalid)) from None
        except OperationalError:
            # The statement time limit (both backends), or a database gone away.
            raise ToolError(
                "The query took longer than the time limit: narrow it with filters."
            ) from None

    async def search_quotes(self, **arguments: Any) -> schemas.CitedQuotePage:
        def read(session: Session) -> schemas.CitedQuotePage:
            page = read_quote_page(session, QuoteListParams(**arguments))
            return schemas.CitedQuotePage(
                items=cite(session, page.items), next_cursor=page.next_cursor
            )

        return await self.run(read)

    async def get_quote(
        self,
        quote_id: Annotated[
            str, Field(max_length=200, description="The quote's id, e.g. `cgt-2026-q07`.")
        ],
    ) -> schemas.CitedQuote:
        def read(session: Session) -> schemas.CitedQuote:
            found = read_quote(session, quote_id)
            if found is None:
                raise InvalidQuery.of("quote_id", f"There is no quote with id {quote_id!r}.")
            return cite(session, [found])[0]

        return await self.run(read)

    async def cite_quote(
        self,
        quote_id: Annotated[
            str, Field(max_length=200, description="The quote's id, e.g. `cgt-2026-q07`.")
        ],
        format: Annotated[
            CitationFormat,
            Field(description="apa, chicago-author-date or mla (text), or csl-json, bibtex, ris."),
        ] = CitationFormat.APA,
    ) -> schemas.QuoteCitation:
        def read(session: Session) -> schemas.QuoteCitation:
            found = read_quote(session, quote_id)
            if found is None:
                raise InvalidQuery.of("quote_id", f"There is no quote with id {quote_id!r}.")
            report = catalogue.read_reports(session, found.report.id)[0]
            item = csl_item(report, found, accessed=datetime.now(UTC).date())
            body, _ = representation(item, format, html=False)
            return schemas.QuoteCitation(
                quote_id=quote_id, format=format.value, citation=body, item=item
            )

        return await self.run(read)

    async def verify_quote(self, text: str, **filters: Any) -> schemas.Verification:
        return await self.run(lambda session: verify_quote(session, text, QuoteFilters(**filters)))

    async def list_reports(self) -> schemas.Page[schemas.Report]:
        return await self.run(
            lambda session: schemas.Page(items=catalogue.read_reports(session), next_cursor=None)
        )

    async def list_themes(
        self,
        layer: Annotated[list[FilterId], Field(max_length=MAX_VALUES, description=LAYERS)] = [],  # noqa: B006
        report: Annotated[list[FilterId], Field(max_length=MAX_VALUES, description=REPORTS)] = [],  # noqa: B006
    ) -> schemas.Page[schemas.Theme]:
        def read(session: Session) -> schemas.Page[schemas.Theme]:
            compile_filters(session, QuoteFilters(layer=layer, report=report))  # known ids only
            themes = catalogue.read_themes(session, layers=layer, reports=report)
            return schemas.Page(items=themes, next_cursor=None)

        return await self.run(read)

    async def list_stakeholder_types(self) -> schemas.Page[schemas.StakeholderType]:
        return await self.run(
            lambda session: schemas.Page(
                items=catalogue.read_stakeholder_types(session), next_cursor=None
            )
        )

    async def count_quotes(
        self,
        facet: list[Dimension],
        rows: Dimension | None,
        cols: Dimension | None,
        **arguments: Any,
    ) -> schemas.QuoteCounts:
        if (rows is None) != (cols is None):
            raise ToolError("Give both rows and cols for a cross-tab, or neither.")

        def read(session: Session) -> schemas.QuoteCounts:
            filters = QuoteFilters(**arguments)
            total = count_quotes(session, compile_filters(session, filters).conditions, MAX_COUNT)
            facets = read_quote_page(
                session, QuoteListParams(**arguments, facet=facet, limit=1)
            ).facets
            table = None
            if rows is not None and cols is not None:
                params = CrosstabParams(**arguments, rows=rows, cols=cols)
                table = crosstab(session, params, rows, cols, get_settings().max_crosstab_cells)
            return schemas.QuoteCounts(total=total, facets=facets, crosstab=table)

        return await self.run(read)


def with_filters(
    tool: Callable[..., Any], own: list[inspect.Parameter], model: type[BaseModel] = QuoteFilters
) -> Callable[..., Any]:
    """`tool` with a signature of its `own` parameters and then every field of `model`, so that
    the MCP SDK describes each filter as the REST API does (the SDK reads the signature)."""

    async def call(**arguments: Any) -> Any:
        return await tool(**arguments)

    fields = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=field.default,
            annotation=Annotated[
                (field.annotation, *field.metadata, Field(description=field.description))
            ],
        )
        for name, field in model.model_fields.items()
    ]
    returned = inspect.signature(tool).return_annotation
    call.__signature__ = inspect.Signature([*own, *fields], return_annotation=returned)  # type: ignore[attr-defined]
    call.__name__ = tool.__name__
    call.__doc__ = tool.__doc__
    return call


def parameter(
    name: str, annotation: Any, description: str, default: Any = inspect.Parameter.empty
) -> inspect.Parameter:
    """A tool's own parameter, described for the assistant that fills it in."""
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[annotation, Field(description=description)],
    )


def _validation_message(invalid: ValidationError) -> str:
    """Pydantic's errors as one sentence per argument, as the REST API's 422 lists them."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'arguments'}: {error['msg']}"
        for error in invalid.errors()
    )


# The arguments of the tools that page or count quotes, beyond the filters.
PAGE_PARAMETERS = [
    parameter(
        "sort",
        QuoteSort,
        "Order: report order (`position`), by length, or best match first (`rank`, only with `q`).",
        QuoteSort.position,
    ),
    parameter("limit", Annotated[int, Field(ge=1, le=100)], "How many quotes, 1 to 100.", 20),
    parameter(
        "cursor",
        str | None,
        "The `next_cursor` of the previous answer, for the next page; omit for the first.",
        None,
    ),
]
VERIFY_PARAMETERS = [
    parameter(
        "text",
        Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)],
        "The text said to be a quote from the reports, with or without its quotation marks.",
    ),
]
COUNT_PARAMETERS = [
    parameter(
        "facet",
        list[Dimension],
        "Dimensions to count the matching quotes by (each "
        "value with its count, most frequent first).",
        [],
    ),
    parameter(
        "rows",
        Dimension | None,
        "With `cols`: also a cross-tab of quote counts, this dimension down the side.",
        None,
    ),
    parameter("cols", Dimension | None, "With `rows`: the cross-tab's dimension across.", None),
]
