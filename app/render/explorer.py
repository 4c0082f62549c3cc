"""The explorer's page model: the links that narrow, widen and page the selection, the heatmap's
cells, and the same selection as downloads and as the API call.

An explorer URL says what an API URL says: its parameters are the quote list's (and the
heatmap's two dimensions), so every link here is the current query with one pair added or
taken away, and the API call is the same selection on `/v1/quotes`.
"""

from dataclasses import dataclass, field
from typing import Any

from app import schemas, urls
from app.params import EXCLUDED, Dimension, ExploreParams, QuoteSort

# How a dimension is headed, in the order the facets come.
DIMENSION_LABELS = {
    Dimension.report: "Report",
    Dimension.layer: "Iceberg layer",
    Dimension.theme: "Theme",
    Dimension.stakeholder_type: "Stakeholder type",
    Dimension.organisation_type: "Organisation type",
    Dimension.interview: "Interview",
    Dimension.tag: "Topic",
}
# Values a facet lists at most, most frequent first; the rest are counted, not listed.
SHOWN_VALUES = 15
SORT_LABELS = {
    QuoteSort.rank: "Best match",
    QuoteSort.position: "Report order",
    QuoteSort.position_desc: "Report order, last first",
    QuoteSort.length: "Shortest first",
    QuoteSort.length_desc: "Longest first",
}
DOWNLOADS = (
    ("CSV", "/v1/quotes.csv"),
    ("XLSX", "/v1/quotes.xlsx"),
    ("NDJSON", "/v1/quotes.ndjson"),
    ("REFI-QDA (QualCoder, NVivo, MAXQDA)", "/v1/exports/refi-qda.qdpx"),
)
Pairs = list[tuple[str, str]]


@dataclass(frozen=True)
class Chosen:
    """A value the selection includes or leaves out, and the link that drops it."""

    label: str
    remove: str


@dataclass(frozen=True)
class Choice:
    """A value a facet offers, its count under the selection, and the links that narrow; a
    parent stakeholder type holds its sub-types' choices."""

    label: str
    count: int
    include: str | None
    exclude: str | None
    children: list["Choice"] = field(default_factory=list)


@dataclass
class Facet:
    """One dimension's facet."""

    name: str
    label: str
    included: list[Chosen] = field(default_factory=list)
    excluded: list[Chosen] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    unlisted: int = 0


def selection(params: ExploreParams) -> Pairs:
    """The filters and search of the view, as query pairs: what the downloads export."""
    pairs = [(name, value) for name, values in params.id_filters().items() for value in values]
    pairs += [(name, str(value)) for name, value in params.lengths().items()]
    if params.q is not None:
        pairs.append(("q", params.q))
    return pairs


def view(params: ExploreParams) -> Pairs:
    """The selection with the view's order and heatmap axes, where they are not the default."""
    pairs = selection(params)
    if params.sort is not QuoteSort.position:
        pairs.append(("sort", params.sort.value))
    if params.rows is not Dimension.stakeholder_type:
        pairs.append(("rows", params.rows.value))
    if params.cols is not Dimension.layer:
        pairs.append(("cols", params.cols.value))
    return pairs


def facets(
    params: ExploreParams,
    counted: dict[str, list[schemas.FacetValue]],
    labels: dict[str, dict[str, str]],
    parents: dict[str, tuple[str, str]],
) -> list[Facet]:
    """Each dimension's facet under the selection. `labels` names values no count lists (those
    left out, a parent type); `parents` gives a stakeholder type's parent (id, name), so that
    a parent's choice holds its sub-types'."""
    current = view(params)
    built = []
    for dimension, heading in DIMENSION_LABELS.items():
        name = dimension.value
        facet = Facet(name, heading)
        included = set(getattr(params, name))
        found = {value.value: value.label for value in counted.get(name, [])}
        for value in dict.fromkeys(getattr(params, name)):
            label = found.get(value) or labels.get(name, {}).get(value, value)
            facet.included.append(Chosen(label, _without(current, (name, value))))
        for value in dict.fromkeys(getattr(params, EXCLUDED + name)):
            label = labels.get(name, {}).get(value, value)
            facet.excluded.append(Chosen(label, _without(current, (EXCLUDED + name, value))))
        offered = [v for v in counted.get(name, []) if v.value not in included]
        for value in offered[:SHOWN_VALUES]:
            narrowable = value.value is not None  # "Untagged" and "none" are no filter
            facet.choices.append(
                Choice(
                    value.label,
                    value.count,
                    _with(current, (name, str(value.value))) if narrowable else None,
                    _with(current, (EXCLUDED + name, str(value.value))) if narrowable else None,
                )
            )
        facet.unlisted = max(0, len(offered) - SHOWN_VALUES)
        if dimension is Dimension.stakeholder_type:
            facet.choices = _nested(facet.choices, offered, parents, current, included)
        built.append(facet)
    return built


