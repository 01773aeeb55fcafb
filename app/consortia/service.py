"""Propose consortia for a group on a notice: gather the store's facts, then ``assemble``.

What goes into the ``AssemblyRequest`` (choices made here):

- **Requirements and fits**: ``app.consortia.fits`` (the notice's requirement
  passages per lot, each member's expertise units, one embedder batch).
- **Candidates**: every member in the store. The group's members have
  ``in_group=True``; other members of the cooperative and partner firms have
  ``in_group=False``. Outsiders may be selected: the objective already charges them
  more than members of the group (``model.OUTSIDER_PENALTY``), so they join only to
  cover what the group cannot, and they are suggested for the gaps they could
  fill. The reasons say who comes from outside the group.
- **Intentions**: the members' declared intentions on the notice (role and lots).
- **Availability**: ``availability_days_per_month`` of each profile.
- **Rules**: ``work_sharing`` and ``go_rule`` of the group's procedure.
- **Rotation**: ``past_mandataire_counts`` counts, per member, the other notices
  of this group whose latest draft names them mandataire. Drafts of the notice
  being assembled do not count (regenerating a draft must not rotate the mandate
  away from the team just chosen), nor do older versions of a draft.
- **Lots**: the requested lots, or every lot of the notice (``(None,)`` for a
  notice without lots); an unknown lot, or ``null`` on a notice that has lots, is
  refused naming ``lots.<index>``.

An unknown notice or group raises ``NotFoundError``; a cancelled or awarded
notice is refused (``app.notices.queries.NoticeClosedError``); a closed one
(deadline passed) is still assembled, for the record. The use case that runs
the assembly and explains its outcome is ``app.consortia.usecases``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consortia.fits import (
    NoticeRequirement,
    calibration_for,
    member_fits,
    notice_requirements,
)
from app.consortia.inputs import AssemblyRequest, Candidate, LotId
from app.notices.queries import answerable_notice
from app.search.embedder import Embedder
from app.search.units import member_units
from models.consortium import IntentionRole
from models.errors import InvalidInputError, NotFoundError
from models.group import Group
from models.member import Member
from models.notice import Notice
from models.schema import DraftRow, GroupRow, IntentionRow, MemberRow


@dataclass(frozen=True)
class PreparedAssembly:
    """The assembly request and what it was built from."""

    notice: Notice
    group: Group
    requirements: tuple[NoticeRequirement, ...]
    request: AssemblyRequest


def load_group(session: Session, group_id: str, *, for_update: bool = False) -> Group:
    """The group with its procedure; ``NotFoundError`` when unknown.

    ``for_update`` locks the row (``SELECT … FOR UPDATE`` on PostgreSQL) for a writer
    that numbers something per group, such as draft versions.
    """
    row = session.get(GroupRow, group_id, with_for_update=for_update)
    if row is None:
        raise NotFoundError(f"group {group_id} not found")
    return Group.model_validate(row.document)


def select_lots(notice: Notice, lots: Sequence[LotId] | None) -> tuple[LotId, ...]:
    """The lots to assemble for, validated (problems name ``lots.<index>``)."""
    known = [lot.id for lot in notice.lots]
    if lots is None:
        return tuple(known) or (None,)
    problems = []
    for index, lot in enumerate(lots):
        if lot is None and known:
            message = f"notice {notice.id} has lots ({', '.join(known)}): name them"
        elif lot is not None and lot not in known:
            has = f"its lots are {', '.join(known)}" if known else "it has no lots"
            message = f"notice {notice.id} has no lot {lot} ({has})"
        else:
            continue
        problems.append({"field": f"lots.{index}", "message": message})
    if problems:
        raise InvalidInputError(problems[0]["message"], problems)
    return tuple(dict.fromkeys(lots))


def past_mandates(session: Session, *, group_id: str, notice_id: str) -> dict[str, int]:
    """How many other notices' latest drafts of this group name each member mandataire."""
    rows = session.execute(
        select(DraftRow.notice_id, DraftRow.version, DraftRow.proposal).where(
            DraftRow.group_id == group_id, DraftRow.notice_id != notice_id
        )
    ).all()
    latest: dict[str, tuple[int, str]] = {}
    for draft_notice, version, proposal in rows:
        mandataire = proposal.get("mandataire") if isinstance(proposal, dict) else None
        if isinstance(mandataire, str) and version > latest.get(draft_notice, (0, ""))[0]:
            latest[draft_notice] = (version, mandataire)
    return dict(Counter(mandataire for _, mandataire in latest.values()))


def prepare_assembly(
    *,
    session: Session,
    notice_id: str,
    group_id: str,
    max_members: int,
    lots: Sequence[LotId] | None,
    embedder: Embedder,
    now: datetime,
) -> PreparedAssembly:
    """Everything ``assemble`` needs, from the store (see the module docstring)."""
    group = load_group(session, group_id)
    _, notice = answerable_notice(session, notice_id, now=now)
    selected = select_lots(notice, lots)
    requirements = [
        r
        for r in notice_requirements(notice, selected)
        if r.requirement.lot is None or r.requirement.lot in selected
    ]
    members = [
        Member.model_validate(row.profile)
        for row in session.scalars(select(MemberRow).order_by(MemberRow.id))
    ]
    fits = member_fits(
        requirements,
        {member.id: member_units(member) for member in members},
        embedder,
        calibration_for(embedder.name),
    )
    intentions = {
        row.member_id: row
        for row in session.scalars(select(IntentionRow).where(IntentionRow.notice_id == notice.id))
    }
    in_group = set(group.members)
    candidates = []
    for member in members:
        intention = intentions.get(member.id)
        candidates.append(
            Candidate(
                member_id=member.id,
                kind=member.kind,
                in_group=member.id in in_group,
                intention=IntentionRole(intention.role) if intention else None,
                intention_lots=tuple(intention.lots) if intention else (),
                availability_days_per_month=member.availability_days_per_month,
                fit=fits[member.id],
            )
        )
    request = AssemblyRequest(
        requirements=tuple(r.requirement for r in requirements),
        candidates=tuple(candidates),
        lots=selected,
        max_members=max_members,
        work_sharing=group.procedure.work_sharing,
        go_rule=group.procedure.go_rule,
        past_mandataire_counts=past_mandates(session, group_id=group.id, notice_id=notice.id),
    )
    return PreparedAssembly(notice, group, tuple(requirements), request)
