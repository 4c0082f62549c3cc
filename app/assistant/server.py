"""The MCP server: its tools, resources and prompts, served over Streamable HTTP at `/mcp` in the
API's own app (stateless, JSON answers: any worker or host answers any request) and over stdio
by `insights mcp` for desktop clients.

The HTTP endpoint sits inside the API's middleware, so the rate limit, trusted hosts, CORS and
security headers apply to it; the SDK's own Host and Origin check is configured for the
deployed host (`BASE_URL`, `TRUSTED_HOSTS`), and its plain-text refusals become problems.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import urlsplit

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import ToolAnnotations
from pydantic import Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from app import urls
from app.assistant.tools import (
    COUNT_PARAMETERS,
    PAGE_PARAMETERS,
    VERIFY_PARAMETERS,
    Tools,
    with_filters,
)
from app.config import Settings
from app.errors import MethodNotAllowed, http_error
from app.queries import catalogue

INSTRUCTIONS = """\
Insights API: the Alliance for Health Policy's insights reports (first: Cell and Gene Therapy
Policy, February 2026), whose verbatim quotes from anonymised expert interviews are sorted by
the iceberg model into layers and themes. Quote only what a tool returns, word for word, with
its attribution as printed and its permalink; check any quote you were given with
verify_quote before you repeat it. Filters take ids: find them with list_reports, list_themes
and list_stakeholder_types."""
READ_ONLY = ToolAnnotations(
    readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
ReportId = Annotated[str, Field(max_length=200, description="A report id, from list_reports.")]


def build_server(engine: Engine) -> MCPServer:
    """The MCP server over `engine`: every tool read-only and described for an assistant."""
    tools = Tools(engine)
    server = MCPServer(
        "insights-api",
        title="Insights API",
        instructions=INSTRUCTIONS,
        website_url=urls.home(),
        version="1.0.0",
        log_level="WARNING",
    )
    described: list[tuple[Callable[..., Any], str, str]] = [
        (with_filters(tools.search_quotes, PAGE_PARAMETERS), "search_quotes", SEARCH),
        (tools.get_quote, "get_quote", GET),
        (with_filters(tools.verify_quote, VERIFY_PARAMETERS), "verify_quote", VERIFY),
        (tools.list_reports, "list_reports", REPORTS),
        (tools.list_themes, "list_themes", THEMES),
        (tools.list_stakeholder_types, "list_stakeholder_types", TYPES),
        (with_filters(tools.count_quotes, COUNT_PARAMETERS), "count_quotes", COUNT),
        (tools.cite_quote, "cite_quote", CITE),
    ]
    for function, name, description in described:
        server.add_tool(function, name=name, description=description, annotations=READ_ONLY)
    _add_resources(server, engine)
    _add_prompts(server)
    return server


GET = """\
One quote by id, verbatim, with its attribution as printed, theme, layer, report, permalink
and credit line."""
REPORTS = """\
Every report (and its companion documents: press releases) with its title, publisher, date,
summary, credit line and quote count; its id is the `report` filter."""
THEMES = """\
The themes in report order, each with its layer and quote count; optionally only some
layers' or reports'. A theme's id is the `theme` filter."""
TYPES = """\
The stakeholder taxonomy (payers, manufacturers, patient advocates, ...), with quote counts
that include each type's sub-types; as a filter, a parent type includes its sub-types."""
CITE = """\
How to cite a quote: the report, at the pages of the section that prints it, with the quote's
attribution and permalink, in APA (default), Chicago author-date or MLA (the reference entry,
then the in-text citation), or as CSL-JSON, BibTeX or RIS, by a real citation processor."""
SEARCH = """\
Find quotes: full-text search (`q`: all words required, "quoted phrases", prefix* words) and
filters by id (layer, theme, stakeholder_type, organisation_type, interview, tag, report;
repeat a value to OR; each has a not_ filter that leaves quotes out), and by length. The same
filters and semantics as the REST API's /v1/quotes. Pass next_cursor back as cursor for the
next page. Every quote comes verbatim with its attribution, permalink and credit line."""
VERIFY = """\
Check a text said to be a quote from the reports. verdict `verbatim`: a quote prints it word
for word (whole, or as an excerpt), with the quote's attribution and permalink;
`typography_differs`: the words are right but quotation marks, dashes or case differ;
`not_verbatim`: no quote prints it (a paraphrase or misquote): the closest quotes come back,
verbatim, with the word-level differences; `not_found`: nothing close. Filters narrow where
to look."""
COUNT = """\
Count the quotes that match the filters: the total, the counts by each `facet` dimension, and
with `rows` and `cols` a cross-tab (e.g. stakeholder_type by layer), as /v1/stats/crosstab
gives it. For comparing what stakeholder types say at each layer of the iceberg."""


