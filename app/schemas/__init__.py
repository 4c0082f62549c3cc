"""Public read models: the only shapes the API returns. Every field carries a description.

One module per resource, each built on `common` (the base, the page envelope, the references);
use them as `from app import schemas` then `schemas.Quote`:

- `common`: PublicModel, Page and the short references (ThemeRef, LayerRef, ...)
- `quotes`: Quote, its location, a page of quotes with its facets
- `catalogue`: reports, layers and themes, stakeholder types, interviews, tags
- `analysis`: facet values, cross-tabs, a stakeholder type's profile, search hits
- `meta`: the data version and counts, the health check
- `changes`: the change history, per load and per object
- `citations`: a citation of a quote or a report as a CSL-JSON item
- `problems`: the problem+json error body
- `verification`: a quote with its permalink and credit, the verdict on a text said to be one
"""

from app.schemas.analysis import (
    Cooccurrence,
    CooccurrencePair,
    CooccurrenceValue,
    Crosstab,
    CrosstabDistinct,
    CrosstabShares,
    DimensionCount,
    DimensionValue,
    FacetValue,
    QuoteCounts,
    SearchHit,
    StakeholderTypeDetail,
)
from app.schemas.catalogue import (
    Interview,
    Layer,
    LayerDetail,
    LayerInReport,
    Methodology,
    Report,
    ReportDescription,
    ReportDetail,
    ReportLayer,
    Section,
    StakeholderType,
    Statement,
    Tag,
    Theme,
    ThemeInLayer,
)
from app.schemas.changes import Change, ChangeSet, ChangeSetRef, TypeCounts
from app.schemas.citations import CslDate, CslItem, CslName, QuoteCitation
from app.schemas.common import (
    InterviewRef,
    LayerRef,
    OrganisationTypeRef,
    Page,
    PublicModel,
    ReportRef,
    SectionRef,
    StakeholderTypeRef,
    TagRef,
    ThemeRef,
)
from app.schemas.meta import Counts, Health, Meta, ReportCounts
from app.schemas.problems import Problem, ProblemError
from app.schemas.quotes import (
    ContextPassage,
    Quote,
    QuoteContext,
    QuoteLocation,
    QuotePage,
    QuoteSample,
)
from app.schemas.verification import (
    CitedQuote,
    CitedQuotePage,
    CloseQuote,
    Difference,
    VerbatimMatch,
    Verdict,
    Verification,
)

__all__ = [
    "Change",
    "ChangeSet",
    "ChangeSetRef",
    "CitedQuote",
    "CitedQuotePage",
    "CloseQuote",
    "ContextPassage",
    "Cooccurrence",
    "CooccurrencePair",
    "CooccurrenceValue",
    "Counts",
    "Crosstab",
    "CrosstabDistinct",
    "CrosstabShares",
    "CslDate",
    "CslItem",
    "CslName",
    "Difference",
    "DimensionCount",
    "DimensionValue",
    "FacetValue",
    "Health",
    "Interview",
    "InterviewRef",
    "Layer",
    "LayerDetail",
    "LayerInReport",
    "LayerRef",
    "Meta",
    "Methodology",
    "OrganisationTypeRef",
    "Page",
    "Problem",
    "ProblemError",
    "PublicModel",
    "Quote",
    "QuoteCitation",
    "QuoteContext",
    "QuoteCounts",
    "QuoteLocation",
    "QuotePage",
    "QuoteSample",
    "Report",
    "ReportCounts",
    "ReportDescription",
    "ReportDetail",
    "ReportLayer",
    "ReportRef",
    "SearchHit",
    "Section",
    "SectionRef",
    "StakeholderType",
    "StakeholderTypeDetail",
    "StakeholderTypeRef",
    "Statement",
    "Tag",
    "TagRef",
    "Theme",
    "ThemeInLayer",
    "ThemeRef",
    "TypeCounts",
    "VerbatimMatch",
    "Verdict",
    "Verification",
]
