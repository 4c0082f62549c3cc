"""Statements for the small collections: reports, layers, themes, stakeholders, interviews, tags.
It is long because it holds one short statement per collection, all built on the same count
subqueries; a collection whose statements grow moves to a module of its own.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from app import schemas
from app.queries.dimensions import stakeholder_profile
from app.queries.tables import (
    interview,
    layer,
    organisation_type,
    quote,
    quote_count,
    report,
    report_layer,
    report_passage,
    report_section,
    stakeholder_type,
    statement,
    tag,
    theme,
)


def _count_by(group: ColumnElement[Any], *, via: Select[Any] | None = None) -> Any:
    """A subquery of (key, n): quotes counted per `group`, joined as `via` says."""
    base = via if via is not None else select(group.label("key"), func.count().label("n"))
    return base.group_by(group).subquery()


def _stored_counts(dimension: str) -> Any:
    """A subquery of (key, n): the quotes per value of `dimension` as the load counted them
    (`quote_count`), so a catalogue read never counts every quote again."""
    return (
        select(quote_count.c.value_id.label("key"), quote_count.c.quotes.label("n"))
        .where(quote_count.c.dimension == dimension)
        .subquery()
    )


def _n(column: Any) -> ColumnElement[int]:
    return func.coalesce(column, 0)


def _section_ref(row: Any) -> schemas.SectionRef:
    """The section a row joined to `report_section` (its title as `section_title`) names."""
    return schemas.SectionRef(
        numeral=row.numeral,
        title=row.section_title,
        page_start=row.page_start,
        page_end=row.page_end,
    )


# --- reports -----------------------------------------------------------------------------------


def read_reports(session: Session, report_id: str | None = None) -> list[schemas.Report]:
    """Reports newest first (then by id), each with its number of quotes."""
    counts = _stored_counts("report")
    # Whether a report has a full text, not the text: a report's text may run to megabytes.
    columns = [c for c in report.c if c.name != "full_text"]
    statement_ = (
        select(
            *columns,
            report.c.full_text.is_not(None).label("has_full_text"),
            _n(counts.c.n).label("quote_count"),
        )
        .outerjoin(counts, counts.c.key == report.c.id)
        .order_by(report.c.published_on.desc(), report.c.id)
    )
    if report_id is not None:
        statement_ = statement_.where(report.c.id == report_id)
    return [schemas.Report(**row._mapping) for row in session.execute(statement_)]


def read_report(session: Session, report_id: str) -> schemas.ReportDetail | None:
    """A report with its methodology, sections, statements and the passages it stores."""
    found = read_reports(session, report_id)
    if not found:
        return None
    row = session.execute(select(report).where(report.c.id == report_id)).one()
    sections = session.execute(
        select(report_section)
        .where(report_section.c.report_id == report_id)
        .order_by(report_section.c.position)
    )
    statements = session.execute(
        select(statement).where(statement.c.report_id == report_id).order_by(statement.c.position)
    )
    titles: dict[str, str] = {
        row.id: row.title for row in session.execute(select(report.c.id, report.c.title))
    }
    companions = session.execute(
        select(report.c.id)
        .where(report.c.companion_of == report_id)
        .order_by(report.c.published_on.desc(), report.c.id)
    ).scalars()
    passages = _passages(session, report_id)
    return schemas.ReportDetail(
        **found[0].model_dump(),
        methodology=_methodology(row, passages, titles),
        sections=[schemas.Section.model_validate(s, from_attributes=True) for s in sections],
        statements=[schemas.Statement.model_validate(s, from_attributes=True) for s in statements],
        companion_of=_ref(row.companion_of, titles) if row.companion_of else None,
        companions=[_ref(c, titles) for c in companions],
        layers=_report_layers(session, report_id),
        themes=read_themes(session, reports=[report_id]),
        sponsors=[p.text for p in passages["sponsors"]],
        conclusion=[p.text for p in passages["conclusion"]],
        described_in=[
            schemas.ReportDescription(text=p.text, source=_ref(p.source_id, titles))
            for p in passages["described_in"]
        ],
    )


def _passages(session: Session, report_id: str) -> defaultdict[str, list[Any]]:
    """A report's stored passages by the field they belong to, each field's in order."""
    by_field: defaultdict[str, list[Any]] = defaultdict(list)
    rows = session.execute(
        select(report_passage)
        .where(report_passage.c.report_id == report_id)
        .order_by(report_passage.c.field, report_passage.c.position)
    )
    for row in rows:
        by_field[row.field].append(row)
    return by_field


def _methodology(
    row: Any, passages: defaultdict[str, list[Any]], titles: dict[str, str]
) -> schemas.Methodology:
    """The report's methodology figures (its columns) and passages."""
    printed = next(iter(passages["workshop_expert_count_text"]), None)
    selection = next(iter(passages["participant_selection"]), None)
    return schemas.Methodology.model_validate(
        {
            **row._mapping,
            "workshop_expert_count_text": printed.text if printed else None,
            "workshop_expert_count_source": _ref(printed.source_id, titles) if printed else None,
            "participant_selection": selection.text if selection else None,
            "caveats": [p.text for p in passages["caveats"]],
        }
    )


