"""The assembly problem: requirements, candidates and the group's rules.

Vocabulary used throughout ``app.consortia``:

- A candidate **covers** a requirement when its fit for it (the matching index's
  score, in [0, 1]) is at least ``AssemblyRequest.cover_threshold`` and the
  candidate is *eligible* on the requirement's lot. Below the threshold a fit
  counts for nothing: a weak match is not coverage.
- A candidate is **eligible** on a lot unless it declined that lot (a ``declined``
  intention with no lots declines the whole notice) or declared no availability
  at all (``availability_days_per_month == 0``). ``None`` availability means
  unknown and is treated as available. Other availability figures are reported in
  the reasons only: without the workload in days, they cannot bound a share.
- The **coverage** of a lot is the weighted share of the lot's requirements that
  at least one team member covers: ``sum(weight of covered) / sum(weight)``.
  Overall coverage is the same ratio over every considered requirement.
- Considered requirements: those of the selected ``lots`` plus notice-wide ones
  (``lot=None``); requirements of lots the group did not select are ignored.
  When the notice has no lots, ``lots == (None,)`` and every requirement has
  ``lot=None``.

Weights are used to three decimals (they are rounded on construction) so that
shares, caps and coverage are exact ratios of integers in the solver and here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from app.consortia.errors import InvalidRequestError
from models.consortium import IntentionRole
from models.group import GoRule, WorkSharing
from models.member import MemberKind

WEIGHT_DECIMALS = 3
WEIGHT_UNIT = 10**WEIGHT_DECIMALS
"""Integer weight units per unit of weight (``Requirement.weight_units``)."""

LotId = str | None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One unit of need of the notice (or of one of its lots), with its relative weight."""

    id: str
    lot: LotId
    text: str
    weight: float = 1.0
    weight_units: int = field(init=False, repr=False, compare=False)
    """The weight as an integer number of thousandths (derived)."""

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidRequestError("requirement id must not be empty")
        if not math.isfinite(self.weight) or round(self.weight, WEIGHT_DECIMALS) <= 0:
            raise InvalidRequestError(
                f"requirement {self.id!r}: weight must be at least 0.001, got {self.weight}"
            )
        units = round(self.weight * WEIGHT_UNIT)
        object.__setattr__(self, "weight", units / WEIGHT_UNIT)
        object.__setattr__(self, "weight_units", units)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A member who could join the team: from the group, from the cooperative, or a partner.

    ``intention_lots`` scopes the intention (empty: the whole notice). ``fit`` maps
    requirement ids to the matching index's score in [0, 1]; missing ids count as 0.
    """

    member_id: str
    kind: MemberKind = MemberKind.cae_member
    in_group: bool = True
    intention: IntentionRole | None = None
    intention_lots: tuple[LotId, ...] = ()
    availability_days_per_month: float | None = None
    fit: Mapping[str, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.member_id:
            raise InvalidRequestError("candidate member_id must not be empty")
        bad = {rid: f for rid, f in self.fit.items() if not 0.0 <= f <= 1.0}
        if bad:
            raise InvalidRequestError(f"candidate {self.member_id!r}: fit outside [0, 1]: {bad}")
        if self.availability_days_per_month is not None and self.availability_days_per_month < 0:
            raise InvalidRequestError(f"candidate {self.member_id!r}: negative availability")
        object.__setattr__(self, "intention_lots", tuple(self.intention_lots))
        object.__setattr__(self, "fit", MappingProxyType(dict(self.fit)))

    @property
    def unavailable(self) -> bool:
        """Declared zero days of availability."""
        return self.availability_days_per_month == 0

    def declined(self, lot: LotId) -> bool:
        """Whether the candidate declined this lot (or the whole notice)."""
        if self.intention is not IntentionRole.declined:
            return False
        return not self.intention_lots or lot in self.intention_lots

    def eligible(self, lot: LotId) -> bool:
        """Whether the candidate may work on this lot (not declined, not unavailable)."""
        return not self.unavailable and not self.declined(lot)

    def declared_for(self, lot: LotId) -> bool:
        """Whether the candidate's (non-declined) intention applies to this lot."""
        if self.intention is None or self.intention is IntentionRole.declined:
            return False
        return not self.intention_lots or lot in self.intention_lots


@dataclass(frozen=True, slots=True)
class AssemblyRequest:
    """Everything ``assemble`` needs; pure data, no I/O.

    ``lots`` are the selected lots, in display order (``(None,)`` for a notice without
    lots). ``past_mandataire_counts`` says how often each member was mandataire in
    the group's past drafts (used when ``work_sharing.rotate_mandataire``).
    """

    requirements: tuple[Requirement, ...]
    candidates: tuple[Candidate, ...]
    lots: tuple[LotId, ...] = (None,)
    max_members: int = 5
    work_sharing: WorkSharing = field(default_factory=WorkSharing)
    go_rule: GoRule = field(default_factory=GoRule)
    past_mandataire_counts: Mapping[str, int] = field(default_factory=dict, hash=False)
    cover_threshold: float = 0.5
    max_proposals: int = 5
    _considered: tuple[Requirement, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "requirements", tuple(self.requirements))
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "lots", tuple(self.lots))
        counts = MappingProxyType(dict(self.past_mandataire_counts))
        object.__setattr__(self, "past_mandataire_counts", counts)
        _check_unique("lot", self.lots)
        _check_unique("requirement id", [r.id for r in self.requirements])
        _check_unique("candidate member_id", [c.member_id for c in self.candidates])
        if not self.lots:
            raise InvalidRequestError("select at least one lot ((None,) for a notice without lots)")
        if self.max_members < 1:
            raise InvalidRequestError(f"max_members must be at least 1, got {self.max_members}")
        if self.max_proposals < 1:
            raise InvalidRequestError(f"max_proposals must be at least 1, got {self.max_proposals}")
        if not 0.0 < self.cover_threshold <= 1.0:
            raise InvalidRequestError(
                f"cover_threshold must be in (0, 1], got {self.cover_threshold}"
            )
        selected = set(self.lots)
        considered = tuple(r for r in self.requirements if r.lot is None or r.lot in selected)
        object.__setattr__(self, "_considered", considered)
        if not considered:
            raise InvalidRequestError("no requirement belongs to the selected lots")
        empty = [lot for lot in self.lots if not any(r.lot == lot for r in considered)]
        if empty:
            raise InvalidRequestError(
                f"selected lot(s) without any requirement: {', '.join(map(str, empty))}"
            )

    def considered_requirements(self) -> tuple[Requirement, ...]:
        """Requirements of the selected lots and notice-wide ones, in input order."""
        return self._considered

    @property
    def effective_share_cap(self) -> float:
        """``max_share_per_member``, relaxed to 1 when the team may have a single member.

        With ``max_members == 1`` the only member carries all the work, so a cap
        below 1 could never hold; the group asked for a one-member team, and
        that request wins over the cap. Otherwise the cap holds for every team,
        which therefore has at least ``ceil(1 / cap)`` members carrying work; a
        request that cannot meet it raises ``NoFeasibleTeamError`` saying why.
        """
        if self.max_members == 1:
            return 1.0
        return self.work_sharing.max_share_per_member


def _check_unique(what: str, values: Sequence[object]) -> None:
    dupes = sorted(str(value) for value, n in Counter(values).items() if n > 1)
    if dupes:
        raise InvalidRequestError(f"duplicate {what}: {', '.join(dupes)}")
