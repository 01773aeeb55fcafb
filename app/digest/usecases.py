"""Use cases of a member's digest settings: preferences, feed URLs, unsubscribe, feed owner.

The API routes and the CLI commands call these and only translate input and
output. Each checks the access rule first (a refusal never reveals whether the
member exists: ``ForbiddenError``), then raises ``NotFoundError`` for an unknown
member, link or feed; each that writes commits its one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.principal import Principal
from app.digest import links
from app.digest.feed_secrets import feed_member, revoke_feed_secret, rotate_feed_secret
from app.digest.preferences import (
    Preferences,
    member_recipient,
    preferences_of,
    save_preferences,
    subscription,
    unsubscribe,
)
from app.members.service import get_member, member_from_row
from models.errors import NotFoundError
from models.member import Member
from models.schema import DigestSubscriptionRow, GroupRow, MemberRow


@dataclass(frozen=True)
class DigestSettings:
    """A member's preferences (defaults until they set some) and their stored subscription."""

    preferences: Preferences
    stored: DigestSubscriptionRow | None


def _member(session: Session, member_id: str) -> Member:
    row = get_member(session=session, member_id=member_id)
    if row is None:
        raise NotFoundError(f"member {member_id} not found")
    return member_from_row(row)


def read_preferences(*, session: Session, principal: Principal, member_id: str) -> DigestSettings:
    """A member's digest preferences (the member and admins)."""
    policy.require(policy.can_read_member(principal, member_id))
    member = _member(session, member_id)
    stored = subscription(session, member_recipient(member_id))
    return DigestSettings(preferences_of(stored, member), stored)


def replace_preferences(
    *, session: Session, principal: Principal, member_id: str, preferences: Preferences
) -> DigestSettings:
    """Set a member's frequency, threshold and language (the member and admins)."""
    policy.require(policy.can_edit_member(principal, member_id))
    _member(session, member_id)
    save_preferences(session, member_id, preferences)
    session.commit()
    return DigestSettings(preferences, subscription(session, member_recipient(member_id)))


def create_feed_urls(
    *,
    session: Session,
    principal: Principal,
    member_id: str,
    secret_key: str,
    public_url: str,
    now: datetime,
) -> dict[str, str]:
    """The member's new secret calendar and Atom URLs, replacing earlier ones (shown once)."""
    policy.require(policy.can_edit_member(principal, member_id))
    _member(session, member_id)
    secret = rotate_feed_secret(session, member_id, secret_key=secret_key, now=now)
    session.commit()
    return links.feed_urls(public_url, secret)


def revoke_feed_urls(*, session: Session, principal: Principal, member_id: str) -> bool:
    """Stop the member's feed URLs; False when they had none."""
    policy.require(policy.can_edit_member(principal, member_id))
    _member(session, member_id)
    done = revoke_feed_secret(session, member_id)
    session.commit()
    return done


def link_recipient(*, secret_key: str, token: str) -> str:
    """The recipient an unsubscribe link was signed for; ``NotFoundError`` when forged."""
    recipient = links.read_unsubscribe_token(secret_key, token)
    if recipient is None:
        raise NotFoundError("unknown unsubscribe link")
    return recipient


def recipient_language(session: Session, recipient: str) -> str:
    """The language a recipient is written to (a group's list, and anyone unknown: French)."""
    kind, _, key = recipient.partition(":")
    row = get_member(session=session, member_id=key) if kind == "member" else None
    if row is None:
        return "fr"
    return preferences_of(subscription(session, recipient), member_from_row(row)).language


def unsubscribe_by_link(*, session: Session, secret_key: str, token: str) -> str:
    """Turn off the digests of the link's recipient (idempotent); their language.

    ``NotFoundError`` for a forged link, and for a signed one whose member or group
    was deleted since.
    """
    recipient = link_recipient(secret_key=secret_key, token=token)
    kind, _, key = recipient.partition(":")
    if session.get(MemberRow if kind == "member" else GroupRow, key) is None:
        raise NotFoundError("unknown unsubscribe link")
    unsubscribe(session, recipient)
    session.commit()
    return recipient_language(session, recipient)


def feed_owner(*, session: Session, secret_key: str, secret: str) -> Member:
    """The member a feed URL belongs to; ``NotFoundError`` when unknown or revoked."""
    member_id = feed_member(session, secret, secret_key=secret_key)
    row = get_member(session=session, member_id=member_id) if member_id else None
    if row is None:
        raise NotFoundError("unknown or revoked feed")
    return member_from_row(row)
