"""What a reader yields for each record: a parsed record, a quarantined one, or a skipped one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ingest.errors import MalformedRecordError, NotProcurementError, ReasonCode
from models.notice import ParsedRecord

T = TypeVar("T")


@dataclass(frozen=True)
class Quarantined:
    """A record that could not be read: where it came from, why, and its raw content.

    ``reason`` is the English text (logs, CLI, API); ``code`` and ``params`` say the
    same reason as data, for a page in the reader's language.
    """

    source: str
    record_ref: str
    reason: str
    raw: str
    code: ReasonCode | None = None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A readable record that is no procurement notice: counted as skipped, with its kind."""

    source: str
    record_ref: str
    kind: str
    reason: str


RecordResult = ParsedRecord | Quarantined | Skipped


def parse_or_quarantine(
    parse: Callable[[T], ParsedRecord], item: T, *, source: str, record_ref: str, raw: str
) -> RecordResult:
    """Run one parser; a malformed record becomes a :class:`Quarantined` with its reason."""
    try:
        return parse(item)
    except NotProcurementError as error:
        return Skipped(source=source, record_ref=record_ref, kind=error.kind, reason=str(error))
    except MalformedRecordError as error:
        return Quarantined(
            source=source,
            record_ref=record_ref,
            reason=str(error),
            raw=raw,
            code=error.code,
            params=error.params,
        )
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        problem = f"{type(error).__name__}: {error}"
        reason = f"the record has a shape this reader does not expect ({problem})"
        return Quarantined(
            source=source,
            record_ref=record_ref,
            reason=reason,
            raw=raw,
            code=ReasonCode.unexpected_shape,
            params={"detail": problem},
        )
