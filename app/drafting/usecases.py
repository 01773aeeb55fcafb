"""Use cases of response drafts: make one from a proposed consortium, list and read them.

Each call of :func:`make_draft` stores a new version for the notice and group
and commits it; older versions stay readable. The group's leads and admins
make drafts; the group's members (who write the sections) and admins read
them. Reading another group's draft is refused as an unknown id would be, so
ids reveal nothing; a caller in no group is refused at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.consortia.inputs import LotId
from app.consortia.service import load_group
from app.consortia.usecases import DEFAULT_MAX_MEMBERS, ConsortiaAnswer, propose_consortia
from app.drafting import service
from app.search.embedder import Embedder
from models.consortium import Consortium
from models.errors import InvalidInputError, NotFoundError
from models.schema import DraftRow
from models.vocabulary.time import PARIS


def _ranked(answer: ConsortiaAnswer, rank: int) -> Consortium:
    """The consortium of that rank in a fresh answer; ``InvalidInputError`` naming ``proposal``."""
    if rank >= len(answer.proposals):
        why = " ".join(answer.reasons) or f"there are {len(answer.proposals)} proposal(s)"
        message = f"no proposal {rank}: {why}"
        raise InvalidInputError(message, [{"field": "proposal", "message": message}])
    return answer.proposals[rank]


def make_draft(
    *,
    session: Session,
    principal: Principal,
    embedder: Embedder,
    notice_id: str,
    group_id: str,
    proposal: Consortium | int,
    max_members: int = DEFAULT_MAX_MEMBERS,
    lots: Sequence[LotId] | None = None,
    now: datetime,
    language: str = "fr",
) -> DraftRow:
    """Draft a response from a consortium and store it as the next version (committed).

    ``proposal`` is a whole proposed consortium (one posted back from the
    consortia answer) or its rank in the consortia computed afresh with
    ``max_members`` and ``lots`` (0: the best; those two matter only then). The
    draft is written in ``language`` (``fr``, ``en``) once and for all: its stored
    texts and its Markdown, DOCX and ICS renderings all say that language.
    Refusals: those of ``propose_consortia``, ``InvalidInputError`` naming
    ``proposal`` when there is no consortium of that rank, and those of
    ``app.drafting.service.create_draft``.
    """
    policy.require(policy.can_lead_group(principal, group_id))
    if isinstance(proposal, Consortium):
        chosen = proposal
    else:
        answer = propose_consortia(
            session=session,
            principal=principal,
            embedder=embedder,
            notice_id=notice_id,
            group_id=group_id,
            max_members=max_members,
            lots=lots,
            now=now,
        )
        chosen = _ranked(answer, proposal)
    row = service.create_draft(
        session=session,
        notice_id=notice_id,
        group_id=group_id,
        proposal=chosen,
        actor=principal.actor,
        today=now.astimezone(PARIS).date(),
        now=now,
        language=language,
    )
    session.commit()
    return row


def list_notice_drafts(
    *, session: Session, principal: Principal, notice_id: str, group_id: str | None = None
) -> list[DraftRow]:
    """The drafts of a notice the caller may read (one group's, if asked), by group and version."""
    if group_id is not None:
        policy.require(policy.can_read_group(principal, group_id))
        load_group(session, group_id)
    groups = None if principal.is_admin else principal.groups
    if group_id is not None:
        groups = frozenset({group_id})
    rows = service.list_drafts(session=session, notice_id=notice_id, group_ids=groups)
    if rows is None:
        raise NotFoundError(f"notice {notice_id} not found")
    return rows


def read_draft(*, session: Session, principal: Principal, draft_id: str) -> DraftRow:
    """A stored draft the caller may read; ``NotFoundError`` alike for unknown and others'."""
    policy.require(principal.is_admin or bool(principal.groups))
    row = service.get_draft(session, draft_id)
    if row is None or not policy.can_read_group(principal, row.group_id):
        raise NotFoundError(f"draft {draft_id} not found")
    return row
