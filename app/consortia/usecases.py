"""Use case: the best consortia a group can field for a notice, explained.

The API route, the CLI command and the web pages call :func:`propose_consortia`
and only translate its input and output. When no consortium is possible
(nobody covers anything, every candidate declined…) the answer still comes,
with no consortium and ``reasons`` saying why: that is an answer to the
question, not a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.consortia.assembly import assemble
from app.consortia.errors import AssemblyError, InvalidRequestError
from app.consortia.explain import NoTeam
from app.consortia.inputs import LotId, Requirement
from app.consortia.service import PreparedAssembly, prepare_assembly
from app.search.embedder import Embedder
from models.consortium import Consortium
from models.errors import InvalidInputError

DEFAULT_MAX_MEMBERS = 5


class ConsortiaAnswer(BaseModel):
    """The proposed consortia, best first; ``reasons`` says why when there is none.

    The body of ``POST /api/notices/{notice_id}/consortia`` and of ``cotender
    consortia --json`` (the JSON keys are that contract: ``proposals`` holds
    the consortia).
    """

    notice_id: str
    group_id: str
    lots: list[str | None]
    max_members: int
    requirements: list[Requirement]
    proposals: list[Consortium]
    reasons: list[str] = Field(default_factory=list)
    no_team: NoTeam | None = Field(default=None, exclude=True)
    """Why there is no proposal, as data for a page in its reader's language (not in JSON)."""


def _answer(
    prepared: PreparedAssembly,
    consortia: list[Consortium],
    reasons: list[str],
    no_team: NoTeam | None = None,
) -> ConsortiaAnswer:
    request = prepared.request
    return ConsortiaAnswer(
        notice_id=prepared.notice.id,
        group_id=prepared.group.id,
        lots=list(request.lots),
        max_members=request.max_members,
        requirements=list(request.considered_requirements()),
        proposals=consortia,
        reasons=reasons,
        no_team=no_team,
    )


def propose_consortia(
    *,
    session: Session,
    principal: Principal,
    embedder: Embedder,
    notice_id: str,
    group_id: str,
    max_members: int = DEFAULT_MAX_MEMBERS,
    lots: Sequence[LotId] | None = None,
    now: datetime,
) -> ConsortiaAnswer:
    """The best distinct consortia of the group for the notice (its leads and admins).

    Refusals: ``ForbiddenError`` (asked before any look-up, so nothing leaks),
    ``NotFoundError`` (notice or group), ``NoticeClosedError`` (cancelled or
    awarded), ``InvalidInputError`` (an unknown lot, naming ``lots.<index>``; an
    inconsistent request). Reads only: nothing to commit.
    """
    policy.require(policy.can_lead_group(principal, group_id))
    try:
        prepared = prepare_assembly(
            session=session,
            notice_id=notice_id,
            group_id=group_id,
            max_members=max_members,
            lots=lots,
            embedder=embedder,
            now=now,
        )
    except InvalidRequestError as error:
        raise InvalidInputError(str(error)) from error
    try:
        return _answer(prepared, assemble(prepared.request), [])
    except AssemblyError as error:
        why = NoTeam(code=error.code, params=error.params) if error.code else None
        return _answer(prepared, [], [f"No team can be proposed: {error}."], why)
