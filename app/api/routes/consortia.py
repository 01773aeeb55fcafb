"""Consortia: the best consortia a group can field for a notice, explained (its leads and admins).

``POST /api/notices/{notice_id}/consortia`` with ``{"group_id", "max_members", "lots"}``
answers ``app.consortia.usecases.propose_consortia``. When no consortium is
possible the answer is still 200, with no proposal and ``reasons`` saying why.
A cancelled or awarded notice is a 409; an unknown lot a 422 naming
``body.lots.<index>``.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import ContextDep, CurrentPrincipal, NowDep, SessionDep
from app.api.params import ConsortiaIn, NoticeIdPath
from app.consortia.usecases import ConsortiaAnswer, propose_consortia

router = APIRouter(prefix="/api/notices", tags=["consortia"])


@router.post("/{notice_id}/consortia", response_model=ConsortiaAnswer)
def create_consortia(
    notice_id: NoticeIdPath,
    body: ConsortiaIn,
    session: SessionDep,
    context: ContextDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> ConsortiaAnswer:
    """Propose the best distinct consortia of the group for the notice (its leads and admins)."""
    return propose_consortia(
        session=session,
        principal=principal,
        embedder=context.embedder,
        notice_id=notice_id,
        group_id=body.group_id,
        max_members=body.max_members,
        lots=body.lots,
        now=now,
    )
