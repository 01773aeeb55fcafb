"""Composing the due digests in the server that owns the embedded index (admins).

``cotender digest send`` composes digests itself when it can open the vector index;
while a server owns it, the command asks that server here (on loopback) and then
delivers the outbox itself: one process ever opens the index, and the digests are
composed by the same use case, with the server's warm catalog and member contexts.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.api.deps import AdminPrincipal, ContextDep, MatchingDep, NowDep
from app.digest.run import compose_digests

router = APIRouter(prefix="/api/admin/digests", tags=["admin"])


class ComposeRequest(BaseModel):
    """Which digests to compose: every due one, or one member's or one group's."""

    model_config = ConfigDict(extra="forbid")

    member_id: str | None = Field(default=None, min_length=1, max_length=200)
    group_id: str | None = Field(default=None, min_length=1, max_length=200)
    dry_run: bool = False


@router.post("")
def compose_due_digests(
    request: ComposeRequest,
    context: ContextDep,
    _admin: AdminPrincipal,
    _matching: MatchingDep,
    now: NowDep,
) -> dict[str, Any]:
    """Compose the due digests into the outbox (delivery is the caller's); the run's summary."""
    summary = compose_digests(
        context,
        now=now,
        member_id=request.member_id,
        group_id=request.group_id,
        dry_run=request.dry_run,
    )
    return summary.as_json()
