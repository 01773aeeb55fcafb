"""The CP-SAT model of team assembly and the loop that draws several distinct teams from it.

Variables exist only for *workers*: eligible candidates who cover at least one
requirement (anyone else could only join as a passenger, which is forbidden):

- ``y[c]``: candidate ``c`` is in the team;
- ``x[c, r]``: ``c`` is the member responsible for requirement ``r``, only where ``c``
  covers ``r`` (fit >= threshold and eligible on ``r``'s lot);
- ``cov[r]``: ``r`` is covered by the team (``= sum_c x[c, r]``, so at most one
  responsible member);
- ``b[c]``: ``c`` earns its intention bonus (lot-scoped intentions only).

Constraints:

- ``x[c, r] -> y[c]``; ``y[c] -> cov[r]`` for every ``r`` that ``c`` covers: a requirement
  some team member covers is always assigned, so "assigned" and "covered by the team"
  are the same thing and shares are shares of the covered work;
- every team member carries work: ``y[c] <= sum_r x[c, r]`` (no passengers);
- ``1 <= sum_c y[c] <= max_members``;
- share cap: ``share[c] = load[c] / total`` with ``load[c] = sum_r weight[r] x[c, r]``
  and ``total = sum_r weight[r] cov[r]``; ``load[c] <= cap * total`` is linear, with the
  cap rounded down to 1e-6 so that it always holds exactly
  (``AssemblyRequest.effective_share_cap`` relaxes it to 1 when ``max_members == 1``);
- every selected lot has a member: the team holds at least one member eligible on
  it (not declined, available). Members work on the lots where they are responsible
  for requirements; a lot the team covers nothing of gets no member (``decode``), and
  shows up as gaps with suggestions and a failed go rule.

Objective (maximised; ``SCALE`` integer points per unit, a unit being weight 1 x fit 1):
``sum weight[r] * fit[c, r] * x[c, r]``, plus an intention bonus per member (lead 0.30,
contributor 0.20, interested 0.10; for a lot-scoped intention, only when the member
is responsible for a requirement of a lot it declared for), minus 0.05 per member
(compact teams) and 0.10 more per member from outside the group (the group answers
first; outsiders and partners fill what it cannot).

Diversity: every later team leaves out at least ``min(2, |T|)`` members of each
earlier team ``T`` (one linear row per earlier team). Keeping all but one member of
``T`` is ``T`` with one member swapped, added or removed, which is not a genuinely
different choice for the group. Each solve is optimal over what is left, so teams
come out best first. A later team must also cover every selected lot the first team
covers: when what is left cannot (the members who fit a lot are all in earlier
teams), the search stops there and the last proposal says why, rather than propose
a team that leaves a lot to no one who fits it.

Solver settings were measured on ``scripts/bench_consortia.py``: the LP relaxation
of this facility-location-like model is tight only with ``linearization_level=2``
(seconds become milliseconds); presolve, generic cuts, symmetry detection and SAT
inprocessing cost more than they save at this size. One worker and a fixed seed make
the search reproducible. The safety net is deterministic time (a limit per solve and
a budget per request, after which fewer teams are returned), so even a search cut
short gives the same answer for the same input; a team not proven optimal says so in
its reasons.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import NoReturn

from ortools.sat.python import cp_model

from app.consortia.errors import AssemblyError, NoFeasibleTeamError
from app.consortia.inputs import WEIGHT_UNIT, AssemblyRequest, LotId
from app.consortia.solution import SCALE, ConsortiumSolution, points
from models.consortium import IntentionRole

INTENTION_BONUS: Mapping[IntentionRole, float] = {
    IntentionRole.lead: 0.30,
    IntentionRole.contributor: 0.20,
    IntentionRole.interested: 0.10,
}
MEMBER_PENALTY = 0.05
OUTSIDER_PENALTY = 0.10
SHARE_CAP_UNIT = 10**6
MIN_LEFT_OUT = 2
"""Members of each earlier team that a later team must leave out (fewer if the team is smaller)."""

RANDOM_SEED = 20_240_601
DETERMINISTIC_TIME_LIMIT = 1.0
"""Per solve, in CP-SAT deterministic units (roughly seconds): a reproducible safety net."""
DETERMINISTIC_TIME_BUDGET = 2.0
"""For all solves of one request: once spent, no further teams are drawn."""
WALL_TIME_LIMIT = 10.0
"""Per solve, in seconds: the last resort, should deterministic time be far off."""


def solve_teams(request: AssemblyRequest) -> list[ConsortiumSolution]:
    """Up to ``request.max_proposals`` distinct teams, best first (raises when there is none)."""
    reqs = request.considered_requirements()
    cands = request.candidates
    pairs = [
        (ci, ri, c.fit.get(r.id, 0.0))
        for ci, c in enumerate(cands)
        for ri, r in enumerate(reqs)
        if c.fit.get(r.id, 0.0) >= request.cover_threshold and c.eligible(r.lot)
    ]
    workers = sorted({ci for ci, _, _ in pairs})
    _precheck(request, workers)
    model = cp_model.CpModel()
    y = {ci: model.new_bool_var(f"y{ci}") for ci in workers}
    x = {(ci, ri): model.new_bool_var(f"x{ci}_{ri}") for ci, ri, _ in pairs}
    by_req: dict[int, list[int]] = {}
    by_cand: dict[int, list[int]] = {}
    variables: list[cp_model.IntVar] = []
    coefs: list[int] = []
    for ci, ri, fit in pairs:
        by_req.setdefault(ri, []).append(ci)
        by_cand.setdefault(ci, []).append(ri)
        model.add_implication(x[ci, ri], y[ci])
        variables.append(x[ci, ri])
        coefs.append(round(SCALE * reqs[ri].weight_units * fit / WEIGHT_UNIT))
    cov: dict[int, cp_model.IntVar] = {}
    for ri, cis in by_req.items():
        if len(cis) == 1:  # the only coverer: its x is the coverage
            cov[ri] = x[cis[0], ri]
        else:
            cov[ri] = model.new_bool_var(f"cov{ri}")
            model.add(sum(x[ci, ri] for ci in cis) == cov[ri])
        for ci in cis:
            model.add_implication(y[ci], cov[ri])
    for ci in workers:
        c = cands[ci]
        model.add(sum(x[ci, ri] for ri in by_cand[ci]) >= y[ci])
        cost = points(MEMBER_PENALTY) + (0 if c.in_group else points(OUTSIDER_PENALTY))
        bonus = points(INTENTION_BONUS.get(c.intention, 0.0)) if c.intention else 0
        if bonus and c.intention_lots:
            declared = [x[ci, ri] for ri in by_cand[ci] if c.declared_for(reqs[ri].lot)]
            if declared:
                b = model.new_bool_var(f"b{ci}")
                model.add(sum(declared) >= b)
                variables.append(b)
                coefs.append(bonus)
            bonus = 0
        variables.append(y[ci])
        coefs.append(bonus - cost)
    for lot in request.lots:
        eligible = [y[ci] for ci in workers if cands[ci].eligible(lot)]
        if len(eligible) < len(workers):
            model.add(sum(eligible) >= 1)
    model.add(sum(y.values()) <= request.max_members)
    model.add(sum(y.values()) >= 1)
    _add_share_cap(model, request, x, cov, by_cand)
    model.maximize(cp_model.LinearExpr.weighted_sum(variables, coefs))
    return _draw_teams(request, model, y, x, workers)


def _add_share_cap(
    model: cp_model.CpModel,
    request: AssemblyRequest,
    x: Mapping[tuple[int, int], cp_model.IntVar],
    cov: Mapping[int, cp_model.IntVar],
    by_cand: Mapping[int, Sequence[int]],
) -> None:
    cap = request.effective_share_cap
    if cap >= 1.0:
        return
    # Rounded down to 1e-6 (so the cap always holds exactly), as a reduced fraction:
    # 0.4 becomes 2/5, and small coefficients keep the LP relaxation well conditioned.
    ratio = Fraction(math.floor(cap * SHARE_CAP_UNIT + 1e-6), SHARE_CAP_UNIT)
    reqs = request.considered_requirements()
    total = cp_model.LinearExpr.weighted_sum(
        list(cov.values()), [reqs[ri].weight_units for ri in cov]
    )
    for ci, ris in by_cand.items():
        load = cp_model.LinearExpr.weighted_sum(
            [x[ci, ri] for ri in ris], [reqs[ri].weight_units for ri in ris]
        )
        model.add(ratio.denominator * load <= ratio.numerator * total)


def _draw_teams(
    request: AssemblyRequest,
    model: cp_model.CpModel,
    y: Mapping[int, cp_model.IntVar],
    x: Mapping[tuple[int, int], cp_model.IntVar],
    workers: Sequence[int],
) -> list[ConsortiumSolution]:
    """Solve, record the team, forbid its near-duplicates, solve again."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = RANDOM_SEED
    params.linearization_level = 2
    params.cp_model_presolve = False
    params.cut_level = 0
    params.symmetry_level = 0
    params.use_sat_inprocessing = False
    params.max_time_in_seconds = WALL_TIME_LIMIT
    reqs = request.considered_requirements()
    cands = request.candidates
    solutions: list[ConsortiumSolution] = []
    spent = 0.0
    while len(solutions) < request.max_proposals and spent < DETERMINISTIC_TIME_BUDGET:
        params.max_deterministic_time = min(
            DETERMINISTIC_TIME_LIMIT, DETERMINISTIC_TIME_BUDGET - spent
        )
        status = solver.solve(model)
        spent += solver.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if not solutions:
                _raise_for_status(request, status, len(workers))
            if status == cp_model.INFEASIBLE:
                solutions[-1] = dataclasses.replace(
                    solutions[-1],
                    last_because=(
                        "No further proposal: the candidates who fit the requirements and are "
                        "not in the proposals above cannot form a team within the group's "
                        "rules."
                    ),
                )
            break
        team = [ci for ci in workers if solver.boolean_value(y[ci])]
        assignment = {
            reqs[ri].id: cands[ci].member_id
            for (ci, ri), var in x.items()
            if solver.boolean_value(var)
        }
        lots = _covered_lots(request, assignment)
        if solutions and lots < _covered_lots(request, solutions[0].assignment):
            missing = _covered_lots(request, solutions[0].assignment) - lots
            names = ", ".join(sorted("(notice)" if lot is None else lot for lot in missing))
            solutions[-1] = dataclasses.replace(
                solutions[-1],
                last_because=(
                    f"No further proposal: every other team would leave lot {names} to no one "
                    "who fits it (the members who do are in the proposals above)."
                ),
            )
            break
        solutions.append(
            ConsortiumSolution(
                team=tuple(cands[ci].member_id for ci in team),
                assignment=assignment,
                objective=round(solver.objective_value),
                optimal=status == cp_model.OPTIMAL,
            )
        )
        kept = max(0, len(team) - MIN_LEFT_OUT)
        model.add(sum(y[ci] for ci in team) <= kept)
    # Solves are optimal over a shrinking set, so this only reorders after a time limit.
    solutions.sort(key=lambda s: -s.objective)
    return solutions


