"""The normalised notice: the one shape every source is turned into.

The JSON form is fixed by the design notes ("Notice JSON"): it is the input of
``ingest-file`` for ``.jsonl`` files, the output of ``notices show --json`` and
the body of the notices API, so field names here are a public contract.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

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
    """Life-cycle state; only ``open`` notices are opportunities.

    ``planned`` is a prior information notice that calls for no competition: an
    early warning that a call is announced, never an open call.
    """

    open = "open"
    planned = "planned"
    closed = "closed"
    cancelled = "cancelled"
    awarded = "awarded"


class Buyer(BaseModel):
    """The public body that buys; ``id`` is the SIRET when the source gives one."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    id: str | None = None


class DeadlineKind(StrEnum):
    """What a deadline is for, in the order a procedure meets them."""

    expressions_of_interest = "expressions_of_interest"  # eForms BT-630 (PIN calls, CEI)
    requests_to_participate = "requests_to_participate"  # eForms BT-1311 (restricted procedures)
    tenders = "tenders"  # eForms BT-131


class Deadline(BaseModel):
    """One dated step of a procedure."""

    model_config = ConfigDict(extra="forbid")

    kind: DeadlineKind
    at: AwareDatetime


class Money(BaseModel):
    """An amount as published (eForms BT-27 estimated value, BOAMP ``valeurEstimee``)."""

    model_config = ConfigDict(extra="forbid")

    amount: float = Field(ge=0)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")


def gating_deadline(deadlines: list[Deadline]) -> Deadline | None:
    """The deadline of a member's next action: the earliest step the procedure names.

    Expressing interest comes before requesting to participate, which comes before
    tendering; a member who misses the first step cannot take the later ones.
    Within one kind the latest date counts (lots may close at different times).
    """
    for kind in DeadlineKind:
        dates = [d.at for d in deadlines if d.kind is kind]
        if dates:
            return Deadline(kind=kind, at=max(dates))
    return None


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
    deadline_kind: DeadlineKind | None = None
    criteria: list[AwardCriterion] = Field(default_factory=list)
    value: Money | None = None


class Notice(BaseModel):
    """A published call for tenders, normalised.

    ``sources`` lists every source-qualified id under which the same notice was
    seen (a BOAMP JOUE notice and its TED twin become one notice).
    ``deadline`` is the deadline that gates a member's next action and
    ``deadline_kind`` says which one it is; ``deadlines`` keeps every dated step.
    ``buyer`` is the lead buyer; ``buyers`` lists every buyer of a joint procurement.
    """

    model_config = ConfigDict(extra="ignore")

    id: NoticeId
    title: str = Field(min_length=1)
    source: str = ""
    sources: list[str] = Field(default_factory=list)
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    description: str = ""
    buyer: Buyer | None = None
    buyers: list[Buyer] = Field(default_factory=list)
    cpv: list[CpvCode] = Field(default_factory=list)
    lots: list[Lot] = Field(default_factory=list)
    deadline: AwareDatetime | None = None
    deadline_kind: DeadlineKind | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    value: Money | None = None
    published: date | None = None
    place: list[str] = Field(default_factory=list)
    nature: Nature | None = None
    status: NoticeStatus = NoticeStatus.open
    url: str | None = None
    criteria: list[AwardCriterion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _lead_buyer_among_buyers(self) -> Notice:
        """``buyers`` always lists the lead buyer; ``buyer`` is the first of ``buyers``."""
        if self.buyer is not None and not self.buyers:
            self.buyers = [self.buyer]
        elif self.buyer is None and self.buyers:
            self.buyer = self.buyers[0]
        return self

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
    version: int | None = None
    """The source's version of this publication (eForms ``cbc:VersionID``), when given."""
