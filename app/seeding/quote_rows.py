"""The quote rows: each quote checked against everything it references and located in its report.

A quote names its theme, interview and tags, copies their dimensions, and must appear verbatim,
in order, in its report's full text; the character offsets of the API come from there.
"""

from operator import itemgetter

from app.seeding.problems import Problems
from app.seeding.records import QuoteRecord
from app.seeding.tables import Row, section_id


def quote_rows(
    quotes: list[QuoteRecord],
    report: str | None,
    full_texts: dict[str, str],
    rows: dict[str, list[Row]],
    problems: Problems,
) -> None:
    """Check every quote against what it references and its report's text; add its rows,
    numbered in report order from 1."""
    QuoteRows(rows, full_texts).add(quotes, report, rows, problems, first_seq=1)


class QuoteRows:
    """What quotes are checked against, read once from the other tables' rows; `add` turns one
    batch of quotes (the whole tree, or one report's, as a streamed first load reads them) into
    rows."""

    def __init__(self, rows: dict[str, list[Row]], full_texts: dict[str, str]) -> None:
        # What a quote copies from its theme and interview, keyed by id. The rows take the ids
        # from here, so that a million quotes share one string per theme, interview, report and
        # tag.
        self.numerals = {row["id"]: row["numeral"] for row in rows["report_section"]}
        layer_numerals = {
            (row["report_id"], row["layer_id"]): self.numerals.get(row["section_id"])
            for row in rows["report_layer"]
        }
        self.themes = {
            row["id"]: (
                row["id"],
                row["layer_id"],
                layer_numerals.get((row["report_id"], row["layer_id"])),
                row["report_id"],
            )
            for row in rows["theme"]
        }
        copied = itemgetter("id", "report_id", "stakeholder_type_id", "organisation_type_id")
        self.interviews = {row["id"]: copied(row) for row in rows["interview"]}
        self.reports = {row["id"]: row["id"] for row in rows["report"]}
        self.tags = {row["id"]: row["id"] for row in rows["tag"]}
        self.full_texts = full_texts
        # Report order: the newest report first (then by id), each in its own order.
        newest_first = sorted(rows["report"], key=itemgetter("id"))
        newest_first.sort(key=itemgetter("published_on"), reverse=True)
        self.report_order = [row["id"] for row in newest_first]
        self.rank = {report_id: n for n, report_id in enumerate(self.report_order)}

    def add(
        self,
        quotes: list[QuoteRecord],
        report: str | None,
        rows: dict[str, list[Row]],
        problems: Problems,
        *,
        first_seq: int,
    ) -> None:
        """Check `quotes` (of `report`, or naming their own) and add their rows to `rows`,
        numbered in report order from `first_seq`.

        Long because it is the hot loop of a million-quote load: one pass, no calls per quote.
        """
        themes, interviews, reports, tags = self.themes, self.interviews, self.reports, self.tags
        numerals, full_texts = self.numerals, self.full_texts
        added, tagged = len(rows["quote"]), len(rows["quote_tag"])
        # A quote stands in its own report's section of its theme's layer (V for the tip, ...).
        sections: dict[tuple[str, str | None], str] = {}
        search_from: dict[str, int] = {}
        # (position, record, field, message): reported in position order, whatever the check order.
        found: list[tuple[int, int, str, str]] = []
        previous = ("", 0)
        for i, report_id in _in_report_order(quotes, report):
            quote, index, position = quotes[i], i + 1, quotes[i].position
            report_id = reports.get(report_id, report_id)
            theme_id, layer_id, numeral, theme_report = themes.get(quote.theme) or (
                quote.theme,
                None,
                None,
                None,
            )
            if layer_id is None:
                found.append((position, index, "theme", f"unknown theme {quote.theme!r}"))
            elif theme_report != report_id:
                message = f"theme {quote.theme!r} belongs to another report"
                found.append((position, index, "theme", message))
            interview = interviews.get(quote.interview) or (quote.interview, None, None, None)
            if interview[1] is None:
                found.append(
                    (position, index, "interview", f"unknown interview {quote.interview!r}")
                )
            elif interview[1] != report_id:
                message = f"interview {quote.interview!r} belongs to another report"
                found.append((position, index, "interview", message))
            quote_tags = [tags.get(tag) or tag for tag in quote.tags]
            for tag in quote.tags:
                if tag not in tags:
                    found.append((position, index, "tags", f"unknown tag {tag!r}"))
            if len(quote_tags) > 1 and len(set(quote_tags)) != len(quote_tags):
                found.append((position, index, "tags", "a tag is listed twice"))
            if quote.tag_exclusions or quote.tag_inclusions:
                found.extend(_decision_problems(quote, tags, position, index))
            if previous == (report_id, position):
                found.append((position, index, "position", f"position {position} is taken"))
            previous = (report_id, position)
            start, problem = _locate(quote.text, report_id, full_texts, search_from)
            if problem:
                found.append((position, index, *problem))
            section = sections.get((report_id, numeral))
            if section is None:
                section = sections[report_id, numeral] = section_id(report_id, numeral or "")
            if numeral and section not in numerals:
                message = f"report {report_id!r} has no section {numeral}"
                found.append((position, index, "report", message))
            rows["quote"].append(
                {
                    "id": quote.id,
                    "report_id": report_id,
                    "section_id": section,
                    "theme_id": theme_id,
                    "interview_id": interview[0],
                    "layer_id": layer_id,
                    "stakeholder_type_id": interview[2],
                    "organisation_type_id": interview[3],
                    "position": position,
                    "text": quote.text,
                    "length": len(quote.text),
                    "start_offset": start,
                    "end_offset": start + len(quote.text),
                }
            )
            rows["quote_tag"].extend(
                {"quote_id": quote.id, "tag_id": tag, "position": position} for tag in quote_tags
            )
        for _, index, field, message in sorted(found, key=itemgetter(0, 1)):
            problems.add("quotes", index, quotes[index - 1].id, field, message)
        rank = self.rank
        new = rows["quote"][added:]
        new.sort(key=lambda row: (rank.get(row["report_id"], 0), row["position"], row["id"]))
        rows["quote"][added:] = new
        for seq, row in enumerate(new, start=first_seq):
            row["seq"] = seq
        # A tag's page in report order reads (tag, seq): each quote-tag row carries its quote's.
        seqs = {row["id"]: row["seq"] for row in new}
        for row in rows["quote_tag"][tagged:]:
            row["position"] = seqs[row["quote_id"]]


