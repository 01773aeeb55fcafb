"""Bearer tokens: ``ctd_<id>_<secret>``, shown once, stored as an HMAC only.

The id (16 hex digits) is the row's key, so a token is found without scanning;
the whole token is then checked against its stored HMAC-SHA256 (keyed with
``COTENDER_SECRET_KEY``) with :func:`hmac.compare_digest`, in constant time.
A token expires (90 days unless asked otherwise) and can be revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import InvalidInputError
from models.schema import ApiTokenRow, MemberRow

TOKEN_PREFIX = "ctd"
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
TOKEN_ID_PATTERN = r"^[0-9a-f]{16}$"
_TOKEN = re.compile(r"^ctd_([0-9a-f]{16})_([A-Za-z0-9_-]{32,64})$")
# Compared against when the token id is unknown, so both paths cost the same.
_DUMMY_HASH = "0" * 64


class TokenOwnerError(InvalidInputError):
    """Raised when a token is asked for a member that does not exist, or for nobody.

    The field at fault is ``member_id`` when one was given, else the request itself.
    """

    def __init__(self, message: str, *, member_id: str | None) -> None:
        field = "member_id" if member_id else ""
        super().__init__(message, [{"field": field, "message": message}])


@dataclass(frozen=True)
class IssuedToken:
    """A new token: ``token`` is the only time the secret is available."""

    id: str
    token: str
    member_id: str | None
    is_admin: bool
    expires_at: datetime


def hash_token(token: str, *, secret_key: str) -> str:
    """The stored form of a token: HMAC-SHA256 keyed with the deployment's secret."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def create_token(
    *,
    session: Session,
    secret_key: str,
    now: datetime,
    member_id: str | None = None,
    is_admin: bool = False,
    days: int = DEFAULT_TOKEN_DAYS,
) -> IssuedToken:
    """Issue a token for one member or for an admin (exactly one of the two)."""
    if is_admin == (member_id is not None):
        raise TokenOwnerError(
            "a token is either for one member or for an admin", member_id=member_id
        )
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise TokenOwnerError(f"days must be between 1 and {MAX_TOKEN_DAYS}", member_id=None)
    if member_id is not None and session.get(MemberRow, member_id) is None:
        raise TokenOwnerError(f"unknown member: {member_id}", member_id=member_id)
    token_id = secrets.token_hex(8)
    token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
    expires_at = now + timedelta(days=days)
    session.add(
        ApiTokenRow(
            id=token_id,
            token_hash=hash_token(token, secret_key=secret_key),
            member_id=member_id,
            is_admin=is_admin,
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return IssuedToken(token_id, token, member_id, is_admin, expires_at)


def signin_path(token: str) -> str:
    """The web sign-in link's path for a token (opening it starts a browser session)."""
    return f"/signin/{token}"


def signin_url(public_url: str, token: str) -> str:
    """The full sign-in link, on the deployment's public address."""
    return public_url.rstrip("/") + signin_path(token)


def verify_token(
    *, session: Session, token: str, secret_key: str, now: datetime
) -> ApiTokenRow | None:
    """The token's row if it is well formed, known, matches, unexpired and not revoked."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    row = session.get(ApiTokenRow, match.group(1))
    expected = row.token_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(expected, hash_token(token, secret_key=secret_key))
    if row is None or not matches or row.revoked_at is not None:
        return None
    if row.expires_at is not None and row.expires_at <= now:
        return None
    return row


def get_token(*, session: Session, token_id: str) -> ApiTokenRow | None:
    """A token's row by id (never its secret)."""
    return session.get(ApiTokenRow, token_id) if re.fullmatch(TOKEN_ID_PATTERN, token_id) else None


def revoke_token(*, session: Session, token_id: str, now: datetime) -> ApiTokenRow | None:
    """Revoke a token (idempotent); None when there is no such token."""
    row = get_token(session=session, token_id=token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.flush()
    return row


def member_tokens(*, session: Session, member_id: str) -> list[ApiTokenRow]:
    """A member's tokens, oldest first (for their data export)."""
    query = select(ApiTokenRow).where(ApiTokenRow.member_id == member_id)
    return list(session.scalars(query.order_by(ApiTokenRow.created_at, ApiTokenRow.id)))
