"""Text for language models: `/llms.txt` (the llmstxt.org format), the quotes as Markdown, and the
Markdown versions of the home, report, layer, theme and quote pages.

An assistant that quotes these reports should quote them exactly and cite them: every quote is
given verbatim in a block quote, with its attribution as printed and its permalink, under its
report, layer and theme. Quote text is not escaped: Markdown punctuation in a quote stays the
report's characters, which matter more to a reader than the rendering.
"""

from collections.abc import Iterable, Iterator

from app import schemas, urls

TITLE = "Insights API"
SUMMARY = (
    "Verbatim, attributed quotes from the Alliance for Health Policy's Signature Seminar "
    "insights reports, sorted by the reports' iceberg model into layers and themes, with the "
    "reports' own texts. Quote them exactly, with the attribution as printed and the report's "
    "credit line; every quote has a permalink."
)
# The key endpoints and pages, as (name, path, what it is).
API = (
    (
        "Quotes",
        "/v1/quotes",
        "every quote, filtered (layer, theme, stakeholder_type, tag, "
        "report, not_<dimension>, min_length, max_length), searched (q) and paged",
    ),
    (
        "One quote",
        "/v1/quotes/cgt-2026-q07",
        "a quote with its attribution, theme, layer, report section and character offsets",
    ),
    (
        "A quote in context",
        "/v1/quotes/cgt-2026-q07/context",
        "the report's paragraphs around a quote",
    ),
    (
        "Search",
        "/v1/search?q=Medicaid",
        "quotes, themes and layers ranked together, with marked snippets",
    ),
    (
        "Cross-tab",
        "/v1/stats/crosstab?rows=stakeholder_type&cols=layer",
        "quote counts by two dimensions",
    ),
    (
        "Verify a quote",
        "/v1/quotes/verify?text=Medicaid",
        "whether a text said to be a quote is one: the quotes that print it, or the closest "
        "quotes and how it differs",
    ),
    (
        "Cite a quote",
        "/v1/quotes/cgt-2026-q07/citation?format=apa",
        "APA, Chicago author-date, MLA, CSL-JSON, BibTeX or RIS",
    ),
    ("OpenAPI", "/openapi.json", "the whole contract"),
)
# Not a link: the MCP endpoint answers POSTed JSON-RPC, not a GET.
MCP = (
    "For assistants, the same data as MCP tools at {url} (Streamable HTTP, stateless; POST): "
    "search_quotes, get_quote, verify_quote, cite_quote, count_quotes, list_reports, "
    "list_themes, list_stakeholder_types."
)
PAGES = (
    ("The iceberg", "/", "the newest report's four layers and their themes"),
    ("Explore", "/explore", "search, facets and a heatmap in the browser"),
)


def llms_txt(reports: list[schemas.Report], layers: list[schemas.Layer]) -> str:
    """/llms.txt: what this is, the reports, and the key endpoints and pages, with links."""
    lines = [f"# {TITLE}", "", f"> {SUMMARY}", ""]
    lines += [
        "Content is read-only JSON under /v1, HTML pages and Markdown. Ids are stable: a "
        "permalink never changes.",
        "",
        "## Reports",
        "",
    ]
    for report in reports:
        described = f"{report.publisher}, {report.published_on.isoformat()}"
        if report.quote_count:
            described += f", {report.quote_count} quotes; all of them as Markdown: "
            described += urls.absolute(f"/reports/{urls.segment(report.id)}/llms-full.txt")
        lines.append(f"- [{report.title}]({urls.report(report.id)}): {described}")
    lines += ["", "## Iceberg layers", ""]
    lines += [
        f"- [{layer.name}]({urls.layer(layer.id)}): {layer.quote_count} quotes" for layer in layers
    ]
    lines += ["", "## API", ""]
    lines += [f"- [{name}]({urls.absolute(path)}): {what}" for name, path, what in API]
    lines += ["", MCP.format(url=urls.mcp())]
    lines += ["", "## Pages", ""]
    lines += [f"- [{name}]({urls.absolute(path)}): {what}" for name, path, what in PAGES]
    lines += ["", "## Optional", ""]
    lines.append(
        f"- [Every quote as Markdown]({urls.absolute('/llms-full.txt')}): grouped by report, "
        "layer and theme, with attributions and permalinks"
    )
    return "\n".join(lines) + "\n"


