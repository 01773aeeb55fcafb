"""Who is calling: resolved once per request from the bearer token.

A member's role comes from their record and groups, never from the token:
leading a group is read from ``group_membership.is_lead`` at each request, so
a change of leads applies at once to existing tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.tokens import verify_token
from models.schema import GroupMembershipRow


@dataclass(frozen=True)
class Principal:
    """The caller: a member (maybe leading groups) or an admin."""

    member_id: str | None
    is_admin: bool
    lead_of_groups: frozenset[str] = field(default_factory=frozenset)
    groups: frozenset[str] = field(default_factory=frozenset)
    token_id: str | None = None
    operator: str | None = None

    @property
    def actor(self) -> str:
        """How the audit trail names the caller: ``member:<id>``, ``admin:<token id>`` or the
        operator's name (``cli``)."""
        if self.operator is not None:
            return self.operator
        if self.member_id is not None:
            return f"member:{self.member_id}"
        return f"admin:{self.token_id or '-'}"


CLI_OPERATOR = Principal(member_id=None, is_admin=True, operator="cli")
"""Whoever runs ``cotender`` on the server: they hold the store, so they act as an admin."""


def member_principal(*, session: Session, member_id: str, token_id: str | None = None) -> Principal:
    """A member's principal, with the groups they belong to and lead."""
    rows = session.execute(
        select(GroupMembershipRow.group_id, GroupMembershipRow.is_lead).where(
            GroupMembershipRow.member_id == member_id
        )
    ).all()
    return Principal(
        member_id=member_id,
        is_admin=False,
        lead_of_groups=frozenset(group for group, lead in rows if lead),
        groups=frozenset(group for group, _ in rows),
        token_id=token_id,
    )


def resolve_principal(
    *, session: Session, token: str, secret_key: str, now: datetime
) -> Principal | None:
    """The principal a valid token stands for; None for any invalid token."""
    row = verify_token(session=session, token=token, secret_key=secret_key, now=now)
    if row is None:
        return None
    if row.is_admin:
        return Principal(member_id=None, is_admin=True, token_id=row.id)
    if row.member_id is None:
        return None
    return member_principal(session=session, member_id=row.member_id, token_id=row.id)
