"""The change history: what each load added, removed and changed, object by object."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from app.schemas.common import PublicModel

Action = Literal["added", "removed", "changed"]


class ChangeSetRef(PublicModel):
    """A change set (one load), by number and data version."""

    id: int = Field(description="Number of the change set: 1 for the first load, then 2, ...")
    data_version: str = Field(description="The data version this load produced.")
    previous_version: str | None = Field(
        description="The data version it replaced; null for the first load."
    )
    loaded_at: datetime = Field(description="When the load happened (UTC).")


class TypeCounts(PublicModel):
    """How many objects of one type a load added, removed and changed."""

    type: str = Field(description="Object type, e.g. `quote`.", examples=["quote"])
    added: int = Field(description="Objects added.")
    removed: int = Field(description="Objects removed.")
    changed: int = Field(description="Objects changed.")


class ChangeSet(ChangeSetRef):
    """One load that changed something, with counts per object type."""

    counts: list[TypeCounts] = Field(
        description="Counts per object type (types the load left alone are not listed)."
    )
    changes_url: str = Field(description="The change list of this set (`/v1/changes`).")


class Change(PublicModel):
    """One object a load added, removed or changed."""

    type: str = Field(description="Object type, e.g. `quote` or `report`.", examples=["quote"])
    id: str = Field(description="Stable identifier of the object.", examples=["cgt-2026-q07"])
    action: Action = Field(description="`added`, `removed` or `changed`.")
    fields: list[str] = Field(
        description="The fields that changed, by their public names (e.g. `text`, `tags`, "
        "`start_offset`); empty when added or removed."
    )
    url: str | None = Field(
        description="The object in the API as it is now; null when it no longer exists (or, "
        "for organisation types, has no page of its own)."
    )
    change_set: ChangeSetRef = Field(description="The load that made the change.")
