"""What the team solver gives back, apart from the solver itself.

Kept out of ``app.consortia.model`` so that reading a solution (``decode``) does not
load OR-Tools: it brings pandas along, some 60 MB resident in every API process,
while only consortium requests need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SCALE = 10_000
"""Integer objective points per unit of value (weight 1 x fit 1)."""


@dataclass(frozen=True, slots=True)
class ConsortiumSolution:
    """One consortium as the solver found it (member ids in candidate order, who does what).

    ``decode.build_consortium`` turns it into the explained ``Consortium``.
    """

    team: tuple[str, ...]
    assignment: Mapping[str, str]
    objective: int
    optimal: bool
    last_because: str | None = None
    """Why no further team was proposed after this one, when the search stopped early."""


def points(value: float) -> int:
    """A value in objective units, as integer points."""
    return round(value * SCALE)
