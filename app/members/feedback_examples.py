"""What a member says of notices, as re-ranking reads it: verdicts and examples."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.consortium import IntentionRole


class Verdict(StrEnum):
    """What a member says of a proposed notice."""

    relevant = "relevant"
    not_relevant = "not_relevant"


POSITIVE_ROLES = frozenset(
    {IntentionRole.interested, IntentionRole.contributor, IntentionRole.lead}
)
"""Intentions that say "more like this"; ``declined`` says the opposite."""


@dataclass(frozen=True)
class Example:
    """A notice the member judged: ``positive`` or not, and why (a verdict or an intention role)."""

    notice_id: str
    positive: bool
    cause: str
