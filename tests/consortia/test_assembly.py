"""Consortium assembly: brute-force optimality on small instances, errors, roles, go rule."""

from __future__ import annotations

from itertools import combinations, product

import pytest
from hypothesis import HealthCheck, given, settings

from app.consortia import (
    AssemblyError,
    AssemblyRequest,
    Candidate,
    InvalidRequestError,
    NoFeasibleTeamError,
    Requirement,
    assemble,
    evaluate_go_rule,
)
from app.consortia.model import INTENTION_BONUS, MEMBER_PENALTY, OUTSIDER_PENALTY
from models.consortium import Consortium, ConsortiumMember, IntentionRole, LegalForm, TeamRole
from models.group import GoRule, WorkSharing
from models.member import MemberKind
from tests.consortia.consortia_strategies import assembly_requests


def _eligible(c: Candidate, lot: str | None) -> bool:
    if c.availability_days_per_month == 0:
        return False
    declined = c.intention is IntentionRole.declined
    return not (declined and (not c.intention_lots or lot in c.intention_lots))


def brute_force_best(request: AssemblyRequest) -> float | None:
    """The best score over every feasible team and assignment (None when none is feasible).

    Written from the documented rules, independently of the CP-SAT model: a team is
    1..max_members candidates, has an eligible member on every selected lot, covers
    every requirement some member covers (fit >= threshold, eligible on its lot), gives
    each covered requirement to one covering member, leaves no member without work
    and keeps every share within the cap (relaxed to 1 when max_members == 1).
    """
    selected = set(request.lots)
    reqs = [r for r in request.requirements if r.lot is None or r.lot in selected]
    total_weight = sum(r.weight for r in reqs)
    threshold = request.cover_threshold
    cap = 1.0 if request.max_members == 1 else request.work_sharing.max_share_per_member

    def covers(c: Candidate, r: Requirement) -> bool:
        return _eligible(c, r.lot) and c.fit.get(r.id, 0.0) >= threshold

    pool = [c for c in request.candidates if any(covers(c, r) for r in reqs)]
    best: float | None = None
    for size in range(1, request.max_members + 1):
        for team in combinations(pool, size):
            if not all(any(_eligible(c, lot) for c in team) for lot in request.lots):
                continue
            covered = [r for r in reqs if any(covers(c, r) for c in team)]
            options = [[c for c in team if covers(c, r)] for r in covered]
            fixed = sum(MEMBER_PENALTY + (0.0 if c.in_group else OUTSIDER_PENALTY) for c in team)
            for choice in product(*options):
                if {c.member_id for c in choice} != {c.member_id for c in team}:
                    continue
                loads = {c.member_id: 0.0 for c in team}
                value = -fixed
                for r, c in zip(covered, choice, strict=True):
                    loads[c.member_id] += r.weight
                    value += r.weight * c.fit[r.id]
                total = sum(loads.values())
                if any(load / total > cap + 1e-12 for load in loads.values()):
                    continue
                for c in team:
                    bonus = INTENTION_BONUS.get(c.intention, 0.0) if c.intention else 0.0
                    took = [r.lot for r, who in zip(covered, choice, strict=True) if who is c]
                    if not c.intention_lots or any(lot in c.intention_lots for lot in took):
                        value += bonus
                score = value / total_weight
                best = score if best is None else max(best, score)
    return best


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assembly_requests(max_candidates=6, max_requirements=6, max_team=4))
def test_assemble_best_equals_brute_force(request: AssemblyRequest) -> None:
    expected = brute_force_best(request)
    if expected is None:
        with pytest.raises(NoFeasibleTeamError):
            assemble(request)
        return
    proposals = assemble(request)
    assert proposals[0].score == pytest.approx(expected, abs=1e-9)
    scores = [p.score for p in proposals]
    assert scores == sorted(scores, reverse=True)


def _request(**changes: object) -> AssemblyRequest:
    base: dict[str, object] = {
        "requirements": (
            Requirement("a", "1", "need a"),
            Requirement("b", "1", "need b"),
            Requirement("c", "2", "need c"),
        ),
        "candidates": (
            Candidate("ann", fit={"a": 0.9, "b": 0.8}, intention=IntentionRole.lead),
            Candidate("bob", fit={"b": 0.7, "c": 0.9}, intention=IntentionRole.contributor),
            Candidate("cyd", fit={"a": 0.6, "c": 0.6}),
        ),
        "lots": ("1", "2"),
        "max_members": 3,
    }
    base.update(changes)
    return AssemblyRequest(**base)  # type: ignore[arg-type]


