"""Consortia: the best teams a group can field for a notice, explained (its leads and admins).

``POST /api/notices/{notice_id}/consortia`` with ``{"group_id", "max_members", "lots"}``.
When no team is possible (nobody covers anything, every candidate declined…) the
answer is still 200, with no proposal and ``reasons`` saying why: that is an answer
to the question, not a failure. A cancelled or awarded notice is a 409; an
unknown lot a 422 naming ``body.lots.<index>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from app.api.deps import ContextDep, CurrentPrincipal, NowDep, SessionDep, require, unprocessable
from app.api.params import GroupIdField, LotIdField, NoticeIdPath
from app.auth import policy
from app.consortia import service
from app.consortia.assembly import assemble
from app.consortia.errors import AssemblyError, InvalidRequestError
from app.core.context import AppContext
from models.consortium import Proposal
from models.errors import InvalidInputError

router = APIRouter(prefix="/api/notices", tags=["consortia"])


class ConsortiaIn(BaseModel):
    """Which group answers, how many members a team may have, which lots (default: all)."""

    model_config = ConfigDict(extra="forbid")

    group_id: GroupIdField
    max_members: int = Field(default=5, ge=1, le=50)
    lots: Annotated[
        list[LotIdField | None] | None,
        Field(
            min_length=1,
            max_length=200,
            description="Lots to answer (null or absent: every lot; null items only on a "
            "notice without lots)",
        ),
    ] = None


class RequirementPublic(BaseModel):
    """One requirement the teams were assembled to cover (ids as in gaps and reasons)."""

    id: str
    lot: str | None
    text: str
    weight: float


class ConsortiaPublic(BaseModel):
    """The proposals, best first; ``reasons`` says why when there is none."""

    notice_id: str
    group_id: str
    lots: list[str | None]
    max_members: int
    requirements: list[RequirementPublic]
    proposals: list[Proposal]
    reasons: list[str] = Field(default_factory=list)


def prepared_or_error(prepare: Callable[[], service.PreparedAssembly]) -> service.PreparedAssembly:
    """Run the preparation, turning its refusals into HTTP errors (404, 409, 422)."""
    try:
        return prepare()
    except service.NotFoundError as error:
        raise HTTPException(status_code=404, detail=str(error)) from error
    except service.NoticeNotOpenError as error:
        raise HTTPException(status_code=409, detail=str(error)) from error
    except InvalidInputError as error:
        raise unprocessable(error) from error
    except InvalidRequestError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error


def consortia_public(
    prepared: service.PreparedAssembly, proposals: list[Proposal], reasons: list[str]
) -> ConsortiaPublic:
    """The response body for a prepared request and its outcome."""
    request = prepared.request
    return ConsortiaPublic(
        notice_id=prepared.notice.id,
        group_id=prepared.group.id,
        lots=list(request.lots),
        max_members=request.max_members,
        requirements=[
            RequirementPublic(id=r.id, lot=r.lot, text=r.text, weight=r.weight)
            for r in request.considered_requirements()
        ],
        proposals=proposals,
        reasons=reasons,
    )


def prepare(
    session: Session, context: AppContext, *, notice_id: str, body: ConsortiaIn, now: datetime
) -> service.PreparedAssembly:
    """The assembly request for ``body``, or the HTTP refusal (shared with the drafts route)."""
    return prepared_or_error(
        lambda: service.prepare_assembly(
            session=session,
            notice_id=notice_id,
            group_id=body.group_id,
            max_members=body.max_members,
            lots=body.lots,
            embedder=context.embedder,
            now=now,
        )
    )


def run_assembly(prepared: service.PreparedAssembly) -> tuple[list[Proposal], list[str]]:
    """The proposals, or none and the reason the assembly gives."""
    try:
        return assemble(prepared.request), []
    except AssemblyError as error:
        return [], [f"No team can be proposed: {error}."]


@router.post("/{notice_id}/consortia", response_model=ConsortiaPublic)
def create_consortia(
    notice_id: NoticeIdPath,
    body: ConsortiaIn,
    session: SessionDep,
    context: ContextDep,
    principal: CurrentPrincipal,
    now: NowDep,
) -> ConsortiaPublic:
    """Propose the best distinct teams of the group for the notice (its leads and admins)."""
    require(policy.can_lead_group(principal, body.group_id))
    prepared = prepare(session, context, notice_id=notice_id, body=body, now=now)
    proposals, reasons = run_assembly(prepared)
    return consortia_public(prepared, proposals, reasons)
