"""Consortium proposals: who covers which lot, who is mandataire, in which legal form.

This is the response shape of ``POST /api/notices/{notice_id}/consortia`` (see
``shared/DESIGN.md``) and the input a draft is generated from.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from models.member import MemberId


class IntentionRole(StrEnum):
    """A member's declared stance on a notice or lot."""

    lead = "lead"
    contributor = "contributor"
    interested = "interested"
    declined = "declined"


class LegalForm(StrEnum):
    """How the team answers: as the cooperative, or as a groupement."""

    cae = "cae"  # one candidate, the cooperative; work split internally
    joint = "joint"  # groupement conjoint
    joint_and_several = "joint_and_several"  # groupement solidaire


class TeamRole(StrEnum):
    """A member's role inside a consortium."""

    mandataire = "mandataire"  # represents the team towards the buyer
    cotraitant = "cotraitant"  # a member of the groupement (or of the CAE team)
    subcontractor = "subcontractor"  # covers a minor part, declared with a DC4


class ConsortiumMember(BaseModel):
    """One member of a consortium, with the lots they work on and their share of the work."""

    model_config = ConfigDict(extra="forbid")

    member_id: MemberId
    role: TeamRole
    lots: list[str | None] = Field(default_factory=list)
    share: float = Field(ge=0, le=1)
    kind: str = "cae_member"
    intention: IntentionRole | None = None


class Gap(BaseModel):
    """A requirement nobody in the team covers well enough, with who could."""

    model_config = ConfigDict(extra="forbid")

    lot: str | None
    requirement_id: str
    requirement: str
    suggestions: list[MemberId] = Field(default_factory=list)


class GoDecision(BaseModel):
    """The group's go rule evaluated on one proposal."""

    model_config = ConfigDict(extra="forbid")

    go: bool
    reasons: list[str]


class Consortium(BaseModel):
    """One proposed consortium for a notice (the team, its roles and shares), explained.

    The one word for a proposed team across the code; the API and the CLI carry
    them under the JSON key ``proposals`` (and a draft names its ``proposal``).
    """

    model_config = ConfigDict(extra="forbid")

    members: list[ConsortiumMember] = Field(min_length=1)
    mandataire: MemberId
    legal_form: LegalForm
    subcontractors: list[MemberId] = Field(default_factory=list)
    coverage: float = Field(ge=0, le=1)
    coverage_by_lot: dict[str, float] = Field(default_factory=dict)
    score: float
    gaps: list[Gap] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    go_no_go: GoDecision | None = None


NO_LOT_KEY = "_notice"
"""Key of ``coverage_by_lot`` for a notice without lots (JSON keys cannot be null)."""
