"""Declare and list intentions; every change appends an audit event (keyword-only, one session).

A declaration is an upsert of the member's intention on the notice (the
notice a source id resolves to), and, when something changed, an
``intention_event`` with the state before and after and who made the change.
Declaring is refused for an unknown notice or member (``NotFoundError``), on lots
the notice does not have (``InvalidInputError`` naming ``lots.<index>``) and once
the notice is no longer open (``NoticeClosedError``): closed, cancelled,
awarded, or its deadline (or the lot's) has passed. The use cases (access
rules, commit) are ``app.intentions.usecases``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.checks import ensure_storable
from app.notices.queries import NoticeClosedError, get_notice, served_notice
from models.consortium import IntentionRole
from models.errors import InvalidInputError, NotFoundError
from models.notice import NoticeStatus
from models.schema import IntentionEventRow, IntentionRow, MemberRow

LotId = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class IntentionIn(BaseModel):
    """A declaration: the stance, the lots it is about (none: the whole notice), a comment."""

    model_config = ConfigDict(extra="forbid")

    role: IntentionRole
    lots: list[LotId] = Field(default_factory=list, max_length=200)
    comment: str = Field(default="", max_length=2000)


def intention_state(row: IntentionRow) -> dict[str, Any]:
    """What the audit trail records of an intention."""
    return {"role": row.role, "lots": list(row.lots), "comment": row.comment}


def declare(
    *,
    session: Session,
    notice_id: str,
    member_id: str,
    intention: IntentionIn,
    actor: str,
    now: datetime,
) -> tuple[IntentionRow, bool]:
    """Upsert a member's intention; True when it changed (and an event was appended)."""
    ensure_storable(intention.model_dump(mode="json"))
    if session.get(MemberRow, member_id) is None:
        raise NotFoundError(f"member {member_id} not found")
    notice_row, notice = served_notice(session, notice_id, now=now)
    if notice.status != NoticeStatus.open:
        raise NoticeClosedError(
            f"notice {notice.id} is {notice.status.value}: intentions are frozen"
        )
    lots = {lot.id: lot for lot in notice.lots}
    wanted = list(dict.fromkeys(intention.lots))
    unknown = [lot for lot in wanted if lot not in lots]
    if unknown:
        fields = [
            {"field": f"lots.{intention.lots.index(lot)}", "message": f"notice has no lot {lot}"}
            for lot in unknown
        ]
        raise InvalidInputError(f"unknown lot(s) of {notice.id}: {', '.join(unknown)}", fields)
    closed = [lot for lot in wanted if (due := lots[lot].deadline) is not None and due < now]
    if closed:
        raise NoticeClosedError(f"the deadline of lot(s) {', '.join(closed)} has passed")
    row = session.get(IntentionRow, (notice_row.id, member_id))
    before = intention_state(row) if row is not None else None
    after: dict[str, Any] = {
        "role": intention.role.value,
        "lots": wanted,
        "comment": intention.comment,
    }
    if before == after and row is not None:
        return row, False
    if row is None:
        row = IntentionRow(notice_id=notice_row.id, member_id=member_id)
        session.add(row)
    row.role, row.lots, row.comment = intention.role.value, wanted, intention.comment
    row.updated_at = now
    session.add(
        IntentionEventRow(
            notice_id=notice_row.id,
            member_id=member_id,
            actor=actor,
            before=before,
            after=after,
            changed_at=now,
        )
    )
    session.flush()
    return row, True


def notice_intentions(
    *, session: Session, notice_id: str, only: frozenset[str] | None
) -> list[IntentionRow] | None:
    """Intentions on a notice (None if the notice is unknown); ``only`` limits to those members."""
    notice_row = get_notice(session, notice_id)
    if notice_row is None:
        return None
    query = select(IntentionRow).where(IntentionRow.notice_id == notice_row.id)
    if only is not None:
        query = query.where(IntentionRow.member_id.in_(sorted(only)))
    return list(session.scalars(query.order_by(IntentionRow.member_id)))


def member_intentions(*, session: Session, member_id: str) -> list[IntentionRow] | None:
    """A member's intentions, latest first (None if the member is unknown)."""
    if session.get(MemberRow, member_id) is None:
        return None
    query = select(IntentionRow).where(IntentionRow.member_id == member_id)
    return list(
        session.scalars(query.order_by(IntentionRow.updated_at.desc(), IntentionRow.notice_id))
    )


def intention_events(
    *, session: Session, notice_id: str, member_id: str
) -> list[IntentionEventRow] | None:
    """One member's audit trail on a notice, oldest first (None: unknown notice or member)."""
    notice_row = get_notice(session, notice_id)
    if notice_row is None or session.get(MemberRow, member_id) is None:
        return None
    query = select(IntentionEventRow).where(
        IntentionEventRow.notice_id == notice_row.id, IntentionEventRow.member_id == member_id
    )
    return list(session.scalars(query.order_by(IntentionEventRow.id)))
