"""A lead proposes teams for a notice, side by side, picks one and generates the draft.

Domain calls: the use cases ``app.consortia.usecases.propose_consortia`` and
``app.drafting.usecases.make_draft`` (as ``POST /api/notices/{id}/consortia`` and
``…/drafts?lang=``, the consortium given by its rank in the same deterministic
computation, the draft written in the page's language),
``app.consortia.go_rule.go_checks`` (the go/no-go verdict's checks, said in the
page's language), ``app.consortia.explain.no_team_text`` (why there is no team,
likewise), ``app.members.service.list_all_members`` for names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from app.api.params import GroupIdPath, NoticeIdPath
from app.auth import policy
from app.consortia.explain import no_team_text
from app.consortia.go_rule import go_checks
from app.consortia.service import load_group
from app.consortia.usecases import propose_consortia
from app.drafting.usecases import make_draft
from app.members.service import list_all_members
from app.notices.queries import served_notice
from app.web.deps import ContextDep, PostedBy
from app.web.errors import see_other
from app.web.i18n import language_of
from app.web.render import render
from app.web.sessions import WebUser
from models.errors import ForbiddenError

router = APIRouter(include_in_schema=False)
MaxMembers = Annotated[int, Form(ge=1, le=50)]


def _leading(user: WebUser, group_id: str) -> None:
    if not policy.can_lead_group(user.principal, group_id):
        raise ForbiddenError(f"only the leads of {group_id} propose teams")


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
        answer = propose_consortia(
            session=session,
            principal=user.principal,
            embedder=context.embedder,
            notice_id=notice_id,
            group_id=group_id,
            max_members=max_members,
            now=now,
        )
        group = load_group(session, group_id)
        notice = served_notice(session, notice_id, now=now)[1]
        names = {row.id: row.name for row in list_all_members(session=session)}
    proposals = answer.proposals
    why_none = no_team_text(answer.no_team, language_of(request)) if answer.no_team else None
    return render(
        request,
        "proposals.html",
        {
            "group": group,
            "notice": notice,
            "proposals": proposals,
            "checks": [go_checks(p, group.procedure.go_rule) for p in proposals],
            "why_none": why_none,
            "names": names,
            "max_members": max_members,
        },
    )


@router.post("/groups/{group_id}/notices/{notice_id:path}/drafts")
def generate_draft(
    request: Request,
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
    with context.sessions() as session:
        row = make_draft(
            session=session,
            principal=user.principal,
            embedder=context.embedder,
            notice_id=notice_id,
            group_id=group_id,
            proposal=proposal,
            max_members=max_members,
            now=now,
            language=language_of(request),
        )
        draft_id = row.id
    return see_other(f"/drafts/{draft_id}")
