"""Browser sessions opened from a sign-in link (the link carries a bearer token).

Opening ``/signin/<token>`` checks the token as the API does, then stores a session
row bound to that token: only the HMAC of the cookie's secret is kept, next to a
per-session CSRF token. Every request re-reads the token row, so revoking or
expiring the token ends its sessions at once; signing out deletes the row.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.auth.principal import Principal, member_principal
from app.auth.tokens import hash_token, verify_token
from models.schema import ApiTokenRow, WebSessionRow

SESSION_DAYS = 30


@dataclass(frozen=True)
class OpenedSession:
    """A new session: ``secret`` goes into the cookie, only once."""

    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class WebUser:
    """Who a browser session stands for, with the CSRF token its forms carry."""

    principal: Principal
    csrf_token: str
    session_id: str


def open_session(
    *, session: Session, token: str, secret_key: str, now: datetime
) -> OpenedSession | None:
    """A session for a valid sign-in token; None for any invalid, expired or revoked one."""
    row = verify_token(session=session, token=token, secret_key=secret_key, now=now)
    if row is None:
        return None
    secret = secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=SESSION_DAYS)
    if row.expires_at is not None:
        expires_at = min(expires_at, row.expires_at)
    session.add(
        WebSessionRow(
            id=hash_token(secret, secret_key=secret_key),
            token_id=row.id,
            csrf_token=secrets.token_urlsafe(16),  # 128 bits; said in every form of a page
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return OpenedSession(secret=secret, expires_at=expires_at)


def _principal(session: Session, token: ApiTokenRow) -> Principal | None:
    if token.is_admin:
        return Principal(member_id=None, is_admin=True, token_id=token.id)
    if token.member_id is None:
        return None
    return member_principal(session=session, member_id=token.member_id, token_id=token.id)


def resolve_session(
    *, session: Session, secret: str, secret_key: str, now: datetime
) -> WebUser | None:
    """The user of a session cookie, or None once it, or its token, expired or was revoked."""
    session_id = hash_token(secret, secret_key=secret_key)
    row = session.get(WebSessionRow, session_id)
    if row is None or row.expires_at <= now:
        return None
    token = session.get(ApiTokenRow, row.token_id)
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    principal = _principal(session, token)
    if principal is None:
        return None
    return WebUser(principal=principal, csrf_token=row.csrf_token, session_id=session_id)


def close_session(*, session: Session, session_id: str) -> None:
    """Sign out: forget the session (idempotent)."""
    row = session.get(WebSessionRow, session_id)
    if row is not None:
        session.delete(row)
        session.flush()
