"""From a solved team to an explained ``Consortium``: shares, coverage, gaps, roles, reasons.

- Share of a member: weight of the requirements it is responsible for / weight of
  every covered requirement (so shares sum to 1; weights in thousandths, exact).
- Coverage of a lot (key ``NO_LOT_KEY`` for ``lot=None``): weight of its covered
  requirements / weight of all its requirements; overall: the same over every
  considered requirement.
- Gaps: requirements no team member covers. Suggestions: eligible candidates
  outside the team who cover the requirement, people from outside the group and
  partners first (they widen the group), then best fit, then member id; at most
  ``MAX_SUGGESTIONS``.
- Score: the optimised objective divided by the total requirement weight, so
  that scores of different notices are on a comparable scale (1.0 = every
  requirement covered at fit 1, before bonuses and penalties).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.consortia.go_rule import evaluate_go_rule
from app.consortia.inputs import WEIGHT_UNIT, AssemblyRequest, Candidate, LotId, Requirement
from app.consortia.roles import assign_roles
from app.consortia.solution import SCALE, ConsortiumSolution
from models.consortium import (
    NO_LOT_KEY,
    Consortium,
    ConsortiumMember,
    Gap,
    IntentionRole,
    TeamRole,
)
from models.member import MemberKind

MAX_SUGGESTIONS = 5


def lot_key(lot: LotId) -> str:
    """The ``coverage_by_lot`` key of a lot."""
    return NO_LOT_KEY if lot is None else lot


def coverage_by_lot(
    requirements: Sequence[Requirement], covered: set[str], lots: Sequence[LotId]
) -> dict[str, float]:
    """Weighted coverage per selected lot, plus notice-wide requirements under ``NO_LOT_KEY``."""
    keys = list(lots) + [None] * (None not in lots and any(r.lot is None for r in requirements))
    result: dict[str, float] = {}
    for lot in keys:
        units = [(r.weight_units, r.id in covered) for r in requirements if r.lot == lot]
        result[lot_key(lot)] = sum(u for u, ok in units if ok) / sum(u for u, _ in units)
    return result


def notice_fit(request: AssemblyRequest, candidate: Candidate) -> float:
    """Fit-weighted share of the notice the candidate covers on its own, in [0, 1]."""
    reqs = request.considered_requirements()
    threshold = request.cover_threshold
    value = 0.0
    for r in reqs:
        fit = candidate.fit.get(r.id, 0.0)
        if fit >= threshold and candidate.eligible(r.lot):
            value += r.weight_units * fit
    return value / sum(r.weight_units for r in reqs)


def member_lots(
    request: AssemblyRequest, team: Sequence[Candidate], assignment: Mapping[str, str]
) -> dict[str, tuple[LotId, ...]]:
    """Selected lots each member works on, in the order of ``request.lots``.

    A member works on the lots where it is responsible for a requirement, and only
    there: a selected lot the team covers nothing of gets no member (placing someone
    who does not fit it would be a team no lead would send); it shows as gaps, with
    the candidates who could cover it as suggestions, and fails the go rule.
    """
    reqs = request.considered_requirements()
    lot_of = {r.id: r.lot for r in reqs}
    worked = {(mid, lot_of[rid]) for rid, mid in assignment.items()}
    return {
        c.member_id: tuple(lot for lot in request.lots if (c.member_id, lot) in worked)
        for c in team
    }


def build_consortium(request: AssemblyRequest, solution: ConsortiumSolution) -> Consortium:
    """The explained proposal for one solved team."""
    reqs = request.considered_requirements()
    by_id = {c.member_id: c for c in request.candidates}
    team = [by_id[mid] for mid in solution.team]
    loads = dict.fromkeys(solution.team, 0)
    for r in reqs:
        if r.id in solution.assignment:
            loads[solution.assignment[r.id]] += r.weight_units
    total = sum(loads.values())
    shares = {mid: load / total for mid, load in loads.items()}
    fits = {c.member_id: notice_fit(request, c) for c in team}
    roles = assign_roles(
        team,
        shares,
        fits,
        rotate=request.work_sharing.rotate_mandataire,
        past_mandates=request.past_mandataire_counts,
    )
    covered = set(solution.assignment)
    by_lot = coverage_by_lot(reqs, covered, request.lots)
    overall = sum(r.weight_units for r in reqs if r.id in covered) / sum(
        r.weight_units for r in reqs
    )
    gaps = [_gap(request, r, set(solution.team)) for r in reqs if r.id not in covered]
    lots = member_lots(request, team, solution.assignment)

    def role(mid: str) -> TeamRole:
        if mid == roles.mandataire:
            return TeamRole.mandataire
        return TeamRole.subcontractor if mid in roles.subcontractors else TeamRole.cotraitant

    order = sorted(team, key=lambda c: (c.member_id != roles.mandataire, -loads[c.member_id]))
    members = [
        ConsortiumMember(
            member_id=c.member_id,
            role=role(c.member_id),
            lots=list(lots[c.member_id]),
            share=shares[c.member_id],
            kind=c.kind.value,
            intention=c.intention,
        )
        for c in order
    ]
    reasons = [_member_reason(request, c, solution, lots, shares, fits, team=team) for c in order]
    reasons.extend(roles.reasons)
    reasons.append(
        f"Coverage {overall:.0%} of the weighted requirements; "
        + (f"{len(gaps)} requirement(s) uncovered." if gaps else "nothing uncovered.")
    )
    reasons.extend(_left_out(request))
    if not solution.optimal:
        reasons.append(
            "The solver reached its time limit: this team is the best found, not proven best."
        )
    if solution.last_because:
        reasons.append(solution.last_because)
    total_weight = sum(r.weight_units for r in reqs) / WEIGHT_UNIT
    proposal = Consortium(
        members=members,
        mandataire=roles.mandataire,
        legal_form=roles.legal_form,
        subcontractors=list(roles.subcontractors),
        coverage=overall,
        coverage_by_lot=by_lot,
        score=solution.objective / SCALE / total_weight,
        gaps=gaps,
        reasons=reasons,
    )
    proposal.go_no_go = evaluate_go_rule(proposal, request.go_rule)
    return proposal


def _gap(request: AssemblyRequest, r: Requirement, team: set[str]) -> Gap:
    threshold = request.cover_threshold
    helpers = [
        c
        for c in request.candidates
        if c.member_id not in team and c.eligible(r.lot) and c.fit.get(r.id, 0.0) >= threshold
    ]
    helpers.sort(
        key=lambda c: (
            c.in_group and c.kind is MemberKind.cae_member,
            -c.fit.get(r.id, 0.0),
            c.member_id,
        )
    )
    return Gap(
        lot=r.lot,
        requirement_id=r.id,
        requirement=r.text,
        suggestions=[c.member_id for c in helpers[:MAX_SUGGESTIONS]],
    )


def _member_reason(
    request: AssemblyRequest,
    c: Candidate,
    solution: ConsortiumSolution,
    lots_of: Mapping[str, Sequence[LotId]],
    shares: Mapping[str, float],
    fits: Mapping[str, float],
    *,
    team: Sequence[Candidate],
) -> str:
    mine = [rid for rid, mid in solution.assignment.items() if mid == c.member_id]
    mean_fit = sum(c.fit[rid] for rid in mine) / len(mine)
    lot_of = {r.id: r.lot for r in request.considered_requirements()}
    others = [o for o in team if o.member_id != c.member_id]
    alone = sum(
        not any(
            o.eligible(lot_of[rid]) and o.fit.get(rid, 0.0) >= request.cover_threshold
            for o in others
        )
        for rid in mine
    )
    lots = ", ".join(lot_key(lot) for lot in lots_of[c.member_id]) or "notice-wide only"
    if c.intention is None:
        stance = "no declared intention"
    else:
        scope = ", ".join(lot_key(lot) for lot in c.intention_lots) or "whole notice"
        stance = f"declared {c.intention.value} ({scope})"
    origin = "member of the group" if c.in_group else "from outside the group"
    if c.kind is MemberKind.partner:
        origin = f"partner firm, {origin}"
    days = c.availability_days_per_month
    availability = "availability unknown" if days is None else f"available {days:g} days/month"
    return (
        f"{c.member_id}: responsible for {len(mine)} requirement(s) at mean fit {mean_fit:.2f}, "
        f"{alone} of them covered by no one else in the team "
        f"({shares[c.member_id]:.0%} of the covered work; lots: {lots}); notice fit "
        f"{fits[c.member_id]:.2f} (the fit-weighted share of the notice it could cover alone); "
        f"{stance}; {origin}; {availability}."
    )


def _left_out(request: AssemblyRequest) -> list[str]:
    lots = {r.lot for r in request.considered_requirements()}
    declined = [
        c.member_id
        for c in request.candidates
        if c.intention is IntentionRole.declined and all(c.declined(lot) for lot in lots)
    ]
    unavailable = [c.member_id for c in request.candidates if c.unavailable]
    out = []
    if declined:
        out.append(f"Never considered, having declined: {', '.join(declined)}.")
    if unavailable:
        out.append(f"Never considered, having no availability: {', '.join(unavailable)}.")
    return out
