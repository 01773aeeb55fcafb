"""What a digest says, before it is written in words: plain data, built by ``gather``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.digest.changes import Snapshot
from app.digest.labels import Labels
from app.matching.scoring import Match
from models.vocabulary.cpv import cpv_labels

WHY_CHARS = 110


@dataclass(frozen=True)
class NoticeLine:
    """A notice as a digest names it."""

    notice_id: str
    title: str
    url: str
    deadline: datetime | None
    value: str | None = None


@dataclass(frozen=True)
class NewNotice:
    """A new notice that fits: how well, which lot, and one line of why."""

    notice: NoticeLine
    score: float
    lot: str | None
    why: str


@dataclass(frozen=True)
class ClosingNotice:
    """A notice the member works on that closes within 7 days."""

    notice: NoticeLine
    role: str


@dataclass(frozen=True)
class ChangedNotice:
    """A notice the member works on and what changed since they were last told."""

    notice: NoticeLine
    changes: list[str]


@dataclass(frozen=True)
class StepReminder:
    """A procedure step that falls to the member soon."""

    notice: NoticeLine
    title: str
    due: date


@dataclass
class MemberDigest:
    """One member's digest, and what telling it records (items told once, snapshots)."""

    recipient: str
    to_address: str | None
    name: str
    labels: Labels
    new: list[NewNotice] = field(default_factory=list)
    more: int = 0
    closing: list[ClosingNotice] = field(default_factory=list)
    changes: list[ChangedNotice] = field(default_factory=list)
    steps: list[StepReminder] = field(default_factory=list)
    items: dict[str, float] = field(default_factory=dict)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Nothing new to tell: no e-mail is sent."""
        return not (self.new or self.more or self.closing or self.changes or self.steps)

    @property
    def notice_ids(self) -> list[str]:
        """Every notice the digest names."""
        lines: list[NewNotice | ClosingNotice | ChangedNotice | StepReminder] = [
            *self.new,
            *self.closing,
            *self.changes,
            *self.steps,
        ]
        return list(dict.fromkeys(line.notice.notice_id for line in lines))


@dataclass(frozen=True)
class GroupNotice:
    """A new notice for a group: who fits which lot, and the intentions declared so far."""

    notice: NoticeLine
    fits: list[tuple[str, list[str]]]  # (lot label, member names), best member first
    intentions: list[tuple[str, str]]  # (member name, role label)


@dataclass
class GroupDigest:
    """A group's weekly digest to its mailing list."""

    recipient: str
    to_address: str | None
    group_id: str
    name: str
    labels: Labels
    notices: list[GroupNotice] = field(default_factory=list)
    items: dict[str, float] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """No new notice fits the group this week: no e-mail."""
        return not self.notices

    @property
    def notice_ids(self) -> list[str]:
        """Every notice the digest names."""
        return [n.notice.notice_id for n in self.notices]


def _clip(text: str, limit: int = WHY_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def why_line(match: Match, labels: Labels) -> str:
    """One line of why: the best passage and the expertise it met, else the CPV overlap."""
    if match.reasons.passages:
        best = match.reasons.passages[0]
        return labels.why.format(passage=_clip(best.passage.text), expertise=_clip(best.unit.text))
    if match.reasons.cpv:
        code = match.reasons.cpv[0].notice_code
        label = cpv_labels().get(code)
        name = (label.fr if labels.language == "fr" else label.en) if label else code
        return labels.why_cpv.format(code=code, label=name)
    return ""


def format_value(raw: Any, language: str) -> str | None:
    """A notice's estimated value as written in the digest (None when it has none).

    Accepts a number or ``{"amount", "currency"}`` (the shape ingestion gives it).
    """
    if isinstance(raw, dict):
        amount, currency = raw.get("amount"), raw.get("currency") or "EUR"
    else:
        amount, currency = raw, "EUR"
    if not isinstance(amount, int | float) or isinstance(amount, bool):
        return None
    text = f"{amount:,.0f}"
    text = text.replace(",", "\u202f") if language == "fr" else text
    return f"{text} {currency}"
