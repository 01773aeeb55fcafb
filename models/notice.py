"""The normalised notice: the one shape every source is turned into.

The JSON form is fixed by the design notes ("Notice JSON"): it is the input of
``ingest-file`` for ``.jsonl`` files, the output of ``notices show --json`` and
the body of the notices API, so field names here are a public contract.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

CpvCode = Annotated[str, StringConstraints(pattern=r"^\d{8}$")]
NOTICE_ID_PATTERN = r"^[a-z][a-z0-9_-]*:[^\s\x00](?:[^\x00]*[^\s\x00])?$"
"""``<source>:<id in that source>``; no NUL anywhere (PostgreSQL refuses it in text)."""
NoticeId = Annotated[str, StringConstraints(pattern=NOTICE_ID_PATTERN, max_length=200)]


class Nature(StrEnum):
    """Nature of the contract, as the buyer classifies it."""

    services = "services"
    supplies = "supplies"
    works = "works"


class NoticeStatus(StrEnum):
    """Life-cycle state; only ``open`` notices are opportunities."""

    open = "open"
    closed = "closed"
    cancelled = "cancelled"
    awarded = "awarded"


class Buyer(BaseModel):
    """The public body that buys; ``id`` is the SIRET when the source gives one."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    id: str | None = None


class AwardCriterion(BaseModel):
    """One award criterion in the buyer's order, with its weight when published."""

    model_config = ConfigDict(extra="forbid")

    name: str
    weight: float | None = None


class Lot(BaseModel):
    """A separately awarded part of a notice."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    title: str = ""
    description: str = ""
    cpv: list[CpvCode] = Field(default_factory=list)
    deadline: AwareDatetime | None = None
    criteria: list[AwardCriterion] = Field(default_factory=list)


class Notice(BaseModel):
    """A published call for tenders, normalised.

    ``sources`` lists every source-qualified id under which the same notice was
    seen (a BOAMP JOUE notice and its TED twin become one notice).
    """

    model_config = ConfigDict(extra="ignore")

    id: NoticeId
    title: str = Field(min_length=1)
    source: str = ""
    sources: list[str] = Field(default_factory=list)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    description: str = ""
    buyer: Buyer | None = None
    cpv: list[CpvCode] = Field(default_factory=list)
    lots: list[Lot] = Field(default_factory=list)
    deadline: AwareDatetime | None = None
    published: date | None = None
    place: list[str] = Field(default_factory=list)
    nature: Nature | None = None
    status: NoticeStatus = NoticeStatus.open
    url: str | None = None
    criteria: list[AwardCriterion] = Field(default_factory=list)

    def effective_deadline(self) -> datetime | None:
        """The latest deadline among the notice and its lots: the notice is open until then."""
        candidates = [d for d in [self.deadline, *(lot.deadline for lot in self.lots)] if d]
        return max(candidates) if candidates else None


class RecordKind(StrEnum):
    """What a source record means for the store."""

    notice = "notice"  # a call for tenders (initial publication)
    corrigendum = "corrigendum"  # updates a parent notice
    cancellation = "cancellation"  # closes a parent notice
    award = "award"  # kept for buyer insights, never matchable


class ParsedRecord(BaseModel):
    """One source record after parsing: the notice it describes and how to apply it.

    ``parent_ids`` name the earlier notices a corrigendum, cancellation or award
    refers to (source-qualified ids, or aliases such as ``ted-uuid:<uuid>``);
    ``aliases`` are other ids the record is known by; ``raw`` is the record exactly as received,
    kept so the store can re-normalise without downloading again.
    """

    kind: RecordKind
    notice: Notice
    parent_ids: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    raw: str
    raw_format: str
