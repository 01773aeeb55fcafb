"""The structured response draft (the body of ``GET /api/drafts/{draft_id}``).

A draft is assembled once from a notice, a group (its procedure), the members
and one consortium proposal (``app.drafting.assemble.build_draft``); the
Markdown, DOCX and ICS renderers are pure functions of this model, so the three
formats always agree. Human-facing texts (reasons, notes, guidance, warnings)
are in the draft's ``language`` (French unless asked otherwise, for the
cooperatives' members), which its renderers follow; codes and keys stay in English.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from models.consortium import Gap, IntentionRole, LegalForm, TeamRole
from models.group import Document, OwnerRole
from models.member import MemberId, MemberKind, Reference
from models.notice import Money


class PlannedStep(BaseModel):
    """One procedure step dated back from the buyer's deadline.

    ``moved_from`` is the nominal date (deadline minus ``offset_days``) when it
    fell on a weekend or a French public holiday and ``due`` was moved earlier;
    ``moved_reason`` lists the days skipped. ``owners`` are member ids resolved
    from ``owner_role`` for this team.
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    title: str
    owner_role: OwnerRole
    owners: list[MemberId]
    offset_days: int
    due: date
    moved_from: date | None = None
    moved_reason: str | None = None
    in_past: bool = False


class TeamEntry(BaseModel):
    """A member of the proposed team as the draft presents them.

    ``lots`` are the notice's lot ids the member works on (empty when the
    notice has no lots); ``signs`` are the ids of the checklist items the
    member signs.
    """

    model_config = ConfigDict(extra="forbid")

    member_id: MemberId
    name: str
    kind: MemberKind
    role: TeamRole
    is_mandataire: bool
    lots: list[str] = Field(default_factory=list)
    share: float = Field(ge=0, le=1)
    intention: IntentionRole | None = None
    signs: list[str] = Field(default_factory=list)


class ChecklistItem(BaseModel):
    """One administrative document to produce, with who prepares and signs it, and when.

    ``id`` is stable within a draft (``DC1``, ``DC2:<member_id>``,
    ``DC2:cooperative``, ``DC4:<member_id>``, ``DUME``, ``memoire_technique``…).
    ``owner`` prepares the document; ``signatories`` are the members who sign it
    and ``signed_by_cooperative`` says the cooperative's legal representative
    signs (the ``cae`` form). ``for_member`` names the member a per-member form
    is about; ``alternative_to`` lists the forms this one may replace (DUME).
    ``due`` is the date of the procedure step ``step_key``.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    document: Document
    title: str
    owner: MemberId
    signatories: list[MemberId] = Field(default_factory=list)
    signed_by_cooperative: bool = False
    for_member: MemberId | None = None
    alternative_to: list[Document] = Field(default_factory=list)
    step_key: str | None = None
    due: date
    note: str = ""


class SectionKind(StrEnum):
    """The sections of the mémoire technique outline, in document order."""

    understanding = "understanding"
    methodology = "methodology"
    team = "team"
    planning = "planning"
    references = "references"


class SlotKind(StrEnum):
    """What was slotted into a section from a member's profile."""

    expertise = "expertise"
    reference = "reference"
    availability = "availability"


class SlottedItem(BaseModel):
    """A piece of a member's profile placed in a section; ``score`` is its relevance to the need."""

    model_config = ConfigDict(extra="forbid")

    member_id: MemberId
    kind: SlotKind
    text: str
    reference: Reference | None = None
    score: float | None = None


class MemoireSection(BaseModel):
    """One section of the outline: a title, what to write (in the draft's language), material."""

    model_config = ConfigDict(extra="forbid")

    kind: SectionKind
    title: str
    guidance: str
    items: list[SlottedItem] = Field(default_factory=list)


class NeedSource(StrEnum):
    """Where the quoted need comes from (the most specific text the notice has)."""

    lot_description = "lot_description"
    lot_title = "lot_title"
    notice_description = "notice_description"
    notice_title = "notice_title"


class CriterionEntry(BaseModel):
    """An award criterion in the buyer's order (``rank`` from 1).

    ``weight`` is as published; ``weight_percent`` is the same weight on a
    100 scale (fractions such as 0.6 become 60), ``None`` when not published.
    """

    model_config = ConfigDict(extra="forbid")

    rank: int = Field(ge=1)
    name: str
    weight: float | None = None
    weight_percent: float | None = None


class LotOutline(BaseModel):
    """The mémoire technique outline for one lot (``lot`` is ``None`` for a notice without lots)."""

    model_config = ConfigDict(extra="forbid")

    lot: str | None
    title: str
    need: str
    need_source: NeedSource
    members: list[MemberId]
    criteria: list[CriterionEntry] = Field(default_factory=list)
    criteria_source: str | None = Field(default=None, pattern=r"^(lot|notice)$")
    sections: list[MemoireSection]
    value: Money | None = None  # the lot's estimated value, else the notice's


class Draft(BaseModel):
    """A response skeleton that follows the group's procedure.

        ``deadline`` is the buyer's deadline for the lots the team answers (the
        earliest when they differ); ``as_of`` is the day ``in_past`` was judged
        against. ``people`` names every member id the draft mentions. ``language`` is
    the one its texts are written in (drafts stored before it existed are French). ``draft_id``
        is set by storage; the ICS calendar uses it for stable event UIDs.
    """

    model_config = ConfigDict(extra="forbid")

    draft_id: str | None = None
    language: str = Field(default="fr", pattern=r"^(fr|en)$")
    notice_id: str
    notice_title: str
    notice_url: str | None = None
    buyer: str | None = None
    group_id: str
    group_name: str
    cooperative: str = ""
    deadline: AwareDatetime
    generated_at: AwareDatetime
    as_of: date
    legal_form: LegalForm
    mandataire: MemberId
    people: dict[MemberId, str] = Field(default_factory=dict)
    team: list[TeamEntry]
    legal_form_notes: list[str] = Field(default_factory=list)
    planning: list[PlannedStep]
    checklist: list[ChecklistItem]
    outline: list[LotOutline]
    questions_due: date
    questions_step: str | None = None
    gaps: list[Gap] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def name_of(self, member_id: str) -> str:
        """The display name of a member id (the id itself when unknown)."""
        return self.people.get(member_id, member_id)