def test_assemble_small_case_picks_the_obvious_team() -> None:
    best = assemble(_request())[0]
    assert {m.member_id for m in best.members} == {"ann", "bob"}
    assert best.mandataire == "ann"
    assert best.legal_form is LegalForm.cae
    assert best.coverage == 1.0
    assert sum(m.share for m in best.members) == pytest.approx(1.0)
    assert best.go_no_go is not None and best.go_no_go.go


def test_assemble_is_deterministic_on_the_same_input() -> None:
    first = [p.model_dump() for p in assemble(_request(max_proposals=3))]
    again = [p.model_dump() for p in assemble(_request(max_proposals=3))]
    assert first == again


def test_assemble_never_includes_a_declined_member() -> None:
    declined = Candidate("ann", fit={"a": 1.0, "b": 1.0}, intention=IntentionRole.declined)
    proposals = assemble(_request(candidates=(declined, *_request().candidates[1:])))
    assert all(m.member_id != "ann" for p in proposals for m in p.members)
    assert any("declined: ann" in reason for reason in proposals[0].reasons)


def test_assemble_lot_declined_member_stays_off_that_lot() -> None:
    ann = Candidate(
        "ann",
        fit={"a": 0.9, "b": 0.8, "c": 1.0},
        intention=IntentionRole.declined,
        intention_lots=("2",),
    )
    for proposal in assemble(_request(candidates=(ann, *_request().candidates[1:]))):
        for member in proposal.members:
            if member.member_id == "ann":
                assert "2" not in member.lots


def test_assemble_single_member_team_relaxes_the_cap() -> None:
    request = _request(max_members=1, work_sharing=WorkSharing(max_share_per_member=0.5))
    proposals = assemble(request)
    assert all(len(p.members) == 1 and p.members[0].share == 1.0 for p in proposals)
    # A one-member team is "different" from the next only if that member is left out.
    assert len({p.members[0].member_id for p in proposals}) == len(proposals)


def test_assemble_cap_needing_more_members_than_allowed_is_refused() -> None:
    request = _request(max_members=2, work_sharing=WorkSharing(max_share_per_member=0.3))
    with pytest.raises(NoFeasibleTeamError, match="at least 4 members"):
        assemble(request)


def test_assemble_cap_that_no_team_can_meet_is_refused() -> None:
    # Only ann covers anything: with a 0.5 cap she would carry all the work.
    request = _request(
        candidates=(Candidate("ann", fit={"a": 0.9, "b": 0.8, "c": 0.7}),),
        work_sharing=WorkSharing(max_share_per_member=0.5),
    )
    with pytest.raises(NoFeasibleTeamError, match="only 1 eligible candidate"):
        assemble(request)


def test_assemble_forced_coverage_can_make_the_cap_infeasible() -> None:
    # ann covers a and b and must take both once in the team; bob covers only c: 2/3 > 0.6.
    request = _request(
        candidates=(
            Candidate("ann", fit={"a": 0.9, "b": 0.8}),
            Candidate("bob", fit={"c": 0.9}),
        ),
        work_sharing=WorkSharing(max_share_per_member=0.6),
    )
    with pytest.raises(NoFeasibleTeamError, match="max_share_per_member|<= 0.6"):
        assemble(request)


def test_assemble_everyone_declined_is_refused() -> None:
    candidates = tuple(
        Candidate(c.member_id, fit=c.fit, intention=IntentionRole.declined)
        for c in _request().candidates
    )
    with pytest.raises(NoFeasibleTeamError, match="no eligible candidate covers"):
        assemble(_request(candidates=candidates))


def test_assemble_lot_nobody_may_work_on_is_refused() -> None:
    candidates = tuple(
        Candidate(c.member_id, fit=c.fit, intention=IntentionRole.declined, intention_lots=("2",))
        for c in _request().candidates
    )
    with pytest.raises(NoFeasibleTeamError, match="lot 2"):
        assemble(_request(candidates=candidates))


def test_assemble_uncovered_lot_gets_no_member_and_fails_the_go_rule() -> None:
    """No one is placed on a lot they do not fit: the lot is a gap, the go rule fails."""
    candidates = (
        Candidate("ann", fit={"a": 0.9, "b": 0.8, "c": 0.3}, intention=IntentionRole.lead),
    )
    best = assemble(_request(candidates=candidates))[0]
    assert best.members[0].lots == ["1"]
    assert best.coverage_by_lot == {"1": 1.0, "2": 0.0}
    assert [g.requirement_id for g in best.gaps] == ["c"]
    assert best.go_no_go is not None and not best.go_no_go.go
    assert any("lot 2 coverage 0% < 80%" in r for r in best.go_no_go.reasons)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lots": ("1", "2", "3")}, "without any requirement: 3"),
        ({"lots": ("9",)}, "no requirement belongs"),
        ({"max_members": 0}, "max_members"),
        ({"cover_threshold": 0.0}, "cover_threshold"),
        ({"candidates": (Candidate("x"), Candidate("x"))}, "duplicate candidate"),
    ],
)
def test_request_inconsistent_input_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        _request(**changes)