def quotes_markdown(quotes: Iterable[schemas.Quote], credits: dict[str, str]) -> Iterator[str]:
    """The quotes as Markdown, in report order: a heading at each new report, layer and theme,
    then each quote verbatim in a block quote with its attribution and permalink."""
    yield f"# {TITLE}: the quotes\n\n> {SUMMARY}\n"
    report = layer = theme = None
    for quote in quotes:
        if quote.report.id != report:
            report, layer, theme = quote.report.id, None, None
            yield f"\n## {quote.report.title}\n\n{credits.get(report, '')}\n"
        if quote.layer.id != layer:
            layer, theme = quote.layer.id, None
            yield f"\n### {quote.layer.name}\n"
        if quote.theme.id != theme:
            theme = quote.theme.id
            yield f"\n#### {quote.theme.title}\n"
        yield f"\n{block(quote)}"


def block(quote: schemas.Quote) -> str:
    """A quote as Markdown: verbatim in a block quote, then its attribution and permalink."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in quote.text.split("\n"))
    return f"{quoted}\n\n— {quote.attribution}, <{urls.quote(quote.id)}>\n"


def quote_page(quote: schemas.Quote, credit: str) -> str:
    """The Markdown version of a quote's permalink page."""
    section = quote.location.section
    pages = f", pages {section.page_start}–{section.page_end}" if section.page_start else ""
    facts = [
        f"- Attribution: {quote.attribution}",
        f"- Stakeholder type: {quote.stakeholder_type.name}",
        f"- Theme: [{quote.theme.title}]({urls.theme(quote.theme.id)})",
        f"- Iceberg layer: [{quote.layer.name}]({urls.layer(quote.layer.id)})",
        f"- Source: [{quote.report.title}]({urls.report(quote.report.id)}), section "
        f"{section.numeral} ({section.title}){pages}",
        f"- Permalink: <{urls.quote(quote.id)}>",
        f"- As JSON: <{urls.api_quote(quote.id)}>",
    ]
    title = f"# {quote.attribution} on {quote.theme.title}"
    return "\n".join([title, "", block(quote), *facts, "", credit, ""])


def theme_page(theme: schemas.Theme, quotes: list[schemas.Quote], credit: str) -> str:
    """The Markdown version of a theme's page: its summary, then its quotes."""
    parts = [f"# {theme.title}", "", f"{theme.layer.name}, theme {theme.position}", ""]
    parts += [theme.summary, "", f"## {theme.quote_count} quotes", ""]
    parts += [block(quote) for quote in quotes]
    return "\n".join([*parts, _more(len(quotes), theme.quote_count, theme.report.id), credit, ""])


def layer_page(layer: schemas.LayerDetail, quotes: list[schemas.Quote], credit: str) -> str:
    """The Markdown version of a layer's page: its text, its themes, then its quotes."""
    newest = layer.reports[0] if layer.reports else None
    parts = [f"# {layer.name}", ""]
    if newest is not None:
        parts += [f"## {newest.heading}", "", newest.description, ""]
    parts += ["## Themes", ""]
    parts += [f"- [{theme.title}]({urls.theme(theme.id)})" for theme in layer.themes]
    parts += ["", f"## {layer.quote_count} quotes", ""]
    parts += [block(quote) for quote in quotes]
    report = newest.report.id if newest is not None else None
    return "\n".join([*parts, _more(len(quotes), layer.quote_count, report), credit, ""])


def _more(shown: int, total: int, report_id: str | None) -> str:
    if shown >= total or report_id is None:
        return ""
    whole = urls.absolute(f"/reports/{urls.segment(report_id)}/llms-full.txt")
    return f"The first {shown} of {total}; all of them: <{whole}>\n"


def report_page(report: schemas.ReportDetail, series: list[schemas.Report]) -> str:
    """The Markdown version of a report's page (the home page's, with the series, for the
    newest insights report): what it is, its layers and their themes, its credit line."""
    parts = [f"# {report.title}", "", f"{report.publisher}, {report.published_on.isoformat()}", ""]
    parts += [report.summary, ""]
    for text in report.layers:
        themes = [theme for theme in report.themes if theme.layer.id == text.layer.id]
        count = sum(theme.quote_count for theme in themes)
        parts += [f"## [{text.layer.name}]({urls.layer(text.layer.id)}): {text.heading}", ""]
        parts += [text.description, "", f"{len(themes)} themes, {count} quotes:", ""]
        parts += [f"- [{t.title}]({urls.theme(t.id)}) ({t.quote_count} quotes)" for t in themes]
        parts.append("")
    if report.quote_count:
        whole = urls.absolute(f"/reports/{urls.segment(report.id)}/llms-full.txt")
        parts += [f"Every quote of the report as Markdown: <{whole}>", ""]
    if len(series) > 1:
        parts += ["## The reports", ""]
        parts += [f"- [{item.title}]({urls.report(item.id)})" for item in series]
        parts.append("")
    return "\n".join([*parts, report.credit, ""])
