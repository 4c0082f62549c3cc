"""What an assistant needs to quote the report exactly: a quote with its permalink and credit
line, and the verdict on a text said to be a quote."""

from typing import Literal

from pydantic import Field

from app.schemas.common import Page, PublicModel
from app.schemas.quotes import Quote

Verdict = Literal["verbatim", "typography_differs", "not_verbatim", "not_found"]


class CitedQuote(Quote):
    """A quote with what an answer built on it must show: where to check it, whom to credit."""

    permalink: str = Field(description="The quote's public page, to link and to check it by.")
    credit: str = Field(description="The credit line of the report that prints the quote.")


class CitedQuotePage(Page[CitedQuote]):
    """A page of quotes, each with its permalink and credit line."""


class VerbatimMatch(PublicModel):
    """A quote that prints the text checked, word for word."""

    quote: CitedQuote = Field(description="The quote that prints the text.")
    whole: bool = Field(
        description="Whether the text is the whole quote; false when it is an excerpt of it."
    )


class Difference(PublicModel):
    """One place where the text checked and a printed quote part ways, word by word."""

    kind: Literal["replaced", "missing", "added"] = Field(
        description="`replaced`: other words stand where the quote prints `printed`; `missing`: "
        "the text leaves out `printed`; `added`: the text has `given`, which the quote does not "
        "print there."
    )
    given: str = Field(description="The words of the text checked (empty when missing).")
    printed: str = Field(description="The words the quote prints (empty when added).")


class CloseQuote(PublicModel):
    """A quote near the text checked, and how the two differ."""

    quote: CitedQuote = Field(description="The quote, verbatim, as the report prints it.")
    similarity: float = Field(
        description="Share of the checked text's words that stand, in the same order, in the "
        "quote's closest passage: 1.0 is every word, 0.0 none."
    )
    differences: list[Difference] = Field(
        description="Word-level differences between the text and the quote's closest passage, "
        "in reading order (at most 20)."
    )


class Verification(PublicModel):
    """The verdict on a text said to be a quote from the reports."""

    verdict: Verdict = Field(
        description="`verbatim`: a quote prints the text exactly (whole or as an excerpt); "
        "`typography_differs`: the words are a quote's, but quotation marks, apostrophes, "
        "dashes, ellipses or letter case differ; `not_verbatim`: no quote prints it, but some "
        "are close (a paraphrase, a misquote); `not_found`: nothing close."
    )
    text: str = Field(
        description="The text as checked: outer quotation marks and surrounding white space "
        "removed, runs of white space made one space."
    )
    matches: list[VerbatimMatch] = Field(
        description="For `verbatim` and `typography_differs`: every quote that prints the text "
        "(at most 20), in report order; empty otherwise."
    )
    closest: list[CloseQuote] = Field(
        description="For `not_verbatim`: the closest quotes, most similar first (at most 3); "
        "empty otherwise."
    )
