"""How and when a recipient is told: frequency, score threshold, language.

Stored in ``digest_subscription``, not in the member's profile: the profile is
replaced whole by ``members import`` and its hash decides re-embedding, while
these are delivery settings and state (last digest, feed secret) that an import
must neither reset nor turn into a re-embedding. A member without a row gets the
defaults below; a group's list is told weekly.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from app.matching.strength import POSSIBLE_FLOOR
from models.member import Member
from models.schema import DigestSubscriptionRow

DEFAULT_THRESHOLD = POSSIBLE_FLOOR
"""Match score a notice must reach to be told: "possible" matches and better. On the judged
devset about half the notices scoring 8 to 10 are relevant, and about a quarter below
(``app.matching.strength``)."""
LANGUAGES = ("fr", "en")
SLACK = timedelta(hours=2)
"""A digest is due a little before the full period: cron start times drift."""


class Frequency(StrEnum):
    """How often a recipient gets a digest."""

    daily = "daily"
    weekly = "weekly"
    off = "off"


PERIODS = {Frequency.daily: timedelta(days=1), Frequency.weekly: timedelta(days=7)}


class Preferences(BaseModel):
    """A member's digest preferences (the body of ``PUT /api/members/{id}/preferences``)."""

    model_config = ConfigDict(extra="forbid")

    frequency: Frequency = Frequency.daily
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=-10, le=100)
    language: str = Field(default="fr", pattern=r"^(fr|en)$")


def member_recipient(member_id: str) -> str:
    """The recipient key of a member."""
    return f"member:{member_id}"


def group_recipient(group_id: str) -> str:
    """The recipient key of a group's mailing list."""
    return f"group:{group_id}"


def default_language(member: Member) -> str:
    """The member's first declared language we write in, else French."""
    return next((lang for lang in member.languages if lang in LANGUAGES), "fr")


def preferences_of(row: DigestSubscriptionRow | None, member: Member) -> Preferences:
    """The stored preferences, or the defaults for this member."""
    if row is None:
        return Preferences(language=default_language(member))
    return Preferences(
        frequency=Frequency(row.frequency),
        threshold=row.threshold if row.threshold is not None else DEFAULT_THRESHOLD,
        language=row.language or default_language(member),
    )


def subscription(session: Session, recipient: str) -> DigestSubscriptionRow | None:
    """The stored subscription of a recipient, if any."""
    return session.get(DigestSubscriptionRow, recipient)


def ensure_subscription(
    session: Session, recipient: str, *, frequency: Frequency
) -> DigestSubscriptionRow:
    """The recipient's row, created with ``frequency`` when missing (flushed)."""
    row = session.get(DigestSubscriptionRow, recipient)
    if row is None:
        kind, _, key = recipient.partition(":")
        row = DigestSubscriptionRow(
            recipient=recipient,
            member_id=key if kind == "member" else None,
            group_id=key if kind == "group" else None,
            frequency=frequency.value,
        )
        session.add(row)
        session.flush()
    return row


def save_preferences(session: Session, member_id: str, preferences: Preferences) -> None:
    """Store a member's preferences (the caller commits)."""
    row = ensure_subscription(session, member_recipient(member_id), frequency=preferences.frequency)
    row.frequency = preferences.frequency.value
    row.threshold = preferences.threshold
    row.language = preferences.language
    session.flush()


def unsubscribe(session: Session, recipient: str) -> None:
    """Turn a recipient's digests off (the caller commits); idempotent."""
    default = Frequency.weekly if recipient.startswith("group:") else Frequency.daily
    row = ensure_subscription(session, recipient, frequency=default)
    row.frequency = Frequency.off.value
    session.flush()


def is_due(frequency: Frequency, last_digest_at: datetime | None, now: datetime) -> bool:
    """Whether a digest is due: never sent, or a period (less some slack) has passed."""
    if frequency is Frequency.off:
        return False
    if last_digest_at is None:
        return True
    return now - last_digest_at >= PERIODS[frequency] - SLACK
