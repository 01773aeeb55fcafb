"""What a reader yields for each record: a parsed record, or a quarantined one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ingest.errors import MalformedRecordError
from models.notice import ParsedRecord

T = TypeVar("T")


@dataclass(frozen=True)
class Quarantined:
    """A record that could not be read: where it came from, why, and its raw content."""

    source: str
    record_ref: str
    reason: str
    raw: str


RecordResult = ParsedRecord | Quarantined


def parse_or_quarantine(
    parse: Callable[[T], ParsedRecord], item: T, *, source: str, record_ref: str, raw: str
) -> RecordResult:
    """Run one parser; a malformed record becomes a :class:`Quarantined` with its reason."""
    try:
        return parse(item)
    except MalformedRecordError as error:
        return Quarantined(source=source, record_ref=record_ref, reason=str(error), raw=raw)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        reason = f"unexpected shape: {type(error).__name__}: {error}"
        return Quarantined(source=source, record_ref=record_ref, reason=reason, raw=raw)