def _add_resources(server: MCPServer, engine: Engine) -> None:
    """Each report's methodology (JSON) and cleaned full text, by report id."""

    @server.resource(
        "insights://reports/{report_id}/methodology",
        name="methodology",
        description="How a report's evidence was gathered: interviews, workshops, caveats.",
        mime_type="application/json",
    )
    def methodology(report_id: ReportId) -> str:
        with Session(engine) as session:
            detail = catalogue.read_report(session, report_id)
        if detail is None:
            raise ValueError(f"There is no report with id {report_id!r}.")
        return detail.methodology.model_dump_json(indent=2)

    @server.resource(
        "insights://reports/{report_id}/full-text",
        name="full-text",
        description="A report's whole cleaned text, from which every quote is taken verbatim.",
        mime_type="text/plain",
    )
    def full_text(report_id: ReportId) -> str:
        with Session(engine) as session:
            text = catalogue.read_report_text(session, report_id)
        if text is None:
            raise ValueError(f"There is no full text of a report with id {report_id!r}.")
        return text


def _add_prompts(server: MCPServer) -> None:
    @server.prompt(
        name="compare_stakeholder_views",
        description="Compare what each stakeholder type says on one theme, quoting exactly.",
    )
    def compare_stakeholder_views(theme: str) -> str:
        return (
            f"Compare what the stakeholder types interviewed say on the theme {theme!r}. First "
            "find its id with list_themes, then count_quotes with that theme and "
            "facet=stakeholder_type, then search_quotes with the theme for each type. Quote "
            "only the tools' quotes, word for word, each with its attribution as printed and "
            "its permalink, and end with the report's credit line."
        )

    @server.prompt(
        name="check_a_quote",
        description="Check a quote attributed to these experts before repeating it.",
    )
    def check_a_quote(text: str) -> str:
        return (
            "Call verify_quote with this text. If the verdict is not `verbatim`, say so, and "
            f"give the printed quote instead, with its attribution and permalink:\n\n{text}"
        )


class McpEndpoint:
    """The ASGI endpoint at `/mcp`: a stateless session manager, started with the app (one per
    lifespan, as the SDK's can run once), whose plain-text refusals are made problems."""

    def __init__(self, server: MCPServer, settings: Settings) -> None:
        self.server = server
        self.security = transport_security(settings)
        self.running = False

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        self.server.streamable_http_app(
            stateless_http=True, json_response=True, transport_security=self.security
        )
        async with self.server.session_manager.run():
            self.running = True
            try:
                yield
            finally:
                self.running = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.running:
            error = http_error(503, "The MCP endpoint is not started.", scope["path"], None)
            await error.response(scope["path"])(scope, receive, send)
            return
        if scope["method"] != "POST":
            # Stateless: no session to end, no stream to open (the SDK's would stay open).
            error = MethodNotAllowed(
                "The MCP endpoint is stateless: POST each JSON-RPC request.",
                headers={"Allow": "POST"},
            )
            await error.response(scope["path"])(scope, receive, send)
            return
        await self.server.session_manager.handle_request(scope, receive, _as_problems(scope, send))


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """The SDK's DNS-rebinding check for the hosts this API is served as: the base URL's and the
    trusted hosts' (any port), never only localhost; browsers from the CORS origins."""
    base = urlsplit(urls.base_url())
    hosts = {base.netloc, *(h for h in settings.trusted_hosts if h != "*")}
    hosts |= {f"{host}:*" for host in list(hosts) if ":" not in host}
    origins = {f"{base.scheme}://{base.netloc}", *settings.mcp_allowed_origins}
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=sorted(hosts),
        allowed_origins=sorted(origins),
    )


def _as_problems(scope: Scope, send: Send) -> Send:
    """`send`, with the SDK's plain-text refusals (a wrong Host, Origin, Content-Type or Accept,
    a body too large) replaced by the problem of the same status."""
    refusal: dict[str, Any] = {}

    async def send_problem(message: Message) -> None:
        if message["type"] == "http.response.start":
            content_type = Headers(raw=message["headers"]).get("content-type", "")
            if message["status"] >= 400 and not content_type.startswith("application/json"):
                refusal.update(status=message["status"], body=b"")
                return
        elif refusal and message["type"] == "http.response.body":
            refusal["body"] += message.get("body", b"")
            if message.get("more_body"):
                return
            detail = refusal["body"].decode(errors="replace").strip() or "Refused."
            error = http_error(refusal["status"], f"{detail}.", scope["path"], None)
            response = error.response(scope["path"])
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": response.raw_headers,
                }
            )
            await send({"type": "http.response.body", "body": response.body})
            return
        await send(message)

    return send_problem
