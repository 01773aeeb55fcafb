"""A lead proposes teams for a notice, side by side, picks one and generates the draft.

Domain calls: ``app.auth.policy.can_lead_group`` (before any look-up),
``app.consortia.service.prepare_assembly`` with ``app.consortia.assembly.assemble``
(as ``POST /api/notices/{id}/consortia``), ``app.consortia.go_rule.go_checks`` (the
go/no-go verdict's checks, said in the page's language), ``app.drafting.service.create_draft``
(as ``POST /api/notices/{id}/drafts``, the proposal given by its index in the same
deterministic computation), ``app.members.service.list_all_members`` for names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.params import GroupIdPath, NoticeIdPath
from app.auth import policy
from app.consortia import service as consortia
from app.consortia.assembly import assemble
from app.consortia.errors import AssemblyError, InvalidRequestError
from app.consortia.go_rule import go_checks
from app.core.context import AppContext
from app.core.db import transaction
from app.drafting import service as drafting
from app.drafting.errors import DraftError
from app.members.service import list_all_members
from app.web.deps import ContextDep, PostedBy
from app.web.errors import see_other
from app.web.render import render
from app.web.sessions import WebUser
from models.consortium import Proposal
from models.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from models.vocabulary.time import PARIS

router = APIRouter(include_in_schema=False)
MaxMembers = Annotated[int, Form(ge=1, le=50)]


def _leading(user: WebUser, group_id: str) -> None:
    if not policy.can_lead_group(user.principal, group_id):
        raise ForbiddenError(f"only the leads of {group_id} propose teams")


def _proposals(
    session: Session,
    context: AppContext,
    *,
    notice_id: str,
    group_id: str,
    max_members: int,
    now: datetime,
) -> tuple[consortia.PreparedAssembly, list[Proposal], str | None]:
    """The proposals (best first), or none and why; domain refusals as web errors."""
    try:
        prepared = consortia.prepare_assembly(
            session=session,
            notice_id=notice_id,
            group_id=group_id,
            max_members=max_members,
            lots=None,
            embedder=context.embedder,
            now=now,
        )
    except consortia.NotFoundError as error:
        raise NotFoundError(str(error)) from error
    except consortia.NoticeNotOpenError as error:
        raise ConflictError(str(error)) from error
    except InvalidRequestError as error:
        raise InvalidInputError(str(error)) from error
    try:
        return prepared, assemble(prepared.request), None
    except AssemblyError as error:
        return prepared, [], str(error)


@router.post("/groups/{group_id}/notices/{notice_id:path}/consortia")
def propose(
    request: Request,
    group_id: GroupIdPath,
    notice_id: NoticeIdPath,
    context: ContextDep,
    user: PostedBy,
    max_members: MaxMembers = 5,
) -> Response:
    """The best distinct teams of the group for the notice, side by side."""
    _leading(user, group_id)
    now = datetime.now(UTC)
    with context.sessions() as session:
        prepared, proposals, why_none = _proposals(
            session,
            context,
            notice_id=notice_id,
            group_id=group_id,
            max_members=max_members,
            now=now,
        )
        names = {row.id: row.name for row in list_all_members(session=session)}
    return render(
        request,
        "proposals.html",
        {
            "group": prepared.group,
            "notice": prepared.notice,
            "proposals": proposals,
            "checks": [go_checks(p, prepared.group.procedure.go_rule) for p in proposals],
            "why_none": why_none,
            "names": names,
            "max_members": max_members,
        },
    )


@router.post("/groups/{group_id}/notices/{notice_id:path}/drafts")
def generate_draft(
    group_id: GroupIdPath,
    notice_id: NoticeIdPath,
    context: ContextDep,
    user: PostedBy,
    proposal: Annotated[int, Form(ge=0, le=49)],
    max_members: MaxMembers = 5,
) -> Response:
    """Generate and store the next draft version from the chosen proposal, then show it."""
    _leading(user, group_id)
    now = datetime.now(UTC)
    with transaction(context.sessions) as session:
        _, proposals, why_none = _proposals(
            session,
            context,
            notice_id=notice_id,
            group_id=group_id,
            max_members=max_members,
            now=now,
        )
        if proposal >= len(proposals):
            message = why_none or f"there are {len(proposals)} proposal(s)"
            raise InvalidInputError(message, [{"field": "proposal", "message": message}])
        try:
            row = drafting.create_draft(
                session=session,
                notice_id=notice_id,
                group_id=group_id,
                proposal=proposals[proposal],
                actor=user.principal.actor,
                today=now.astimezone(PARIS).date(),
                now=now,
            )
        except drafting.DraftNotFoundError as error:
            raise NotFoundError(str(error)) from error
        except consortia.NoticeNotOpenError as error:
            raise ConflictError(str(error)) from error
        except DraftError as error:
            raise InvalidInputError(
                str(error), [{"field": error.field, "message": error.message}]
            ) from error
        draft_id = row.id
    return see_other(f"/drafts/{draft_id}")
