"""Consortia a lead would send, on the three-lot notice of issue 11, with the real model.

The sample group (``data/devset/group.yaml``) and every devset member are the
candidates; fits come from ``app.consortia.fits`` with the packaged USE model, as the
API computes them. Lot 1 asks for a survey of residents and a social diagnosis, lot 2
for an information campaign and printed material, lot 3 for training municipal agents
to run public meetings. Before the fits were held to "could do this requirement",
later proposals put the cleaner, the caterer and the architect on the training lot
and the lawyer on the communication lot.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from app.consortia import AssemblyRequest, assemble
from app.consortia.fits import calibration_for, member_fits, notice_requirements
from app.consortia.inputs import Candidate
from app.search.embedder import load_embedder
from app.search.units import member_units
from models.consortium import Consortium
from models.group import Group
from models.member import Member
from models.notice import Lot, Notice

DEVSET = Path(__file__).resolve().parents[2] / "data" / "devset"
NOTICE = Notice(
    id="boamp:26-000011",
    source="boamp",
    title="Démarche participative pour le renouvellement urbain du quartier",
    lots=[
        Lot(id="1", title="Enquête auprès des habitants et diagnostic social du quartier"),
        Lot(id="2", title="Campagne d'information et supports imprimés"),
        Lot(id="3", title="Formation des agents municipaux à l'animation de réunions publiques"),
    ],
)
NOT_ON = {"3": {"m-clean", "m-catering", "m-archi"}, "2": {"m-legal"}}


@cache
def _request(max_members: int) -> AssemblyRequest:
    group = Group.model_validate(yaml.safe_load((DEVSET / "group.yaml").read_text("utf-8")))
    raw = yaml.safe_load((DEVSET / "members.yaml").read_text("utf-8"))
    members = [Member.model_validate(m) for m in raw]
    requirements = notice_requirements(NOTICE)
    embedder = load_embedder("use")
    fits = member_fits(
        requirements,
        {m.id: member_units(m) for m in members},
        embedder,
        calibration_for(embedder.name),
    )
    return AssemblyRequest(
        requirements=tuple(r.requirement for r in requirements),
        candidates=tuple(
            Candidate(
                member_id=m.id,
                kind=m.kind,
                in_group=m.id in group.members,
                availability_days_per_month=m.availability_days_per_month,
                fit=fits[m.id],
            )
            for m in members
        ),
        lots=("1", "2", "3"),
        max_members=max_members,
        work_sharing=group.procedure.work_sharing,
        go_rule=group.procedure.go_rule,
    )


def _placements(proposal: Consortium) -> set[tuple[str, str | None]]:
    return {(lot, m.member_id) for m in proposal.members for lot in m.lots}


@pytest.mark.slow
@pytest.mark.parametrize("max_members", [4, 6])
def test_no_implausible_member_in_any_proposal(max_members: int) -> None:
    request = _request(max_members)
    proposals = assemble(request)
    assert proposals
    first = proposals[0]
    assert first.coverage_by_lot == {"1": 1.0, "2": 1.0, "3": 1.0, "_notice": 1.0}
    for proposal in proposals:
        for lot, member_id in _placements(proposal):
            assert member_id not in NOT_ON.get(str(lot), set()), (lot, member_id)
            # Whoever works on a lot is responsible for a requirement of it that they fit.
            fits = next(c.fit for c in request.candidates if c.member_id == member_id)
            lot_fits = [f for rid, f in fits.items() if rid.startswith(f"{lot}/")]
            assert max(lot_fits) >= request.cover_threshold
        for gap in proposal.gaps:
            assert not set(gap.suggestions) & NOT_ON.get(str(gap.lot), set())
    if len(proposals) < request.max_proposals:
        assert any(r.startswith("No further proposal") for r in proposals[-1].reasons)
