"""Groups and their agreed response procedure (the ``cotender groups import`` shape).

The procedure is data so that the collective's way of answering is applied
every time without anyone remembering it: steps counted in days before the
buyer's deadline, an owner role per step, the go/no-go rule, the documents to
produce and the work-sharing rules.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.member import MemberId


class OwnerRole(StrEnum):
    """Who owns a procedure step; resolved to people once a team exists."""

    lead = "lead"
    mandataire = "mandataire"
    contributors = "contributors"
    members = "members"


class Document(StrEnum):
    """Documents a response can require (French public procurement forms)."""

    DC1 = "DC1"  # lettre de candidature, once, names the mandataire
    DC2 = "DC2"  # déclaration du candidat, per member
    DUME = "DUME"  # European single procurement document, accepted instead of DC1/DC2
    DC4 = "DC4"  # déclaration de sous-traitance, per subcontractor
    memoire_technique = "memoire_technique"
    price_schedule = "price_schedule"


class ProcedureStep(BaseModel):
    """One step, dated ``offset_days`` calendar days before the deadline."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    title: str = Field(min_length=1, max_length=500)
    owner: OwnerRole
    offset_days: int = Field(ge=0, le=365)


class GoRule(BaseModel):
    """When the group says go: enough leads and enough coverage of each lot."""

    model_config = ConfigDict(extra="forbid")

    min_leads: int = Field(default=1, ge=0)
    min_coverage: float = Field(default=0.8, ge=0, le=1)


class WorkSharing(BaseModel):
    """How work is shared: a cap per member and whether the mandataire role rotates."""

    model_config = ConfigDict(extra="forbid")

    max_share_per_member: float = Field(default=1.0, gt=0, le=1)
    rotate_mandataire: bool = False


class Procedure(BaseModel):
    """The group's agreed way of answering a notice."""

    model_config = ConfigDict(extra="forbid")

    steps: list[ProcedureStep] = Field(min_length=1, max_length=50)
    go_rule: GoRule = Field(default_factory=GoRule)
    documents: list[Document] = Field(default_factory=list)
    work_sharing: WorkSharing = Field(default_factory=WorkSharing)

    @model_validator(mode="after")
    def _steps_in_order(self) -> Procedure:
        """Keys are unique and steps run forward in time (offsets never grow)."""
        seen: set[str] = set()
        for step in self.steps:
            if step.key in seen:
                raise ValueError(f"duplicate step key: {step.key}")
            seen.add(step.key)
        for earlier, later in zip(self.steps, self.steps[1:], strict=False):
            if later.offset_days > earlier.offset_days:
                raise ValueError(
                    f"step {later.key!r} (D-{later.offset_days}) comes after "
                    f"{earlier.key!r} (D-{earlier.offset_days}) but is dated earlier"
                )
        return self


class Group(BaseModel):
    """Members who respond together, their leads and their procedure."""

    model_config = ConfigDict(extra="forbid")

    id: MemberId
    name: str = Field(min_length=1, max_length=200)
    cooperative: str = ""
    members: list[MemberId] = Field(min_length=1)
    leads: list[MemberId] = Field(default_factory=list)
    mailing_list: str | None = Field(
        default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    )
    """The group's list address: its weekly digest goes there (none without one)."""
    procedure: Procedure

    @model_validator(mode="after")
    def _leads_are_members(self) -> Group:
        outsiders = [lead for lead in self.leads if lead not in self.members]
        if outsiders:
            raise ValueError(f"leads must be members of the group: {', '.join(outsiders)}")
        return self
