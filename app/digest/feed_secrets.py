"""A member's feed secret: created or rotated (old URLs stop working), revoked, resolved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.digest import links
from app.digest.preferences import Frequency, ensure_subscription, member_recipient
from models.schema import DigestSubscriptionRow


def rotate_feed_secret(session: Session, member_id: str, *, secret_key: str, now: datetime) -> str:
    """A new secret for the member's feeds (the caller commits); shown once, stored hashed."""
    row = ensure_subscription(session, member_recipient(member_id), frequency=Frequency.daily)
    secret = links.new_feed_secret()
    row.feed_secret_hash = links.feed_secret_hash(secret_key, secret)
    row.feed_created_at = now
    session.flush()
    return secret


def revoke_feed_secret(session: Session, member_id: str) -> bool:
    """Stop the member's feed URLs; True when there was one."""
    row = session.get(DigestSubscriptionRow, member_recipient(member_id))
    if row is None or row.feed_secret_hash is None:
        return False
    row.feed_secret_hash, row.feed_created_at = None, None
    session.flush()
    return True


def feed_member(session: Session, secret: str, *, secret_key: str) -> str | None:
    """The member whose feed secret this is, or None (unknown or revoked)."""
    digest = links.feed_secret_hash(secret_key, secret)
    return session.scalar(
        select(DigestSubscriptionRow.member_id).where(
            DigestSubscriptionRow.feed_secret_hash == digest
        )
    )