def _nested(
    choices: list[Choice],
    offered: list[schemas.FacetValue],
    parents: dict[str, tuple[str, str]],
    current: Pairs,
    included: set[str],
) -> list[Choice]:
    """The stakeholder types' choices under their parents, each parent counting its own."""
    by_label = {choice.label: choice for choice in choices}
    groups: dict[str, tuple[str, list[Choice]]] = {}
    top: list[Choice] = []
    for value in offered:
        choice = by_label.get(value.label)
        parent = parents.get(str(value.value))
        if choice is None:
            continue
        if parent is None or parent[0] in included:
            top.append(choice)
        else:
            groups.setdefault(parent[0], (parent[1], []))[1].append(choice)
    for parent_id, (name, children) in groups.items():
        count = sum(child.count for child in children)
        include = _with(current, ("stakeholder_type", parent_id))
        exclude = _with(current, (EXCLUDED + "stakeholder_type", parent_id))
        top.append(Choice(name, count, include, exclude, children))
    return sorted(top, key=lambda choice: -choice.count)  # stable: ties keep their order


def heatmap(table: schemas.Crosstab) -> dict[str, Any]:
    """The cross-tab as an SVG grid: each cell's count and its shade (0 to 1 of the largest)."""
    largest = max((n for row in table.cells for n in row), default=0) or 1
    return {
        "table": table,
        "rows_label": DIMENSION_LABELS[Dimension(table.rows_dimension)],
        "cols_label": DIMENSION_LABELS[Dimension(table.cols_dimension)],
        "shades": [[round(n / largest, 3) for n in row] for row in table.cells],
        "label_width": 300,
        "cell_width": 84,
        "cell_height": 36,
        "header_height": 120,
        # Room for the last column's slanted label.
        "right_margin": 120,
        # From this shade on a count is white on the cell (4.5:1 and more); below it, dark on a
        # white halo, whatever the shade behind.
        "white_from": 0.82,
    }


def links(params: ExploreParams, next_cursor: str | None) -> dict[str, Any]:
    """The page's other links: the next page, the downloads, the API call and its curl line."""
    chosen = selection(params)
    ordered = chosen + (
        [("sort", params.sort.value)] if params.sort is not QuoteSort.position else []
    )
    api_call = urls.api("/v1/quotes", ordered)
    return {
        "next": urls.explore([*view(params), ("cursor", next_cursor)]) if next_cursor else None,
        "first": urls.explore(view(params)) if params.cursor else None,
        "downloads": [(label, urls.api(path, chosen)) for label, path in DOWNLOADS],
        "api_call": api_call,
        "curl": "curl '" + api_call.replace("'", "'\\''") + "'",
        "clear": urls.explore(),
    }


def kept_pairs(params: ExploreParams, *leave_out: str) -> Pairs:
    """The view's pairs but `leave_out`'s names: the hidden inputs of a form that sets them."""
    return [(name, value) for name, value in view(params) if name not in leave_out]


def _with(pairs: Pairs, pair: tuple[str, str]) -> str:
    return urls.explore([*pairs, pair])


def _without(pairs: Pairs, pair: tuple[str, str]) -> str:
    return urls.explore([p for p in pairs if p != pair])
