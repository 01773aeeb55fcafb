"""Path and query parameter types and request bodies shared by several routers (one each)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.consortia.usecases import DEFAULT_MAX_MEMBERS
from models.notice import NOTICE_ID_PATTERN

# NUL characters are excluded everywhere: PostgreSQL refuses them in text.
PLAIN_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"

NoticeIdPath = Annotated[str, Path(min_length=3, max_length=200, pattern=NOTICE_ID_PATTERN)]
MemberIdPath = Annotated[str, Path(max_length=100, pattern=PLAIN_ID_PATTERN)]
GroupIdPath = Annotated[str, Path(max_length=100, pattern=PLAIN_ID_PATTERN)]
SearchText = Annotated[
    str | None, Query(max_length=200, pattern=r"^[^\x00]*$", description="Words to look for")
]

# Draft ids are UUIDs. No dot: ``x.md`` is never an id (the drafts router also declares
# ``/api/drafts/{draft_id}.md`` and the other formats before ``/api/drafts/{draft_id}``).
DRAFT_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
DraftIdPath = Annotated[str, Path(max_length=64, pattern=DRAFT_ID_PATTERN)]
GroupIdQuery = Annotated[
    str | None, Query(max_length=100, pattern=PLAIN_ID_PATTERN, description="Only this group's")
]
GroupIdField = Annotated[str, StringConstraints(max_length=100, pattern=PLAIN_ID_PATTERN)]
"""A group id in a request body."""
LotIdField = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]
"""A lot id in a request body (lot ids are the sources' own, any text but NUL)."""


class ConsortiaIn(BaseModel):
    """Which group answers, how many members a consortium may have, which lots (default: all).

    The body of ``POST …/consortia``; ``POST …/drafts`` extends it with the proposal.
    """

    model_config = ConfigDict(extra="forbid")

    group_id: GroupIdField
    max_members: int = Field(default=DEFAULT_MAX_MEMBERS, ge=1, le=50)
    lots: Annotated[
        list[LotIdField | None] | None,
        Field(
            min_length=1,
            max_length=200,
            description="Lots to answer (null or absent: every lot; null items only on a "
            "notice without lots)",
        ),
    ] = None
