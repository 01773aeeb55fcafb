"""A member's digest preferences and feed URLs (the member and admins)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from app.api.deps import ContextDep, CurrentPrincipal, NowDep, SessionDep
from app.api.params import MemberIdPath
from app.auth import policy
from app.auth.policy import require
from app.digest import links
from app.digest.feed_secrets import revoke_feed_secret, rotate_feed_secret
from app.digest.preferences import (
    Preferences,
    member_recipient,
    preferences_of,
    save_preferences,
    subscription,
)
from app.members.service import get_member, member_from_row
from models.schema import DigestSubscriptionRow

router = APIRouter(prefix="/api/members/{member_id}/preferences", tags=["preferences"])


class FeedState(BaseModel):
    """Whether the member has feed URLs (their secret is shown only when created)."""

    active: bool
    created_at: datetime | None


class PreferencesPublic(Preferences):
    """A member's digest preferences, when they were last told, and their feeds."""

    last_digest_at: datetime | None
    feeds: FeedState


class FeedUrls(BaseModel):
    """The secret feed URLs, shown once: creating them again replaces them."""

    calendar: str
    atom: str


def _public(row: DigestSubscriptionRow | None, preferences: Preferences) -> PreferencesPublic:
    return PreferencesPublic(
        **preferences.model_dump(),
        last_digest_at=row.last_digest_at if row else None,
        feeds=FeedState(
            active=bool(row and row.feed_secret_hash),
            created_at=row.feed_created_at if row else None,
        ),
    )


def _member_or_404(session: SessionDep, member_id: str) -> None:
    if get_member(session=session, member_id=member_id) is None:
        raise HTTPException(status_code=404, detail=f"member {member_id} not found")


@router.get("", response_model=PreferencesPublic)
def read_preferences(
    member_id: MemberIdPath, principal: CurrentPrincipal, session: SessionDep
) -> PreferencesPublic:
    """Retrieve a member's digest preferences (defaults until they set some)."""
    require(policy.can_read_member(principal, member_id))
    row = get_member(session=session, member_id=member_id)
    if row is None:
        raise HTTPException(status_code=404, detail=f"member {member_id} not found")
    stored = subscription(session, member_recipient(member_id))
    return _public(stored, preferences_of(stored, member_from_row(row)))


@router.put("", response_model=PreferencesPublic)
def replace_preferences(
    member_id: MemberIdPath,
    preferences: Preferences,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> PreferencesPublic:
    """Set a member's frequency (daily, weekly, off), threshold and language (fr, en)."""
    require(policy.can_edit_member(principal, member_id))
    _member_or_404(session, member_id)
    save_preferences(session, member_id, preferences)
    session.commit()
    return _public(subscription(session, member_recipient(member_id)), preferences)


@router.post("/feeds", response_model=FeedUrls, status_code=201)
def create_feed_urls(
    member_id: MemberIdPath,
    principal: CurrentPrincipal,
    session: SessionDep,
    context: ContextDep,
    now: NowDep,
) -> FeedUrls:
    """Create the member's secret calendar and Atom URLs (replacing any earlier ones)."""
    require(policy.can_edit_member(principal, member_id))
    _member_or_404(session, member_id)
    settings = context.settings
    secret = rotate_feed_secret(
        session, member_id, secret_key=settings.secret_key.get_secret_value(), now=now
    )
    session.commit()
    return FeedUrls(**links.feed_urls(settings.public_url, secret))


@router.delete("/feeds", status_code=204)
def revoke_feed_urls(
    member_id: MemberIdPath, principal: CurrentPrincipal, session: SessionDep
) -> None:
    """Revoke the member's feed URLs."""
    require(policy.can_edit_member(principal, member_id))
    _member_or_404(session, member_id)
    revoke_feed_secret(session, member_id)
    session.commit()