def _ref(report_id: str, titles: dict[str, str]) -> schemas.ReportRef:
    return schemas.ReportRef(id=report_id, title=titles[report_id])


def _report_layers(session: Session, report_id: str) -> list[schemas.ReportLayer]:
    rows = session.execute(
        select(
            report_layer,
            layer.c.name,
            report_section.c.numeral,
            report_section.c.title.label("section_title"),
            report_section.c.page_start,
            report_section.c.page_end,
        )
        .join(layer, layer.c.id == report_layer.c.layer_id)
        .join(report_section, report_section.c.id == report_layer.c.section_id)
        .where(report_layer.c.report_id == report_id)
        .order_by(layer.c.depth)
    )
    return [
        schemas.ReportLayer(
            layer=schemas.LayerRef(id=row.layer_id, name=row.name),
            heading=row.heading,
            description=row.description,
            introduction=row.introduction,
            section=_section_ref(row),
        )
        for row in rows
    ]


def read_report_text(session: Session, report_id: str) -> str | None:
    """The cleaned full text of a report, if stored."""
    return session.execute(select(report.c.full_text).where(report.c.id == report_id)).scalar()


# --- layers and themes -------------------------------------------------------------------------


def _quotes_per_theme() -> Any:
    return _stored_counts("theme")


def _newest_texts() -> Any:
    """Each layer's texts in the newest report that has them (then by report id): the texts a
    layer shows at its top level."""
    ranked = (
        select(
            report_layer,
            func.row_number()
            .over(
                partition_by=report_layer.c.layer_id,
                order_by=(report.c.published_on.desc(), report.c.id),
            )
            .label("rank"),
        )
        .join(report, report.c.id == report_layer.c.report_id)
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery()


def read_layers(session: Session, layer_id: str | None = None) -> list[schemas.Layer]:
    """The iceberg layers from the tip down, with their section and counts.

    The heading, texts and section are those of the newest report that prints the layer; every
    report's own are in `read_layer_texts`. Long because the counts and texts are one statement.
    """
    themes = _count_by(theme.c.layer_id)
    quotes = _count_by(
        theme.c.layer_id,
        via=select(theme.c.layer_id.label("key"), func.count(quote.c.id).label("n")).join(
            quote, quote.c.theme_id == theme.c.id
        ),
    )
    texts = _newest_texts()
    statement_ = (
        select(
            layer,
            texts.c.heading,
            texts.c.description,
            texts.c.introduction,
            report_section.c.numeral,
            report_section.c.title.label("section_title"),
            report_section.c.page_start,
            report_section.c.page_end,
            _n(themes.c.n).label("theme_count"),
            _n(quotes.c.n).label("quote_count"),
        )
        .join(texts, texts.c.layer_id == layer.c.id)
        .join(report_section, report_section.c.id == texts.c.section_id)
        .outerjoin(themes, themes.c.key == layer.c.id)
        .outerjoin(quotes, quotes.c.key == layer.c.id)
        .order_by(layer.c.depth)
    )
    if layer_id is not None:
        statement_ = statement_.where(layer.c.id == layer_id)
    return [
        schemas.Layer(
            **{k: v for k, v in row._mapping.items() if k in schemas.Layer.model_fields},
            section=_section_ref(row),
        )
        for row in session.execute(statement_)
    ]


def read_layer(session: Session, layer_id: str) -> schemas.LayerDetail | None:
    """A layer with its themes."""
    found = read_layers(session, layer_id)
    if not found:
        return None
    themes = [
        schemas.ThemeInLayer(id=t.id, title=t.title, position=t.position, quote_count=t.quote_count)
        for t in read_themes(session, layers=[layer_id])
    ]
    return schemas.LayerDetail(
        **found[0].model_dump(), themes=themes, reports=read_layer_texts(session, layer_id)
    )


def read_layer_texts(session: Session, layer_id: str) -> list[schemas.LayerInReport]:
    """What each report prints for a layer, newest report first."""
    rows = session.execute(
        select(
            report_layer,
            report.c.title.label("report_title"),
            report_section.c.numeral,
            report_section.c.title.label("section_title"),
            report_section.c.page_start,
            report_section.c.page_end,
        )
        .join(report, report.c.id == report_layer.c.report_id)
        .join(report_section, report_section.c.id == report_layer.c.section_id)
        .where(report_layer.c.layer_id == layer_id)
        .order_by(report.c.published_on.desc(), report.c.id)
    )
    return [
        schemas.LayerInReport(
            report=schemas.ReportRef(id=row.report_id, title=row.report_title),
            heading=row.heading,
            description=row.description,
            introduction=row.introduction,
            section=_section_ref(row),
        )
        for row in rows
    ]


def read_themes(
    session: Session,
    *,
    layers: list[str] | None = None,
    reports: list[str] | None = None,
    theme_id: str | None = None,
) -> list[schemas.Theme]:
    """Themes in report order (newest report first, then the report's own order), optionally of
    some layers or reports, each with its quote count."""
    quotes = _quotes_per_theme()
    statement_ = (
        select(
            theme,
            layer.c.name.label("layer_name"),
            report.c.title.label("report_title"),
            _n(quotes.c.n).label("quote_count"),
        )
        .join(layer, layer.c.id == theme.c.layer_id)
        .join(report, report.c.id == theme.c.report_id)
        .outerjoin(quotes, quotes.c.key == theme.c.id)
        .order_by(report.c.published_on.desc(), report.c.id, theme.c.position, theme.c.id)
    )
    if layers:
        statement_ = statement_.where(theme.c.layer_id.in_(layers))
    if reports:
        statement_ = statement_.where(theme.c.report_id.in_(reports))
    if theme_id is not None:
        statement_ = statement_.where(theme.c.id == theme_id)
    return [
        schemas.Theme(
            id=row.id,
            title=row.title,
            position=row.position,
            summary=row.summary,
            layer=schemas.LayerRef(id=row.layer_id, name=row.layer_name),
            report=schemas.ReportRef(id=row.report_id, title=row.report_title),
            quote_count=row.quote_count,
        )
        for row in session.execute(statement_)
    ]


# --- stakeholders and interviews ----------------------------------------------------------------


def _type_closure() -> Any:
    """(ancestor, descendant) for every stakeholder type, itself included."""
    closure = select(
        stakeholder_type.c.id.label("ancestor"), stakeholder_type.c.id.label("descendant")
    ).cte("type_closure", recursive=True)
    return closure.union_all(
        select(closure.c.ancestor, stakeholder_type.c.id).where(
            stakeholder_type.c.parent_id == closure.c.descendant
        )
    )


def read_stakeholder_types(
    session: Session, type_id: str | None = None
) -> list[schemas.StakeholderType]:
    """The taxonomy in seed order; counts include each type's sub-types.

    Long because the counts and the parent and child links are one statement, read once.
    """
    closure = _type_closure()
    counts = (
        select(
            closure.c.ancestor.label("key"),
            func.count(func.distinct(interview.c.id)).label("interviews"),
            func.count(quote.c.id).label("quotes"),
        )
        .join(interview, interview.c.stakeholder_type_id == closure.c.descendant)
        .outerjoin(quote, quote.c.interview_id == interview.c.id)
        .group_by(closure.c.ancestor)
        .subquery()
    )
    parent = stakeholder_type.alias("parent")
    statement_ = (
        select(
            stakeholder_type,
            parent.c.name.label("parent_name"),
            _n(counts.c.interviews).label("interview_count"),
            _n(counts.c.quotes).label("quote_count"),
        )
        .outerjoin(parent, parent.c.id == stakeholder_type.c.parent_id)
        .outerjoin(counts, counts.c.key == stakeholder_type.c.id)
        .order_by(stakeholder_type.c.position)
    )
    rows = session.execute(statement_).all()
    children: dict[str, list[schemas.StakeholderTypeRef]] = {row.id: [] for row in rows}
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(schemas.StakeholderTypeRef(id=row.id, name=row.name))
    return [
        schemas.StakeholderType(
            id=row.id,
            name=row.name,
            description=row.description,
            parent=(
                schemas.StakeholderTypeRef(id=row.parent_id, name=row.parent_name)
                if row.parent_id
                else None
            ),
            children=children[row.id],
            interview_count=row.interview_count,
            quote_count=row.quote_count,
        )
        for row in rows
        if type_id is None or row.id == type_id
    ]


def read_stakeholder_type(
    session: Session, type_id: str, reports: list[str] | None = None
) -> schemas.StakeholderTypeDetail | None:
    """A stakeholder type with its quotes counted by layer and by theme (in some reports)."""
    found = read_stakeholder_types(session, type_id)
    if not found:
        return None
    by_layer, by_theme = stakeholder_profile(session, type_id, reports)
    return schemas.StakeholderTypeDetail(
        **found[0].model_dump(), by_layer=by_layer, by_theme=by_theme
    )


def read_interviews(
    session: Session, interview_id: str | None = None, reports: list[str] | None = None
) -> list[schemas.Interview]:
    """Interviews by report (newest first), each report's in order of first appearance, with
    their role and quote count. Long because each interview names four other objects."""
    quotes = _stored_counts("interview")
    statement_ = (
        select(
            interview,
            organisation_type.c.name.label("organisation_type_name"),
            stakeholder_type.c.name.label("stakeholder_type_name"),
            report.c.title.label("report_title"),
            _n(quotes.c.n).label("quote_count"),
        )
        .outerjoin(organisation_type, organisation_type.c.id == interview.c.organisation_type_id)
        .join(stakeholder_type, stakeholder_type.c.id == interview.c.stakeholder_type_id)
        .join(report, report.c.id == interview.c.report_id)
        .outerjoin(quotes, quotes.c.key == interview.c.id)
        .order_by(report.c.published_on.desc(), report.c.id, interview.c.position)
    )
    if interview_id is not None:
        statement_ = statement_.where(interview.c.id == interview_id)
    if reports:
        statement_ = statement_.where(interview.c.report_id.in_(reports))
    return [
        schemas.Interview(
            id=row.id,
            attribution=row.attribution,
            role_title=row.role_title,
            organisation_type=schemas.OrganisationTypeRef.of(
                row.organisation_type_id, row.organisation_type_name
            ),
            stakeholder_type=schemas.StakeholderTypeRef(
                id=row.stakeholder_type_id, name=row.stakeholder_type_name
            ),
            report=schemas.ReportRef(id=row.report_id, title=row.report_title),
            position=row.position,
            quote_count=row.quote_count,
        )
        for row in session.execute(statement_)
    ]


# --- tags and meta -----------------------------------------------------------------------------


def read_tags(session: Session, tag_id: str | None = None) -> list[schemas.Tag]:
    """Tags by kind and name, each with its quote count."""
    quotes = _stored_counts("tag")
    statement_ = (
        select(tag, _n(quotes.c.n).label("quote_count"))
        .outerjoin(quotes, quotes.c.key == tag.c.id)
        .order_by(tag.c.kind, tag.c.name, tag.c.id)
    )
    if tag_id is not None:
        statement_ = statement_.where(tag.c.id == tag_id)
    return [schemas.Tag(**row._mapping) for row in session.execute(statement_)]


def object_counts(session: Session) -> schemas.Counts:
    """How many rows each public object type has, in one round trip."""
    tables = {
        "reports": report,
        "layers": layer,
        "themes": theme,
        "quotes": quote,
        "interviews": interview,
        "stakeholder_types": stakeholder_type,
        "organisation_types": organisation_type,
        "tags": tag,
        "statements": statement,
    }
    counts = union_all(
        *(
            select(literal(name).label("name"), func.count().label("n")).select_from(table)
            for name, table in tables.items()
        )
    )
    return schemas.Counts(**{row.name: row.n for row in session.execute(counts)})


def report_counts(session: Session) -> list[schemas.ReportCounts]:
    """Themes, interviews and quotes per report, newest report first."""
    themes = _count_by(theme.c.report_id)
    interviews = _count_by(interview.c.report_id)
    quotes = _stored_counts("report")
    rows = session.execute(
        select(
            report.c.id,
            report.c.title,
            _n(themes.c.n).label("themes"),
            _n(interviews.c.n).label("interviews"),
            _n(quotes.c.n).label("quotes"),
        )
        .outerjoin(themes, themes.c.key == report.c.id)
        .outerjoin(interviews, interviews.c.key == report.c.id)
        .outerjoin(quotes, quotes.c.key == report.c.id)
        .order_by(report.c.published_on.desc(), report.c.id)
    )
    return [
        schemas.ReportCounts(
            report=schemas.ReportRef(id=row.id, title=row.title),
            themes=row.themes,
            interviews=row.interviews,
            quotes=row.quotes,
        )
        for row in rows
    ]
