"""The tag rules: the words that name a tag's thing, and what a quote owes them.

A rule's `words` are phrases, each matched as whole words (never inside a longer word). A phrase
with no lower-case letter is an abbreviation and matches only in capitals ("CMS", not "cms"); any
other phrase matches in any case. A space or hyphen in a phrase matches either ("value-based"
finds "value based"), and a phrase ending in `*` matches any ending of its last word
("neurolog*" finds "neurology" and "neurological"). A quote's editorial brackets are dropped
before matching, so "[T]his administration" reads "This administration".

A quote that a rule matches carries the tag or excludes it with a reason; a quote that carries a
tag carries the tags its rule implies (the bodies it is part of) or excludes them. The loader does
not run these checks: a synthetic corpus of random words and tags would fail them, and a million
quotes would pay for every rule. The tag-rule test runs them over every report's quotes.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.seeding.records import QuoteRecord, TagRecord

_BRACKETS = re.compile(r"[\[\]]")


@dataclass(frozen=True)
class TagRule:
    """A tag's compiled words and the tags it implies."""

    tag: str
    pattern: re.Pattern[str]
    implies: tuple[str, ...]

    def match(self, text: str) -> str | None:
        """The first words of `text` the rule finds, or None."""
        found = self.pattern.search(_BRACKETS.sub("", text))
        return found.group() if found else None


def _phrase(phrase: str) -> str:
    stem, wildcard = (phrase[:-1], r"\w*") if phrase.endswith("*") else (phrase, "")
    parts = [re.escape(part) for part in re.split(r"[\s-]+", stem.strip())]
    return r"(?<!\w)" + r"[\s-]+".join(parts) + wildcard + r"(?!\w)"


def compile_words(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a rule's phrases: abbreviations case-sensitive, the rest not."""
    alternatives = [
        _phrase(phrase) if phrase != phrase.upper() else f"(?-i:{_phrase(phrase)})"
        for phrase in words
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def tag_rules(tags: Iterable[TagRecord]) -> dict[str, TagRule]:
    """The rule of every tag that has one, by tag id."""
    return {
        tag.id: TagRule(tag.id, compile_words(tag.rule.words), tuple(tag.rule.implies))
        for tag in tags
        if tag.rule is not None
    }


def rule_problems(quote: QuoteRecord, rules: dict[str, TagRule]) -> list[str]:
    """What a quote owes the rules and does not give, one sentence each; empty when it is clean."""
    carried = set(quote.tags)
    excluded = {decision.tag: decision.reason for decision in quote.tag_exclusions}
    implied = {parent: tag for tag in quote.tags if tag in rules for parent in rules[tag].implies}
    problems: list[str] = []
    for tag, rule in rules.items():
        words = rule.match(quote.text)
        if words is not None and tag not in carried and tag not in excluded:
            problems.append(f"the words {words!r} name {tag!r}: carry it or exclude it")
    for parent, tag in implied.items():
        if parent not in carried and parent not in excluded:
            problems.append(f"{tag!r} implies {parent!r}: carry it or exclude it")
    for tag, reason in excluded.items():
        if tag in carried:
            problems.append(f"{tag!r} is both carried and excluded")
        elif tag in rules and rules[tag].match(quote.text) is None and tag not in implied:
            problems.append(f"the exclusion of {tag!r} is stale: its rule does not match")
        if not reason.strip():
            problems.append(f"the exclusion of {tag!r} gives no reason")
    for decision in quote.tag_inclusions:
        if decision.tag not in carried:
            problems.append(f"the inclusion of {decision.tag!r} names a tag the quote lacks")
        if not decision.reason.strip():
            problems.append(f"the inclusion of {decision.tag!r} gives no reason")
    return problems