def _decision_problems(
    quote: QuoteRecord, tags: dict[str, str], position: int, index: int
) -> list[tuple[int, int, str, str]]:
    """A quote's hand-made tag decisions that name no tag."""
    return [
        (position, index, field, f"unknown tag {decision.tag!r}")
        for field, decisions in (
            ("tag_exclusions", quote.tag_exclusions),
            ("tag_inclusions", quote.tag_inclusions),
        )
        for decision in decisions
        if decision.tag not in tags
    ]


def _in_report_order(quotes: list[QuoteRecord], report: str | None) -> list[tuple[int, str]]:
    """Each quote's index and report, by report then position (then file order).

    Quotes are located in their report's text in this order. A file in that order is read
    front to back, which at a million quotes is twice as fast as hopping across it.
    """
    keyed = [(quote.report or report or "", quote.position, i) for i, quote in enumerate(quotes)]
    keyed.sort()
    return [(i, report_id) for report_id, _, i in keyed]


def _locate(
    text: str, report_id: str, full_texts: dict[str, str], search_from: dict[str, int]
) -> tuple[int, tuple[str, str] | None]:
    """Where a quote starts in its report's full text, after the report's previous quote."""
    full_text = full_texts.get(report_id)
    if full_text is None:
        return -1, ("report", f"report {report_id!r} has no full text to locate quotes in")
    start = full_text.find(text, search_from.get(report_id, 0))
    if start < 0:
        return -1, ("text", f"not found verbatim, in order, in the full text of {report_id!r}")
    search_from[report_id] = start + len(text)
    return start, None