def _covered_lots(request: AssemblyRequest, assignment: Mapping[str, str]) -> set[LotId]:
    """Selected lots of which the team covers at least one requirement."""
    lot_of = {r.id: r.lot for r in request.considered_requirements()}
    return {lot_of[rid] for rid in assignment} & set(request.lots)


def _precheck(request: AssemblyRequest, workers: Sequence[int]) -> None:
    """Refuse, with the reason, requests that no team can satisfy."""
    threshold = request.cover_threshold
    if not workers:
        raise NoFeasibleTeamError(
            f"no eligible candidate covers any requirement (fit >= {threshold:g}); "
            "declined and unavailable candidates are excluded",
            code="no_candidate",
            threshold=f"{threshold:g}",
        )
    cands = request.candidates
    for lot in request.lots:
        if not any(cands[ci].eligible(lot) for ci in workers):
            raise NoFeasibleTeamError(
                f"lot {lot if lot is not None else '(notice)'}: no candidate who covers a "
                "requirement may work on it (all declined it or are unavailable)",
                code="lot_without_candidate" if lot is not None else "notice_without_candidate",
                lot=lot or "",
            )
    cap = request.effective_share_cap
    if cap < 1.0:
        needed = math.ceil(1 / cap - 1e-9)
        if needed > request.max_members:
            raise NoFeasibleTeamError(
                f"max_share_per_member {cap:g} needs at least {needed} members sharing the "
                f"work, but max_members is {request.max_members}",
                code="share_cap_above_max_members",
                cap=f"{cap:g}",
                needed=str(needed),
                max_members=str(request.max_members),
            )
        if needed > len(workers):
            raise NoFeasibleTeamError(
                f"max_share_per_member {cap:g} needs at least {needed} members sharing the "
                f"work, but only {len(workers)} eligible candidate(s) cover any requirement "
                f"(fit >= {threshold:g})",
                code="share_cap_above_candidates",
                cap=f"{cap:g}",
                needed=str(needed),
                eligible=str(len(workers)),
            )


def _raise_for_status(
    request: AssemblyRequest, status: cp_model.CpSolverStatus, n_workers: int
) -> NoReturn:
    if status == cp_model.INFEASIBLE:
        raise NoFeasibleTeamError(
            f"no team of at most {request.max_members} members among the {n_workers} eligible "
            "candidates who cover a requirement gives every selected lot a member while "
            f"keeping each share of the covered work <= {request.effective_share_cap:g}; "
            "raise max_members or max_share_per_member, or invite more partners",
            code="no_team",
            max_members=str(request.max_members),
            eligible=str(n_workers),
            cap=f"{request.effective_share_cap:g}",
        )
    raise AssemblyError(
        f"the solver found no team within its time limit ({status.name}); "
        "narrow the request (fewer candidates or requirements)",
        code="solver_time_limit",
    )