def test_request_errors_share_one_base() -> None:
    assert issubclass(InvalidRequestError, AssemblyError)
    assert issubclass(InvalidRequestError, ValueError)
    assert issubclass(NoFeasibleTeamError, AssemblyError)
    with pytest.raises(InvalidRequestError, match="fit outside"):
        Candidate("x", fit={"a": 1.5})
    with pytest.raises(InvalidRequestError, match="weight"):
        Requirement("a", None, "need", weight=0.0)


def _legal_case(partner_fit: dict[str, float]) -> Consortium:
    requirements = tuple(Requirement(f"r{i}", None, f"need {i}") for i in range(10))
    coop = {f"r{i}": 0.9 for i in range(10)}
    request = AssemblyRequest(
        requirements=requirements,
        candidates=(
            Candidate("coop", fit={k: v for k, v in coop.items() if k not in partner_fit}),
            Candidate("firm", kind=MemberKind.partner, in_group=False, fit=partner_fit),
        ),
        max_members=2,
    )
    return assemble(request)[0]


@pytest.mark.parametrize(
    ("partner_reqs", "form", "subcontractors"),
    [
        (1, LegalForm.cae, ["firm"]),  # 10 % < 15 %: subcontractor of the cooperative
        (2, LegalForm.joint, []),  # 20 %: co-contractor, below the 30 % solidarity line
        (4, LegalForm.joint_and_several, []),  # 40 %: substantial outside share
    ],
)
def test_assemble_legal_form_follows_the_partner_share(
    partner_reqs: int, form: LegalForm, subcontractors: list[str]
) -> None:
    proposal = _legal_case({f"r{i}": 1.0 for i in range(partner_reqs)})
    assert proposal.legal_form is form
    assert proposal.subcontractors == subcontractors
    roles = {m.member_id: m.role for m in proposal.members}
    assert roles["coop"] is TeamRole.mandataire
    assert roles["firm"] is (TeamRole.subcontractor if subcontractors else TeamRole.cotraitant)


def _rotation_request(*, rotate: bool) -> AssemblyRequest:
    return AssemblyRequest(
        requirements=tuple(Requirement(f"r{i}", None, f"need {i}") for i in range(4)),
        candidates=(
            Candidate("ann", intention=IntentionRole.lead, fit={"r0": 1.0, "r1": 1.0}),
            Candidate("bob", intention=IntentionRole.lead, fit={"r2": 0.9, "r3": 0.9}),
        ),
        max_members=2,
        work_sharing=WorkSharing(rotate_mandataire=rotate),
        past_mandataire_counts={"ann": 3, "bob": 1},
    )


def test_assemble_mandataire_is_the_best_fitting_lead_without_rotation() -> None:
    assert assemble(_rotation_request(rotate=False))[0].mandataire == "ann"


def test_assemble_mandataire_rotates_among_near_ties() -> None:
    proposal = assemble(_rotation_request(rotate=True))[0]
    assert proposal.mandataire == "bob"
    assert any("fewer past mandates (1 vs 3)" in r for r in proposal.reasons)


def test_evaluate_go_rule_names_the_failing_lot_and_the_shortfall() -> None:
    proposal = Consortium(
        members=[
            ConsortiumMember(member_id="ann", role=TeamRole.mandataire, share=1.0, lots=["1"])
        ],
        mandataire="ann",
        legal_form=LegalForm.cae,
        coverage=0.7,
        coverage_by_lot={"1": 0.9, "2": 0.5},
        score=0.5,
    )
    decision = evaluate_go_rule(proposal, GoRule(min_leads=1, min_coverage=0.8))
    assert not decision.go
    assert decision.reasons == [
        "Fail: 0 declared lead(s) in the team, 1 required.",
        "Pass: lot 1 coverage 90% >= 80% required.",
        "Fail: lot 2 coverage 50% < 80% required (30 points short).",
    ]
    assert evaluate_go_rule(proposal, GoRule(min_leads=0, min_coverage=0.5)).go
