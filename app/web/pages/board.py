"""The group board: the notices a group works on, by stage, with the next step of its procedure;
and a notice's workspace for the group (intentions, drafts, proposing teams).

Domain calls: ``app.auth.policy.can_read_group`` (asked before any look-up),
``app.groups.service.get_group``, ``app.intentions.service.member_intentions`` and
``notice_intentions``, ``app.drafting.service.list_drafts``, ``app.notices.queries.get_notice``
and ``present``, ``app.members.service.list_all_members``; the stage and next step come
from ``app.web.stages`` (``app.drafting.planning`` dates the steps). The draft count per
notice is one query on ``draft`` here (no service lists a group's drafts yet).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.params import GroupIdPath, NoticeIdPath
from app.auth import policy
from app.drafting import service as drafting
from app.groups.service import get_group
from app.intentions import service as intentions
from app.members.service import list_all_members
from app.notices.queries import get_notice, present
from app.web.deps import ContextDep, UserDep
from app.web.render import render
from app.web.sessions import WebUser
from app.web.stages import STAGES, NextStep, next_step, stage_of
from models.errors import ForbiddenError, NotFoundError
from models.group import Group
from models.notice import Notice
from models.schema import DraftRow
from models.vocabulary.time import PARIS

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class BoardCard:
    """One notice on the board: its deadline, its members' roles, the procedure's next step."""

    notice: Notice
    due: datetime | None
    roles: list[str]
    next: NextStep | None


def readable_group(session: Session, user: WebUser, group_id: str) -> Group:
    """The group, for its members, leads and admins (403 first: nothing leaks)."""
    if not policy.can_read_group(user.principal, group_id):
        raise ForbiddenError(f"not a member of group {group_id}")
    row = get_group(session=session, group_id=group_id)
    if row is None:
        raise NotFoundError(f"group {group_id} not found")
    return Group.model_validate(row.document)


@router.get("/groups/{group_id}")
def board(request: Request, group_id: GroupIdPath, context: ContextDep, user: UserDep) -> Response:
    """The group's notices by stage, each with its next procedure step."""
    now = datetime.now(UTC)
    today = now.astimezone(PARIS).date()
    with context.sessions() as session:
        group = readable_group(session, user, group_id)
        roles: dict[str, list[str]] = defaultdict(list)
        for member_id in group.members:
            for row in intentions.member_intentions(session=session, member_id=member_id) or []:
                roles[row.notice_id].append(row.role)
        drafts = dict(
            session.execute(
                select(DraftRow.notice_id, func.count())
                .where(DraftRow.group_id == group_id)
                .group_by(DraftRow.notice_id)
            ).all()
        )
        columns: dict[str, list[BoardCard]] = {stage: [] for stage in STAGES}
        for notice_id in sorted(set(roles) | set(drafts)):
            notice_row = get_notice(session, notice_id)
            if notice_row is None:
                continue
            notice = present(notice_row, now=now)
            stage = stage_of(notice, roles[notice_id], drafts.get(notice_id, 0))
            due = notice.effective_deadline()
            columns[stage].append(
                BoardCard(notice, due, roles[notice_id], next_step(group.procedure, due, today))
            )
    for cards in columns.values():
        cards.sort(key=lambda card: (card.due is None, card.due or now, card.notice.id))
    can_lead = policy.can_lead_group(user.principal, group_id)
    return render(request, "board.html", {"group": group, "columns": columns, "can_lead": can_lead})


@router.get("/groups/{group_id}/notices/{notice_id:path}")
def workspace(
    request: Request,
    group_id: GroupIdPath,
    notice_id: NoticeIdPath,
    context: ContextDep,
    user: UserDep,
) -> Response:
    """One notice for the group: who declared what, the drafts, and (leads) proposing teams."""
    now = datetime.now(UTC)
    with context.sessions() as session:
        group = readable_group(session, user, group_id)
        notice_row = get_notice(session, notice_id)
        if notice_row is None:
            raise NotFoundError(f"notice {notice_id} not found")
        notice = present(notice_row, now=now)
        names = {row.id: row.name for row in list_all_members(session=session)}
        declared = intentions.notice_intentions(
            session=session, notice_id=notice.id, only=frozenset(group.members)
        )
        drafts = drafting.list_drafts(
            session=session, notice_id=notice.id, group_ids=frozenset({group_id})
        )
        people = [
            (names.get(r.member_id, r.member_id), r.role, list(r.lots)) for r in declared or []
        ]
        versions = [(d.id, d.version, d.created_at) for d in drafts or []]
    return render(
        request,
        "workspace.html",
        {
            "group": group,
            "notice": notice,
            "people": people,
            "drafts": versions,
            "can_lead": policy.can_lead_group(user.principal, group_id),
        },
    )
