"""Invariants of every proposal, checked on random requests (hypothesis)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings

from app.consortia import AssemblyRequest, NoFeasibleTeamError, assemble
from app.consortia.decode import lot_key
from app.consortia.roles import SOLIDARITY_SHARE, SUBCONTRACT_SHARE
from models.consortium import NO_LOT_KEY, Consortium, IntentionRole, LegalForm, TeamRole
from models.member import MemberKind
from tests.consortia.consortia_strategies import assembly_requests

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _proposals(request: AssemblyRequest) -> list[Consortium]:
    try:
        return assemble(request)
    except NoFeasibleTeamError:
        return []


def _check_coverage(request: AssemblyRequest, proposal: Consortium) -> None:
    """Coverage, recomputed from the documented definition, matches the proposal."""
    cands = {c.member_id: c for c in request.candidates}
    team = [cands[m.member_id] for m in proposal.members]
    selected = set(request.lots)
    reqs = [r for r in request.requirements if r.lot is None or r.lot in selected]

    def covered(r_id: str, lot: str | None) -> bool:
        return any(
            c.eligible(lot) and c.fit.get(r_id, 0.0) >= request.cover_threshold for c in team
        )

    by_lot: dict[str, list[tuple[float, bool]]] = {}
    for r in reqs:
        key = NO_LOT_KEY if r.lot is None else r.lot
        by_lot.setdefault(key, []).append((r.weight, covered(r.id, r.lot)))
    expected = {k: sum(w for w, ok in v if ok) / sum(w for w, _ in v) for k, v in by_lot.items()}
    assert proposal.coverage_by_lot == pytest.approx(expected, abs=1e-12)
    overall = sum(w for v in by_lot.values() for w, ok in v if ok) / sum(r.weight for r in reqs)
    assert proposal.coverage == pytest.approx(overall, abs=1e-12)
    gaps = [r.id for r in reqs if not covered(r.id, r.lot)]
    assert [g.requirement_id for g in proposal.gaps] == gaps
    for gap in proposal.gaps:
        for member_id in gap.suggestions:
            helper = cands[member_id]
            assert member_id not in {c.member_id for c in team}
            assert helper.eligible(gap.lot)
            assert helper.fit[gap.requirement_id] >= request.cover_threshold


def _check_roles(proposal: Consortium) -> None:
    """One mandataire among co-contractors; subcontractors and legal form follow the rules."""
    roles = [m.role for m in proposal.members]
    assert roles.count(TeamRole.mandataire) == 1
    by_id = {m.member_id: m for m in proposal.members}
    assert by_id[proposal.mandataire].role is TeamRole.mandataire
    has_cae = any(m.kind == MemberKind.cae_member for m in proposal.members)
    for m in proposal.members:
        minor_partner = m.kind == MemberKind.partner and m.share < SUBCONTRACT_SHARE and has_cae
        assert (m.role is TeamRole.subcontractor) == minor_partner
        assert (m.member_id in proposal.subcontractors) == minor_partner
    partners = [
        m
        for m in proposal.members
        if m.kind == MemberKind.partner and m.role is not TeamRole.subcontractor
    ]
    if not partners:
        assert proposal.legal_form is LegalForm.cae
    elif sum(m.share for m in partners) >= SOLIDARITY_SHARE:
        assert proposal.legal_form is LegalForm.joint_and_several
    else:
        assert proposal.legal_form is LegalForm.joint
    leads = [m for m in proposal.members if m.intention is IntentionRole.lead]
    cotraitant_leads = [m for m in leads if m.role is not TeamRole.subcontractor]
    if cotraitant_leads:
        assert by_id[proposal.mandataire].intention is IntentionRole.lead


@SETTINGS
@given(assembly_requests(max_candidates=8, max_requirements=8, max_team=5))
def test_assemble_proposals_respect_every_invariant(request: AssemblyRequest) -> None:
    proposals = _proposals(request)
    assert len(proposals) <= request.max_proposals
    cands = {c.member_id: c for c in request.candidates}
    cap = 1.0 if request.max_members == 1 else request.work_sharing.max_share_per_member
    for proposal in proposals:
        members = proposal.members
        assert 1 <= len(members) <= request.max_members
        for m in members:
            c = cands[m.member_id]
            assert c.availability_days_per_month != 0
            assert not (c.intention is IntentionRole.declined and not c.intention_lots)
            assert all(not c.declined(lot) for lot in m.lots)
            assert 0 < m.share <= cap + 1e-12
        assert sum(m.share for m in members) == pytest.approx(1.0, abs=1e-6)
        for lot in request.lots:
            staffed = any(lot in m.lots for m in members)
            # A lot has a member exactly when the team covers some of it (no one who does
            # not fit a lot is placed on it).
            assert staffed == (proposal.coverage_by_lot[lot_key(lot)] > 0), f"lot {lot}"
        _check_coverage(request, proposal)
        _check_roles(proposal)
        decision = proposal.go_no_go
        assert decision is not None
        leads = sum(m.intention is IntentionRole.lead for m in members)
        expected_go = leads >= request.go_rule.min_leads and all(
            v + 1e-9 >= request.go_rule.min_coverage for v in proposal.coverage_by_lot.values()
        )
        assert decision.go == expected_go
    scores = [p.score for p in proposals]
    assert scores == sorted(scores, reverse=True)


@SETTINGS
@given(assembly_requests(max_candidates=8, max_requirements=8, max_team=5))
def test_assemble_proposals_are_genuinely_different(request: AssemblyRequest) -> None:
    teams = [{m.member_id for m in p.members} for p in _proposals(request)]
    for i, earlier in enumerate(teams):
        for later in teams[i + 1 :]:
            assert len(earlier - later) >= min(2, len(earlier)), (earlier, later)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assembly_requests(max_candidates=8, max_requirements=8, max_team=5))
def test_assemble_same_input_gives_the_same_output(request: AssemblyRequest) -> None:
    try:
        first = [p.model_dump() for p in assemble(request)]
    except NoFeasibleTeamError as error:
        with pytest.raises(NoFeasibleTeamError, match=re.escape(str(error))):
            assemble(request)
        return
    assert [p.model_dump() for p in assemble(request)] == first
