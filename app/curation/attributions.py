"""From an attribution line to an interview: its id, role, organisation and stakeholder type.

The rules are the seeds' own (interviews.yaml, stakeholder_types.yaml): the role is the part
before the first comma and the organisation the part after it; the stakeholder type follows
what the attribution names, the more specific reading first. What the rules cannot settle is
left to a curator as a `review:` note.
"""

import re

from app.curation.records import DraftInterview
from app.curation.vocabulary import Vocabulary


def slug(text: str) -> str:
    """The seeds' id form: lower case, words joined by hyphens ("U.S." is one word)."""
    text = re.sub(r"(?<=\w)[.'’](?=\w)", "", text.lower())
    return "-".join(re.findall(r"[a-z0-9]+", text))


# (words in the attribution, stakeholder type): every rule that matches is a candidate; more
# than one candidate type is for a curator to settle. "Private Payer Solutions Company" is a
# private payer, not a generic private-sector firm; an "Academic Medical Organization" is an
# organisation, while an "Academic Physician" is a physician-researcher.
_TYPE_RULES = (
    ("public payer", "public-payer"),
    ("medicaid", "public-payer"),
    ("private payer", "private-payer"),
    ("health insurance", "private-payer"),
    ("insurer", "private-payer"),
    ("federal", "federal-policymaker"),
    ("state legislator", "state-policymaker"),
    ("state policymaker", "state-policymaker"),
    ("state official", "state-policymaker"),
    ("patient", "patient-advocate"),
    ("physician researcher", "physician-researcher"),
    ("academic physician", "physician-researcher"),
    ("academic medical organization", "nonprofit-organisation"),
    ("nonprofit", "nonprofit-organisation"),
    ("biotech", "biotech-industry"),
    ("consulting", "consultant"),
)


def stakeholder_types(attribution: str, known: set[str]) -> list[str]:
    """The stakeholder types the attribution's words point to, in rule order."""
    words = " ".join(re.findall(r"[a-z]+", attribution.lower()))
    found = [kind for phrase, kind in _TYPE_RULES if re.search(rf"\b{phrase}\b", words)]
    return [kind for kind in dict.fromkeys(found) if kind in known]


def interview(attribution: str, vocabulary: Vocabulary) -> DraftInterview:
    """The interview an attribution line stands for, with notes where the rules run out."""
    review: list[str] = []
    role, comma, organisation = (part.strip() for part in attribution.partition(","))
    organisation_type = None
    if comma and (not role or not organisation or "," in organisation):
        review.append(
            f"cannot split {attribution!r} into role and organisation with certainty; "
            "split at the first comma"
        )
    if comma and organisation:
        organisation_type = vocabulary.organisation_ids.get(organisation.casefold())
        if organisation_type is None:
            organisation_type = slug(organisation)
            review.append(
                f"organisation {organisation!r} is not in organisation_types.yaml: add "
                f"{organisation_type!r} there or choose a listed type"
            )
    elif not comma:
        role = attribution
    types = stakeholder_types(attribution, set(vocabulary.stakeholder_types))
    if len(types) != 1:
        reading = " or ".join(repr(t) for t in types) or "no rule"
        review.append(f"stakeholder type: {reading} matches {attribution!r}; choose one")
    return DraftInterview(
        id=slug(attribution),
        attribution=attribution,
        role_title=role or attribution,
        organisation_type=organisation_type,
        stakeholder_type=types[0] if len(types) == 1 else None,
        review=review,
    )


def note_look_alikes(interviews: list[DraftInterview]) -> None:
    """Flag attributions that may name one interviewee twice: the same id, or one's words all
    within the other's ("CEO, National Patient Organization" and "CEO, National Patient Advocacy
    Organization"). They stay apart, as printed, until a curator says otherwise."""
    words = [set(slug(i.attribution).split("-")) for i in interviews]
    for a, first in enumerate(interviews):
        for b in range(a + 1, len(interviews)):
            second = interviews[b]
            if first.id == second.id or words[a] <= words[b] or words[b] <= words[a]:
                second.review.append(
                    f"may be the same interviewee as {first.attribution!r} "
                    f"(id {first.id!r}); kept apart as printed"
                )
