"""Use cases of bearer tokens: admins issue them; admins and their owners revoke them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.auth import policy, tokens
from app.auth.principal import Principal
from app.auth.tokens import DEFAULT_TOKEN_DAYS, IssuedToken
from models.errors import NotFoundError
from models.schema import ApiTokenRow


def issue_token(
    *,
    session: Session,
    principal: Principal,
    secret_key: str,
    now: datetime,
    member_id: str | None = None,
    is_admin: bool = False,
    days: int = DEFAULT_TOKEN_DAYS,
) -> IssuedToken:
    """Issue and store (commit) a token for one member or an admin (admins).

    ``TokenOwnerError`` (an ``InvalidInputError``) for an unknown member or no owner.
    """
    policy.require(principal.is_admin)
    issued = tokens.create_token(
        session=session,
        secret_key=secret_key,
        now=now,
        member_id=member_id,
        is_admin=is_admin,
        days=days,
    )
    session.commit()
    return issued


def revoke_token(
    *, session: Session, principal: Principal, token_id: str, now: datetime
) -> ApiTokenRow:
    """Revoke a token, idempotently (admins, or its owner); ``NotFoundError`` when unknown.

    A member asking about a token that is not theirs, or unknown, is refused
    alike, so token ids reveal nothing.
    """
    if not principal.is_admin:
        row = tokens.get_token(session=session, token_id=token_id)
        policy.require(row is not None and policy.can_revoke_token(principal, row.member_id))
    revoked = tokens.revoke_token(session=session, token_id=token_id, now=now)
    if revoked is None:
        raise NotFoundError(f"token {token_id} not found")
    session.commit()
    return revoked
