"""Store response drafts: build one from a proposal, read it back, list the versions.

``create_draft`` loads the notice (as served), the group and the members the
proposal and the procedure mention, calls the pure ``build_draft`` and stores the
result as a new ``draft`` row. Versions count per (notice, group) from 1: every
generation is a new version and earlier ones stay readable. The group row is
locked (``SELECT … FOR UPDATE`` on PostgreSQL) while the next version number is
taken, so two concurrent generations for one group do not share a number; SQLite
serialises writers anyway. Services flush, never commit: the caller owns the
transaction.

Refusals: ``NotFoundError`` (unknown notice or group), ``NoticeClosedError``
(cancelled or awarded notice), ``InvalidInputError`` (a proposal the store
cannot keep: NUL characters, non-finite numbers) and the builder's
``DraftError`` (the proposal contradicts the notice, the group or the members,
naming the field). The notice and the group are loaded as the consortia are
(``app.notices.queries``, ``app.consortia.service.load_group``).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.consortia.service import load_group
from app.core.checks import ensure_storable
from app.drafting.assemble import build_draft
from app.notices.queries import answerable_notice, get_notice
from models.consortium import Consortium
from models.draft import Draft
from models.group import Group
from models.member import Member
from models.schema import DraftRow, MemberRow


def _mentioned(group: Group, proposal: Consortium) -> set[str]:
    """Every member id the draft may name: team, subcontractors, leads, gap suggestions."""
    return {
        *(m.member_id for m in proposal.members),
        *proposal.subcontractors,
        *group.members,
        *(m for gap in proposal.gaps for m in gap.suggestions),
    }


def create_draft(
    *,
    session: Session,
    notice_id: str,
    group_id: str,
    proposal: Consortium,
    actor: str,
    today: date,
    now: datetime,
    language: str = "fr",
) -> DraftRow:
    """Build and store the next version of the group's draft for the notice, in ``language``."""
    ensure_storable(proposal.model_dump(mode="json"), prefix="proposal")
    group = load_group(session, group_id, for_update=True)
    notice_row, notice = answerable_notice(session, notice_id, now=now)
    ids = sorted(_mentioned(group, proposal))
    members = {
        row.id: Member.model_validate(row.profile)
        for row in session.scalars(select(MemberRow).where(MemberRow.id.in_(ids)))
    }
    draft_id = str(uuid.uuid4())
    draft = build_draft(
        notice=notice,
        group=group,
        members=members,
        proposal=proposal,
        today=today,
        now=now,
        draft_id=draft_id,
        language=language,
    )
    latest = session.scalar(
        select(func.max(DraftRow.version)).where(
            DraftRow.notice_id == notice_row.id, DraftRow.group_id == group_id
        )
    )
    row = DraftRow(
        id=draft_id,
        notice_id=notice_row.id,
        group_id=group_id,
        version=(latest or 0) + 1,
        proposal=proposal.model_dump(mode="json"),
        document=draft.model_dump(mode="json"),
        created_by=actor,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get_draft(session: Session, draft_id: str) -> DraftRow | None:
    """A stored draft, or None."""
    return session.get(DraftRow, draft_id)


def draft_of(row: DraftRow) -> Draft:
    """The structured draft a row stores."""
    return Draft.model_validate(row.document)


def list_drafts(
    *, session: Session, notice_id: str, group_ids: Collection[str] | None
) -> list[DraftRow] | None:
    """Drafts of the notice by group, oldest version first (None: unknown notice).

    ``group_ids`` limits them to those groups (None: every group).
    """
    notice_row = get_notice(session, notice_id)
    if notice_row is None:
        return None
    query = select(DraftRow).where(DraftRow.notice_id == notice_row.id)
    if group_ids is not None:
        query = query.where(DraftRow.group_id.in_(sorted(group_ids)))
    return list(session.scalars(query.order_by(DraftRow.group_id, DraftRow.version)))
