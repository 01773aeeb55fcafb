"""build_draft: the whole structured draft, its warnings and its refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from app.drafting.assemble import build_draft
from app.drafting.errors import DraftError
from models.consortium import LegalForm, TeamRole
from models.draft import Draft
from models.group import Group
from models.member import Member
from models.notice import Notice

TODAY = date(2026, 12, 20)
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


def draft_for(
    notice: Notice, group: Group, members: dict[str, Member], proposal: Any, **kw: Any
) -> Draft:
    return build_draft(
        notice=notice,
        group=group,
        members=members,
        proposal=proposal,
        today=kw.get("today", TODAY),
        now=kw.get("now", NOW),
    )


def test_build_draft_sample(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    draft = draft_for(notice, group, members, make_proposal("joint"))
    assert draft.notice_id == notice.id and draft.notice_title == notice.title
    assert draft.buyer == "CONSEIL DEPARTEMENTAL DES PYRENEES-ORIENTALES"
    assert draft.deadline == notice.deadline
    assert draft.generated_at == NOW and draft.as_of == TODAY
    assert draft.legal_form is LegalForm.joint and draft.mandataire == "m-studies"
    assert [(t.member_id, t.role, t.lots, t.share) for t in draft.team] == [
        ("m-studies", TeamRole.mandataire, ["1"], 0.5),
        ("m-comm", TeamRole.cotraitant, ["2"], 0.5),
    ]
    assert draft.team[0].signs == ["DC1", "DC2:m-studies", "DUME"]
    assert len(draft.planning) == 7
    assert draft.questions_due == date(2026, 12, 31)
    assert draft.questions_step == "questions_to_buyer"
    assert [o.lot for o in draft.outline] == ["1", "2"]
    assert [o.members for o in draft.outline] == [["m-studies"], ["m-comm"]]
    assert [g.requirement_id for g in draft.gaps] == ["r-print"]
    assert draft.people["m-print"] == "Hugo Lambert"  # named in a gap's suggestions
    assert any("Groupement conjoint" in note for note in draft.legal_form_notes)
    assert draft.warnings == []
    assert Draft.model_validate_json(draft.model_dump_json()) == draft


def test_build_draft_cae_notes_and_partner_warning(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    proposal = make_proposal(
        "cae",
        members=[
            {"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 0.5},
            {"member_id": "m-legal", "role": "cotraitant", "lots": ["1"], "share": 0.5},
        ],
    )
    draft = draft_for(notice, group, members, proposal)
    assert draft.legal_form_notes[0].startswith("Candidat unique : Grands Ensemble (CAE)")
    assert any("interne à la coopérative" in note for note in draft.legal_form_notes)
    assert any("Alexandre Martin est un partenaire extérieur" in w for w in draft.warnings)
    assert any("Hors du groupe" in w for w in draft.warnings)
    assert [o.lot for o in draft.outline] == ["1"]  # only the lots the team answers


def test_build_draft_warns_past_steps_and_shares(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    proposal = make_proposal(
        members=[
            {"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 0.8},
            {"member_id": "m-comm", "role": "cotraitant", "lots": ["2"], "share": 0.1},
        ]
    )
    draft = draft_for(notice, group, members, proposal, today=date(2026, 12, 29))
    assert [s.key for s in draft.planning if s.in_past] == [
        "read_need",
        "declare_intentions",
        "go_no_go",
    ]
    assert any("« Lire le besoin" in w and "déjà passée" in w for w in draft.warnings)
    assert any("La somme des parts est de 90\u00a0%" in w for w in draft.warnings)
    assert any(
        "Inès Moreau a une part de 80\u00a0%" in w and "50\u00a0%" in w for w in draft.warnings
    )


def test_build_draft_lead_outside_team(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    proposal = make_proposal(
        mandataire="m-comm",
        members=[
            {"member_id": "m-comm", "role": "mandataire", "lots": ["2"], "share": 0.5},
            {"member_id": "m-web", "role": "cotraitant", "lots": ["2"], "share": 0.5},
        ],
    )
    draft = draft_for(notice, group, members, proposal)
    lead_steps = [s for s in draft.planning if s.owner_role == "lead"]
    assert all(s.owners == ["m-studies"] for s in lead_steps)
    assert any("Aucun pilote du groupe (Inès Moreau)" in w for w in draft.warnings)


def test_build_draft_member_without_lot_works_on_every_covered_lot(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    proposal = make_proposal(
        members=[
            {"member_id": "m-studies", "role": "mandataire", "lots": [None], "share": 0.5},
            {"member_id": "m-comm", "role": "cotraitant", "lots": ["2"], "share": 0.5},
        ]
    )
    draft = draft_for(notice, group, members, proposal)
    assert draft.team[0].lots == ["2"]
    assert [o.lot for o in draft.outline] == ["2"]
    none_named = make_proposal(
        members=[
            {"member_id": "m-studies", "role": "mandataire", "share": 0.5},
            {"member_id": "m-comm", "role": "cotraitant", "share": 0.5},
        ]
    )
    draft = draft_for(notice, group, members, none_named)
    assert [o.lot for o in draft.outline] == ["1", "2"]
    assert any("tous les lots" in w for w in draft.warnings)


def test_build_draft_uses_earliest_lot_deadline(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    lots = [lot.model_copy() for lot in notice.lots]
    lots[1].deadline = datetime.fromisoformat("2027-01-08T12:00:00+01:00")
    early = notice.model_copy(update={"lots": lots})
    draft = draft_for(early, group, members, make_proposal())
    assert draft.deadline == lots[1].deadline
    assert draft.planning[-1].due == date(2027, 1, 6)
    assert any("pas la même date limite" in w for w in draft.warnings)


def test_build_draft_notice_without_lots(
    notice_without_lots: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    proposal = make_proposal(
        "cae",
        members=[
            {"member_id": "m-social", "role": "mandataire", "lots": [None], "share": 0.5},
            {"member_id": "m-training", "role": "cotraitant", "share": 0.5},
        ],
        mandataire="m-social",
    )
    draft = draft_for(notice_without_lots, group, members, proposal)
    assert [(o.lot, o.members) for o in draft.outline] == [(None, ["m-social", "m-training"])]
    assert all(t.lots == [] for t in draft.team)


MANDATAIRE = {"member_id": "m-studies", "role": "mandataire", "share": 1}


def team(*others: dict[str, Any]) -> dict[str, Any]:
    return {"proposal": {"members": [MANDATAIRE, *others]}}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"notice": {"deadline": None}}, "notice.deadline"),
        (
            team({"member_id": "m-ghost", "role": "cotraitant", "share": 0}),
            "proposal.members[1].member_id",
        ),
        (
            team({"member_id": "m-studies", "role": "cotraitant", "share": 0}),
            "proposal.members[1].member_id",
        ),
        ({"proposal": {"mandataire": "m-web"}}, "proposal.mandataire"),
        ({"proposal": {"subcontractors": ["m-studies"]}}, "proposal.mandataire"),
        ({"proposal": {"subcontractors": ["m-ghost"]}}, "proposal.subcontractors[0]"),
        (
            {"proposal": {"members": [MANDATAIRE | {"lots": ["1", "7"]}]}},
            "proposal.members[0].lots",
        ),
        (
            {"proposal": {"members": [MANDATAIRE | {"role": "subcontractor"}]}},
            "proposal.members[0].role",
        ),
        (
            team({"member_id": "m-comm", "role": "mandataire", "share": 0}),
            "proposal.members[1].role",
        ),
        ({"now": datetime(2026, 12, 20, 9)}, "now"),
    ],
)
def test_build_draft_refuses_incoherent_input(
    change: dict[str, Any],
    field: str,
    notice: Notice,
    group: Group,
    members: dict[str, Member],
    make_proposal: Any,
) -> None:
    if "notice" in change:
        notice = notice.model_copy(update=change["notice"])
    proposal = make_proposal(**change.get("proposal", {}))
    with pytest.raises(DraftError) as raised:
        draft_for(notice, group, members, proposal, now=change.get("now", NOW))
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_build_draft_refuses_lot_for_notice_without_lots(
    notice_without_lots: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    with pytest.raises(DraftError, match="it has no lots") as raised:
        draft_for(notice_without_lots, group, members, make_proposal())
    assert raised.value.field == "proposal.members[0].lots"


def test_build_draft_other_warnings(
    notice: Notice, group: Group, members: dict[str, Member], make_proposal: Any
) -> None:
    steps = [s for s in group.procedure.steps if "question" not in s.key]
    procedure = group.procedure.model_copy(update={"steps": steps})
    leaderless = group.model_copy(update={"leads": [], "procedure": procedure})
    proposal = make_proposal(
        "joint",
        members=[{"member_id": "m-studies", "role": "mandataire", "lots": ["1"], "share": 1.0}],
        subcontractors=["m-print"],
        coverage_by_lot={"1": 0.6},
        go_no_go={"go": False, "reasons": ["Fail: lot 1 coverage 60% < 80% required"]},
    )
    closed = notice.model_copy(update={"status": "closed"})
    draft = draft_for(closed, leaderless, members, proposal, today=date(2027, 1, 20))
    text = "\n".join(draft.warnings)
    assert "La date limite de remise des offres (vendredi 15/01/2027) est passée." in text
    assert "déjà passée" not in text and all(s.in_past for s in draft.planning)
    assert "pas d'étape « questions » : questions à l'acheteur fixées à J-10" in text
    assert draft.questions_step is None and draft.questions_due == date(2027, 1, 5)
    assert "statut : closed" in text
    assert "Le groupe n'a pas de pilote" in text
    assert "Un groupement suppose au moins deux cotraitants." in text
    assert "Sous-traitants absents de la répartition (part 0, sans lot) : Hugo Lambert." in text
    # The verdict is said again from the group's rule, in the draft's language, not the
    # English reasons the proposal carries.
    assert (
        "La règle de décision du groupe n'est pas satisfaite : Non : 0 pilote déclaré dans "
        "l'équipe, 1 requis. Non : couverture du lot 1 de 60\u00a0% < 80\u00a0% requis "
        "(20 points de moins)."
    ) in text
    assert "Fail" not in text and "required" not in text
    lead_steps = [s for s in draft.planning if s.owner_role == "lead"]
    assert all(s.owners == ["m-studies"] for s in lead_steps)
    assert draft.team[-1].member_id == "m-print"
    assert draft.team[-1].share == 0 and draft.team[-1].signs == ["DC4:m-print"]
