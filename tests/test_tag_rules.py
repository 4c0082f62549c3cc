"""Every quote of every report answers to the tag rules: a quote whose words name a tag's thing
carries the tag or excludes it with a reason, and a tag brings the bodies it is part of."""

import re
from pathlib import Path
from typing import cast

import pytest

from app.seeding import SeedError, build_rows, read_all
from app.seeding.records import QuoteRecord, TagRecord
from app.seeding.tag_rules import compile_words, rule_problems, tag_rules
from tests.helpers.seeds import REPORT_DIR, SEEDS_DIR, copy_seeds, editing


def records(seeds_dir: Path) -> tuple[list[TagRecord], list[QuoteRecord]]:
    """The tags and the quotes of every report of a seed tree."""
    files = read_all(seeds_dir)
    return cast(list[TagRecord], files["tags"].records), cast(
        list[QuoteRecord], files["quotes"].records
    )


def problems_of(seeds_dir: Path) -> dict[str, list[str]]:
    """The rule problems of each quote of a seed tree that has any."""
    tags, quotes = records(seeds_dir)
    rules = tag_rules(tags)
    found = {quote.id: rule_problems(quote, rules) for quote in quotes}
    return {quote_id: problems for quote_id, problems in found.items() if problems}


TAGS, QUOTES = records(SEEDS_DIR)
RULES = tag_rules(TAGS)


@pytest.mark.parametrize("quote", QUOTES, ids=[quote.id for quote in QUOTES])
def test_the_quote_answers_to_every_tag_rule(quote: QuoteRecord) -> None:
    assert rule_problems(quote, RULES) == []


@pytest.mark.parametrize("tag", [t for t in TAGS if t.rule], ids=lambda t: t.id)
def test_each_word_of_a_rule_finds_itself(tag: TagRecord) -> None:
    assert tag.rule is not None
    pattern = compile_words(tag.rule.words)
    for phrase in tag.rule.words:
        assert pattern.fullmatch(phrase.removesuffix("*")), phrase


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (["CMS"], "CMS is also allocating funding", "CMS"),
        (["CMS"], "the cms of a site", None),  # an abbreviation matches only in capitals
        (["NIH"], "NIHX", None),  # never inside a longer word
        (["Congress*"], "[congressional staff] folks", "congressional"),
        (["value-based"], "value based purchasing", "value based"),
        (["this administration"], "...[T]his administration...", "This administration"),
        (["Medicaid"], "Medicaid's coverage footprint", "Medicaid"),
    ],
)
def test_how_the_words_match(words: list[str], text: str, found: str | None) -> None:
    rule = tag_rules(
        [TagRecord(id="t", name="T", kind="agency", description="d", rule={"words": words})]
    )["t"]
    assert rule.match(text) == found


def test_every_exclusion_and_inclusion_gives_a_reason() -> None:
    decisions = [d for q in QUOTES for d in (*q.tag_exclusions, *q.tag_inclusions)]
    assert decisions
    assert all(len(d.reason.split()) >= 5 for d in decisions)


def test_a_broken_copy_fails_the_rules(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        quotes = {quote["id"]: quote for quote in document["quotes"]}
        quotes["cgt-2026-q12"]["tags"].remove("fda")  # its text names FDA
        quotes["cgt-2026-q07"]["tags"].remove("cms")  # it carries cmmi, part of CMS
        quotes["cgt-2026-q01"]["tag_exclusions"] = [{"tag": "nih", "reason": "not NIH"}]
        quotes["cgt-2026-q02"]["tag_exclusions"] = [{"tag": "equity", "reason": "  "}]
        quotes["cgt-2026-q49"]["tag_inclusions"] = [{"tag": "fda", "reason": "why not"}]
    assert problems_of(seeds) == {
        "cgt-2026-q12": ["the words 'FDA' name 'fda': carry it or exclude it"],
        "cgt-2026-q07": ["'cmmi' implies 'cms': carry it or exclude it"],
        "cgt-2026-q01": ["the exclusion of 'nih' is stale: its rule does not match"],
        "cgt-2026-q02": ["the exclusion of 'equity' gives no reason"],
        "cgt-2026-q49": ["the inclusion of 'fda' names a tag the quote lacks"],
    }


def test_an_exclusion_with_a_reason_satisfies_the_rules(tmp_path: Path) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, f"{REPORT_DIR}/quotes.yaml") as document:
        q12 = next(quote for quote in document["quotes"] if quote["id"] == "cgt-2026-q12")
        q12["tags"].remove("fda")
        q12["tag_exclusions"] = [{"tag": "fda", "reason": "about user fee reauthorization"}]
    assert problems_of(seeds) == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rule": {"words": ["CBER"], "implies": ["no-such-tag"]}}, "cannot imply 'no-such-tag'"),
        (
            {"rule": None, "review": "by hand"},
            "a tag of kind 'agency' names a thing: it needs a rule",
        ),
        ({"review": "by hand"}, "a tag needs either a rule or a review, not both"),
    ],
)
def test_a_tag_is_checked_by_a_rule_or_a_review(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    with editing(seeds, "tags.yaml") as document:
        cber = next(tag for tag in document["tags"] if tag["id"] == "cber")
        cber.update(change)
        if cber["rule"] is None:
            del cber["rule"]
    with pytest.raises(SeedError) as raised:
        build_rows(read_all(seeds), seeds)
    assert re.search(re.escape(message), str(raised.value))
