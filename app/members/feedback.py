"""Store a member's verdicts on notices and gather every example rankings learn from.

A verdict is an upsert on (member, notice), the notice being the one any of its
source ids resolves to. Declared intentions are feedback too (``declined``
negative; ``interested``, ``contributor``, ``lead`` positive); an explicit
verdict on the same notice wins, being the member's own word on the match.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.members.feedback_examples import POSITIVE_ROLES, Example, Verdict
from app.notices.queries import resolve_notice_id
from models.consortium import IntentionRole
from models.errors import NotFoundError
from models.schema import IntentionRow, MemberFeedbackRow, MemberRow


def _resolve(session: Session, member_id: str, notice_id: str) -> str:
    if session.get(MemberRow, member_id) is None:
        raise NotFoundError(f"member {member_id} not found")
    resolved = resolve_notice_id(session, notice_id)
    if resolved is None:
        raise NotFoundError(f"notice {notice_id} not found")
    return resolved


def set_feedback(
    *, session: Session, member_id: str, notice_id: str, verdict: Verdict, now: datetime
) -> MemberFeedbackRow:
    """Record (or change) the member's verdict on a notice; NotFoundError when either is unknown."""
    resolved = _resolve(session, member_id, notice_id)
    row = session.get(MemberFeedbackRow, (member_id, resolved))
    if row is None:
        row = MemberFeedbackRow(member_id=member_id, notice_id=resolved)
        session.add(row)
    row.verdict = verdict.value
    row.updated_at = now
    session.flush()
    return row


def withdraw_feedback(*, session: Session, member_id: str, notice_id: str) -> None:
    """Forget the member's verdict on a notice; NotFoundError when there is none."""
    resolved = _resolve(session, member_id, notice_id)
    row = session.get(MemberFeedbackRow, (member_id, resolved))
    if row is None:
        raise NotFoundError(f"member {member_id} gave no feedback on notice {notice_id}")
    session.delete(row)
    session.flush()


def list_feedback(*, session: Session, member_id: str) -> list[MemberFeedbackRow]:
    """The member's verdicts, latest first; NotFoundError for an unknown member."""
    if session.get(MemberRow, member_id) is None:
        raise NotFoundError(f"member {member_id} not found")
    return list(
        session.scalars(
            select(MemberFeedbackRow)
            .where(MemberFeedbackRow.member_id == member_id)
            .order_by(MemberFeedbackRow.updated_at.desc(), MemberFeedbackRow.notice_id)
        )
    )


def feedback_document(row: MemberFeedbackRow) -> dict[str, Any]:
    """A verdict as JSON (the API's, the CLI's and the member export's form)."""
    return {
        "notice_id": row.notice_id,
        "verdict": row.verdict,
        "updated_at": row.updated_at.isoformat(),
    }


def delete_member_feedback(*, session: Session, member_id: str) -> None:
    """Erase every verdict of a member (with the member)."""
    session.execute(delete(MemberFeedbackRow).where(MemberFeedbackRow.member_id == member_id))


def member_examples(*, session: Session, member_id: str) -> list[Example]:
    """Every notice the member judged: explicit verdicts, then intentions not overridden."""
    examples = {
        row.notice_id: Example(
            row.notice_id, positive=row.verdict == Verdict.relevant, cause=row.verdict
        )
        for row in session.scalars(
            select(MemberFeedbackRow).where(MemberFeedbackRow.member_id == member_id)
        )
    }
    for intention in session.scalars(
        select(IntentionRow).where(IntentionRow.member_id == member_id)
    ):
        if intention.notice_id not in examples:
            role = IntentionRole(intention.role)
            examples[intention.notice_id] = Example(
                intention.notice_id, positive=role in POSITIVE_ROLES, cause=role.value
            )
    return sorted(examples.values(), key=lambda example: example.notice_id)
