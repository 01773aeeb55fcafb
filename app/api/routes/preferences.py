"""A member's digest preferences and feed URLs (the member and admins)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from app.api.deps import ContextDep, CurrentPrincipal, NowDep, SessionDep
from app.api.params import MemberIdPath
from app.digest import usecases
from app.digest.preferences import Preferences
from app.digest.usecases import DigestSettings

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


def _public(found: DigestSettings) -> PreferencesPublic:
    row = found.stored
    return PreferencesPublic(
        **found.preferences.model_dump(),
        last_digest_at=row.last_digest_at if row else None,
        feeds=FeedState(
            active=bool(row and row.feed_secret_hash),
            created_at=row.feed_created_at if row else None,
        ),
    )


@router.get("", response_model=PreferencesPublic)
def read_preferences(
    member_id: MemberIdPath, principal: CurrentPrincipal, session: SessionDep
) -> PreferencesPublic:
    """Retrieve a member's digest preferences (defaults until they set some)."""
    return _public(
        usecases.read_preferences(session=session, principal=principal, member_id=member_id)
    )


@router.put("", response_model=PreferencesPublic)
def replace_preferences(
    member_id: MemberIdPath,
    preferences: Preferences,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> PreferencesPublic:
    """Set a member's frequency (daily, weekly, off), threshold and language (fr, en)."""
    saved = usecases.replace_preferences(
        session=session, principal=principal, member_id=member_id, preferences=preferences
    )
    return _public(saved)


@router.post("/feeds", response_model=FeedUrls, status_code=201)
def create_feed_urls(
    member_id: MemberIdPath,
    principal: CurrentPrincipal,
    session: SessionDep,
    context: ContextDep,
    now: NowDep,
) -> FeedUrls:
    """Create the member's secret calendar and Atom URLs (replacing any earlier ones)."""
    settings = context.settings
    urls = usecases.create_feed_urls(
        session=session,
        principal=principal,
        member_id=member_id,
        secret_key=settings.secret_key.get_secret_value(),
        public_url=settings.public_url,
        now=now,
    )
    return FeedUrls(**urls)


@router.delete("/feeds", status_code=204)
def revoke_feed_urls(
    member_id: MemberIdPath, principal: CurrentPrincipal, session: SessionDep
) -> None:
    """Revoke the member's feed URLs."""
    usecases.revoke_feed_urls(session=session, principal=principal, member_id=member_id)
