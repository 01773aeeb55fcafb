"""Administrative checklist per legal form, and due dates from the procedure's steps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from app.drafting.checklist import build_checklist, step_for_document
from app.drafting.planning import plan_steps
from models.consortium import Consortium
from models.draft import ChecklistItem, PlannedStep
from models.group import Document, Group, Procedure
from models.vocabulary.time import PARIS

DEADLINE = datetime(2027, 1, 15, 12, tzinfo=PARIS)
SIGN_DAY = date(2027, 1, 13)  # sign_and_submit, D-2
NAMES = {"m-studies": "Inès Moreau", "m-comm": "Claire Dumont", "m-legal": "Alexandre Martin"}


def checklist(group: Group, proposal: Consortium) -> list[ChecklistItem]:
    planning = plan_steps(group.procedure, DEADLINE, proposal, group.leads, date(2026, 12, 1))
    return build_checklist(
        procedure=group.procedure,
        proposal=proposal,
        planning=planning,
        deadline_day=DEADLINE.date(),
        cooperative=group.cooperative,
        names=NAMES,
    )


def by_id(items: list[ChecklistItem]) -> dict[str, ChecklistItem]:
    return {item.id: item for item in items}


def test_checklist_cae_cooperative_is_single_candidate(group: Group, make_proposal: Any) -> None:
    items = checklist(group, make_proposal("cae"))
    assert [i.id for i in items] == [
        "DC1",
        "DC2:cooperative",
        "DUME",
        "memoire_technique",
        "price_schedule",
    ]
    found = by_id(items)
    for form in ("DC1", "DC2:cooperative", "DUME"):
        assert found[form].signed_by_cooperative
        assert found[form].signatories == []
        assert found[form].owner == "m-studies"
        assert found[form].due == SIGN_DAY
    assert "Grands Ensemble (CAE)" in found["DC1"].note
    assert "interne" in found["DC1"].note
    assert found["DUME"].alternative_to == [Document.DC1, Document.DC2]


def test_checklist_joint_dc1_once_dc2_per_member(group: Group, make_proposal: Any) -> None:
    items = checklist(group, make_proposal("joint"))
    assert [i.id for i in items] == [
        "DC1",
        "DC2:m-studies",
        "DC2:m-comm",
        "DUME",
        "memoire_technique",
        "price_schedule",
    ]
    found = by_id(items)
    assert [i.document for i in items].count(Document.DC1) == 1
    assert found["DC1"].signatories == ["m-studies", "m-comm"]
    assert "désigne Inès Moreau comme mandataire" in found["DC1"].note
    assert not found["DC1"].signed_by_cooperative
    assert found["DC2:m-comm"].owner == "m-comm"
    assert found["DC2:m-comm"].for_member == "m-comm"
    assert found["DC2:m-comm"].signatories == ["m-comm"]
    assert found["DUME"].alternative_to == [Document.DC1, Document.DC2]
    assert found["DUME"].step_key == "sign_and_submit" and found["DUME"].due == SIGN_DAY
    assert "cotraitant" in found["price_schedule"].note


def test_checklist_joint_and_several_with_subcontractor(group: Group, make_proposal: Any) -> None:
    proposal = make_proposal(
        "joint_and_several",
        members=[
            {"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 0.5},
            {"member_id": "m-comm", "role": "cotraitant", "lots": ["2"], "share": 0.4},
            {"member_id": "m-legal", "role": "subcontractor", "lots": ["1"], "share": 0.1},
        ],
    )
    items = checklist(group, proposal)
    found = by_id(items)
    assert "DC2:m-legal" not in found  # a subcontractor is not a candidate
    assert found["DC4:m-legal"].document is Document.DC4
    assert found["DC4:m-legal"].for_member == "m-legal"
    assert found["DC4:m-legal"].signatories == ["m-studies", "m-legal"]
    assert found["DC4:m-legal"].due == SIGN_DAY
    assert found["DC1"].signatories == ["m-studies", "m-comm"]
    assert "totalité du marché" in found["DC1"].note
    assert [i.id for i in items].index("DC4:m-legal") < [i.id for i in items].index(
        "memoire_technique"
    )


def test_checklist_subcontractor_listed_apart_gets_dc4(group: Group, make_proposal: Any) -> None:
    found = by_id(checklist(group, make_proposal("cae", subcontractors=["m-legal"])))
    assert found["DC4:m-legal"].signatories == ["m-legal"]
    assert found["DC4:m-legal"].signed_by_cooperative


def test_checklist_group_documents_follow_their_steps(group: Group, make_proposal: Any) -> None:
    found = by_id(checklist(group, make_proposal("joint")))
    assert found["memoire_technique"].step_key == "draft_sections"
    assert found["memoire_technique"].due == date(2027, 1, 8)
    assert found["memoire_technique"].owner == "m-studies"  # contributors' step: mandataire
    # "Relecture croisée et chiffrage": matched on the title, owned by the lead.
    assert found["price_schedule"].step_key == "review"
    assert found["price_schedule"].due == date(2027, 1, 11)


def planned(key: str, title: str, due: date) -> PlannedStep:
    return PlannedStep(
        key=key, title=title, owner_role="lead", owners=["m-a"], offset_days=1, due=due
    )


def test_step_for_document_falls_back() -> None:
    steps = [
        planned("kickoff", "Lancement", date(2027, 1, 1)),
        planned("end", "Fin", date(2027, 1, 2)),
    ]
    assert step_for_document(Document.DC1, steps) == steps[-1]  # forms: the last step
    assert step_for_document(Document.memoire_technique, steps) == steps[-1]
    depot = [*steps, planned("final", "Dépôt de l'offre", date(2027, 1, 3))]
    assert step_for_document(Document.DC2, depot) == depot[-1]


@pytest.mark.parametrize("legal_form", ["cae", "joint", "joint_and_several"])
def test_checklist_lists_group_documents_once(
    legal_form: str, group: Group, make_proposal: Any
) -> None:
    procedure = Procedure.model_validate(
        group.procedure.model_dump() | {"documents": ["memoire_technique", "memoire_technique"]}
    )
    items = checklist(group.model_copy(update={"procedure": procedure}), make_proposal(legal_form))
    assert [i.id for i in items].count("memoire_technique") == 1
    assert "price_schedule" not in [i.id for i in items]
