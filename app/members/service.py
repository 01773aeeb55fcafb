"""Member profiles: create, read, update, delete and export (keyword-only, one session).

The profile is stored whole as JSON (``member.profile``); ``content_hash`` is
the SHA-256 of that JSON, so the vector index re-embeds a member exactly when
``content_hash`` differs from its ``indexed_hash``. ``updated_at`` is set here,
only when the profile changes (the indexer's writes to the row do not touch it).
Services flush but never commit: the caller (``app.members.usecases``, the
importer) owns the transaction. Unknown ids raise ``NotFoundError``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.auth.tokens import member_tokens
from app.core.checks import SaveOutcome, ensure_storable, validation_fields
from app.groups.service import member_groups, remove_member_from_groups
from app.members.feedback import delete_member_feedback, feedback_document, list_feedback
from models.errors import ConflictError, InvalidInputError, NotFoundError
from models.member import Member, MemberUpdate
from models.schema import ApiTokenRow, IntentionEventRow, IntentionRow, MemberRow, utcnow


def profile_document(member: Member) -> dict[str, Any]:
    """The stored JSON of a profile."""
    return member.model_dump(mode="json")


def profile_hash(profile: dict[str, Any]) -> str:
    """SHA-256 of the profile JSON (canonical key order): the index re-embeds when it changes."""
    canonical = json.dumps(profile, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def member_from_row(row: MemberRow) -> Member:
    """The profile of a stored member."""
    return Member.model_validate(row.profile)


def get_member(*, session: Session, member_id: str) -> MemberRow | None:
    """A member's row, or None."""
    return session.get(MemberRow, member_id)


def list_members(*, session: Session, limit: int, offset: int) -> tuple[int, list[MemberRow]]:
    """Total members and one page of them, by id."""
    total = session.scalar(select(func.count()).select_from(MemberRow)) or 0
    rows = session.scalars(select(MemberRow).order_by(MemberRow.id).limit(limit).offset(offset))
    return total, list(rows)


def list_all_members(*, session: Session) -> list[MemberRow]:
    """Every member, by id (matching a notice considers them all)."""
    return list(session.scalars(select(MemberRow).order_by(MemberRow.id)))


def save_member(*, session: Session, member: Member) -> tuple[MemberRow, SaveOutcome]:
    """Create or replace a profile (the import's upsert)."""
    profile = profile_document(member)
    ensure_storable(profile)
    digest = profile_hash(profile)
    row = session.get(MemberRow, member.id)
    if row is None:
        row = MemberRow(id=member.id, name=member.name, kind=member.kind.value)
        row.profile, row.content_hash = profile, digest
        session.add(row)
        session.flush()
        return row, SaveOutcome.created
    if row.content_hash == digest:
        return row, SaveOutcome.unchanged
    row.name, row.kind = member.name, member.kind.value
    row.profile, row.content_hash = profile, digest
    row.updated_at = utcnow()
    session.flush()
    return row, SaveOutcome.updated


def create_member(*, session: Session, member: Member) -> MemberRow:
    """Create a member; ``ConflictError`` if the id is taken."""
    if session.get(MemberRow, member.id) is not None:
        raise ConflictError(f"member {member.id} already exists")
    row, _ = save_member(session=session, member=member)
    return row


def update_member(*, session: Session, member_id: str, update: MemberUpdate) -> MemberRow:
    """Apply a partial update; the merged profile is validated as a whole."""
    row = session.get(MemberRow, member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    merged = {**row.profile, **update.model_dump(mode="json", exclude_unset=True)}
    ensure_storable(merged)
    try:
        member = Member.model_validate(merged)
    except ValidationError as error:
        fields = validation_fields(error)
        raise InvalidInputError(f"{fields[0]['field']}: {fields[0]['message']}", fields) from error
    row, _ = save_member(session=session, member=member)
    return row


def delete_member(*, session: Session, member_id: str) -> None:
    """Erase a member and everything about them: tokens, intentions, their audit trail, feedback,
    groups."""
    row = session.get(MemberRow, member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    remove_member_from_groups(session=session, member_id=member_id)
    session.execute(delete(IntentionEventRow).where(IntentionEventRow.member_id == member_id))
    session.execute(delete(IntentionRow).where(IntentionRow.member_id == member_id))
    delete_member_feedback(session=session, member_id=member_id)
    session.execute(delete(ApiTokenRow).where(ApiTokenRow.member_id == member_id))
    session.delete(row)
    session.flush()


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_member(*, session: Session, member_id: str, now: datetime) -> dict[str, Any]:
    """Everything the store holds about a member, as JSON (their right of access)."""
    row = session.get(MemberRow, member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    intentions = session.scalars(
        select(IntentionRow)
        .where(IntentionRow.member_id == member_id)
        .order_by(IntentionRow.notice_id)
    )
    events = session.scalars(
        select(IntentionEventRow)
        .where(IntentionEventRow.member_id == member_id)
        .order_by(IntentionEventRow.id)
    )
    return {
        "exported_at": now.isoformat(),
        "member": {
            **row.profile,
            "created_at": _when(row.created_at),
            "updated_at": _when(row.updated_at),
        },
        "groups": member_groups(session=session, member_id=member_id),
        "intentions": [
            {
                "notice_id": item.notice_id,
                "role": item.role,
                "lots": item.lots,
                "comment": item.comment,
                "updated_at": _when(item.updated_at),
            }
            for item in intentions
        ],
        "intention_events": [
            {
                "notice_id": event.notice_id,
                "actor": event.actor,
                "before": event.before,
                "after": event.after,
                "changed_at": _when(event.changed_at),
            }
            for event in events
        ],
        "feedback": [
            feedback_document(item) for item in list_feedback(session=session, member_id=member_id)
        ],
        "tokens": [
            {
                "id": token.id,
                "created_at": _when(token.created_at),
                "expires_at": _when(token.expires_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in member_tokens(session=session, member_id=member_id)
        ],
    }
