"""Members and their declared expertise (the ``cotender members import`` shape).

Validation lives here so every entry point (file import, API, CLI) refuses the
same bad input with the same field named: CPV codes must exist in the CPV 2008
list, regions must be French department codes, rates positive, and a member
must declare at least one expertise statement (nothing can be matched otherwise).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from models.notice import Nature
from models.vocabulary.cpv import cpv_labels
from models.vocabulary.places import normalise_department

MemberId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$", strip_whitespace=True)
]
Statement = Annotated[str, StringConstraints(min_length=3, max_length=2000, strip_whitespace=True)]


class MemberKind(StrEnum):
    """``cae_member`` belongs to the cooperative; ``partner`` is an outside firm."""

    cae_member = "cae_member"
    partner = "partner"


class Reference(BaseModel):
    """A past assignment the member can cite."""

    model_config = ConfigDict(extra="forbid")

    title: Statement
    buyer: str = ""
    year: int | None = Field(default=None, ge=1950, le=2100)
    summary: str = ""


class MemberBase(BaseModel):
    """Fields a member declares about themselves."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    kind: MemberKind = MemberKind.cae_member
    languages: list[Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]] = Field(
        default_factory=lambda: ["fr"]
    )
    regions: list[str] = Field(default_factory=list)
    day_rate_eur: float | None = Field(default=None, gt=0)
    availability_days_per_month: float | None = Field(default=None, ge=0, le=31)
    expertise: list[Statement] = Field(min_length=1, max_length=100)
    references: list[Reference] = Field(default_factory=list, max_length=100)
    cpv: list[str] = Field(default_factory=list, max_length=200)
    sells: list[Nature] | None = Field(
        default=None,
        max_length=3,
        description="What the member sells (services, works, supplies); "
        "None: inferred from their statements (app.matching.sells).",
    )

    @field_validator("cpv")
    @classmethod
    def _known_cpv(cls, codes: list[str]) -> list[str]:
        labels = cpv_labels()
        unknown = [code for code in codes if code not in labels]
        if unknown:
            # A kind of its own (not a plain ValueError), so that a page can say it in
            # the reader's language (app.web.problems); the API says these words.
            raise PydanticCustomError(
                "unknown_cpv", "unknown CPV code(s): {codes}", {"codes": ", ".join(unknown)}
            )
        return codes

    @field_validator("regions")
    @classmethod
    def _valid_departments(cls, regions: list[str]) -> list[str]:
        normalised = [normalise_department(code) for code in regions]
        bad = [code for code, norm in zip(regions, normalised, strict=True) if norm is None]
        if bad:
            raise PydanticCustomError(
                "unknown_department",
                "not a French department code: {codes}",
                {"codes": ", ".join(map(str, bad))},
            )
        return [code for code in normalised if code]


class Member(MemberBase):
    """A member record as imported or created (``id`` chosen by the cooperative)."""

    id: MemberId


class MemberUpdate(BaseModel):
    """A partial profile update: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = None
    languages: list[str] | None = None
    regions: list[str] | None = None
    day_rate_eur: float | None = Field(default=None, gt=0)
    availability_days_per_month: float | None = Field(default=None, ge=0, le=31)
    expertise: list[Statement] | None = Field(default=None, min_length=1, max_length=100)
    references: list[Reference] | None = None
    cpv: list[str] | None = None
    sells: list[Nature] | None = None
