"""A realistic three-lot case built from the sample group (``data/devset``).

The notice ("démarche participative" for an urban renewal project) and its
requirements are invented; members, group, work-sharing and go rules come from
``data/devset/members.yaml`` and ``group.yaml``. Fit scores are made by hand from
the members' declared expertise (see ``consortia_sample``), not by the matching
index. ``m-print`` declined; ``m-legal`` is an outside partner firm.
"""

from __future__ import annotations

import pytest

from app.consortia import assemble
from models.consortium import LegalForm, TeamRole
from tests.consortia.consortia_sample import sample_request


def test_sample_group_best_team_with_room_for_the_partner() -> None:
    proposals = assemble(sample_request(max_members=7))
    best = proposals[0]
    team = {m.member_id: m for m in best.members}
    assert set(team) == {
        "m-studies",
        "m-comm",
        "m-social",
        "m-training",
        "m-web",
        "m-legal",
        "m-catering",
    }
    assert best.mandataire == "m-studies"  # the group's only declared lead
    assert best.members[0].member_id == "m-studies"
    assert team["m-legal"].role is TeamRole.subcontractor  # 1 requirement of 15: 7 %
    assert best.subcontractors == ["m-legal"]
    assert best.legal_form is LegalForm.cae  # every co-contractor is in the cooperative
    assert team["m-studies"].lots == ["1"]
    assert team["m-comm"].lots == ["3"]
    assert best.coverage == 1.0 and best.gaps == []
    assert best.coverage_by_lot == {"1": 1.0, "2": 1.0, "3": 1.0}
    assert max(m.share for m in best.members) <= 0.5  # the group's max_share_per_member
    assert best.go_no_go is not None and best.go_no_go.go
    assert any("declined: m-print" in reason for reason in best.reasons)
    assert any(reason.startswith("Legal form cae") for reason in best.reasons)
    for proposal in proposals:
        assert "m-print" not in {m.member_id for m in proposal.members}


def test_sample_group_smaller_team_leaves_the_partner_as_a_suggestion() -> None:
    best = assemble(sample_request(max_members=6))[0]
    assert "m-legal" not in {m.member_id for m in best.members}
    assert [(g.requirement_id, g.suggestions) for g in best.gaps] == [("2d", ["m-legal"])]
    assert best.coverage_by_lot["2"] == pytest.approx(5 / 6)
    assert best.go_no_go is not None and best.go_no_go.go  # 83 % >= 80 % on lot 2


def test_sample_group_four_members_fail_the_go_rule_on_lot_2() -> None:
    best = assemble(sample_request(max_members=4))[0]
    assert {m.member_id for m in best.members} == {"m-studies", "m-comm", "m-social", "m-training"}
    assert best.go_no_go is not None and not best.go_no_go.go
    assert "Fail: lot 2 coverage 67% < 80% required (13 points short)." in best.go_no_go.reasons


def test_sample_group_proposals_are_ranked_and_distinct() -> None:
    proposals = assemble(sample_request(max_members=7))
    assert len(proposals) == 5
    scores = [p.score for p in proposals]
    assert scores == sorted(scores, reverse=True)
    teams = [{m.member_id for m in p.members} for p in proposals]
    for i, earlier in enumerate(teams):
        for later in teams[i + 1 :]:
            assert len(earlier - later) >= 2
