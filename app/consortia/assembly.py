"""Consortium assembly: the best few distinct teams for a notice, explained.

``assemble`` is pure (no I/O, no database): the API route gathers the notice's
requirements, the group's rules, intentions, match scores and availability into an
``AssemblyRequest`` and serialises the returned proposals.

How: ``app.consortia.model`` solves the team choice with OR-Tools CP-SAT (one
worker, fixed seed, deterministic time limit: same input, same output), drawing
up to ``max_proposals`` teams that are not near-duplicates of one another;
``app.consortia.decode`` and ``app.consortia.roles`` turn each team into a
``Consortium`` (shares, coverage, gaps, mandataire, legal form, reasons) and
``app.consortia.go_rule`` evaluates the group's go rule on it.
"""

from __future__ import annotations

from app.consortia.decode import build_consortium
from app.consortia.inputs import AssemblyRequest
from models.consortium import Consortium


def assemble(request: AssemblyRequest) -> list[Consortium]:
    """The best proposals for the request, best first, pairwise distinct.

    Raises ``InvalidRequestError`` (from the request's construction) or
    ``NoFeasibleTeamError`` when no team satisfies the constraints.
    """
    # OR-Tools loads with the first assembly, not with every process (see solution.py).
    from app.consortia.model import solve_teams

    return [build_consortium(request, solution) for solution in solve_teams(request)]
