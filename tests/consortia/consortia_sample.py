"""A realistic three-lot notice answered by the sample group (``data/devset``).

The fit scores are made by hand from the members' declared expertise (what the
matching index would score highly), not computed by the matching index: this
keeps the consortia tests independent of the embedder.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from app.consortia import AssemblyRequest, Candidate, Requirement
from models.consortium import IntentionRole
from models.group import Group
from models.member import Member

DEVSET = Path(__file__).resolve().parents[2] / "data" / "devset"

REQUIREMENTS = (
    Requirement("1a", "1", "Enquête quantitative auprès des habitants (questionnaire)", 2.0),
    Requirement("1b", "1", "Entretiens qualitatifs avec les acteurs du quartier"),
    Requirement("1c", "1", "Analyse statistique et rapport de diagnostic"),
    Requirement("2a", "2", "Animation d'ateliers participatifs avec les habitants", 2.0),
    Requirement("2b", "2", "Médiation sociale et mobilisation des publics éloignés"),
    Requirement("2c", "2", "Formation des agents à l'animation de la concertation"),
    Requirement("2d", "2", "Sécurisation juridique de la concertation préalable"),
    Requirement("2e", "2", "Buffets lors des réunions publiques"),
    Requirement("3a", "3", "Identité visuelle et supports de communication", 2.0),
    Requirement("3b", "3", "Impression et distribution des flyers et affiches"),
    Requirement("3c", "3", "Site web participatif accessible (RGAA)"),
    Requirement("3d", "3", "Relations presse et réseaux sociaux"),
)

FITS: dict[str, dict[str, float]] = {
    "m-studies": {"1a": 0.9, "1b": 0.85, "1c": 0.9, "2a": 0.55},
    "m-social": {"1b": 0.55, "2a": 0.8, "2b": 0.85},
    "m-training": {"2a": 0.6, "2c": 0.9},
    "m-comm": {"3a": 0.9, "3b": 0.5, "3d": 0.8},
    "m-web": {"3c": 0.85},
    "m-print": {"3a": 0.3, "3b": 0.9},
    "m-legal": {"2d": 0.75},
    "m-catering": {"2e": 0.8},
    "m-archi": {"1c": 0.2},
}

INTENTIONS: dict[str, tuple[IntentionRole, tuple[str | None, ...]]] = {
    "m-studies": (IntentionRole.lead, ()),
    "m-social": (IntentionRole.contributor, ()),
    "m-comm": (IntentionRole.contributor, ("3",)),
    "m-training": (IntentionRole.interested, ("2",)),
    "m-print": (IntentionRole.declined, ()),
}


def load_group() -> Group:
    """The sample group, as ``cotender groups import`` reads it."""
    return Group.model_validate(yaml.safe_load((DEVSET / "group.yaml").read_text()))


def load_members() -> dict[str, Member]:
    """The sample members, by id."""
    raw = yaml.safe_load((DEVSET / "members.yaml").read_text())
    return {m.id: m for m in (Member.model_validate(item) for item in raw)}


def sample_request(*, max_members: int = 7, past: dict[str, int] | None = None) -> AssemblyRequest:
    """The sample group's request for the three-lot notice."""
    group = load_group()
    members = load_members()
    candidates = []
    for member_id, fit in FITS.items():
        member = members[member_id]
        intention, lots = INTENTIONS.get(member_id, (None, ()))
        candidates.append(
            Candidate(
                member_id=member_id,
                kind=member.kind,
                in_group=member_id in group.members,
                intention=intention,
                intention_lots=lots,
                availability_days_per_month=member.availability_days_per_month,
                fit=fit,
            )
        )
    return AssemblyRequest(
        requirements=REQUIREMENTS,
        candidates=tuple(candidates),
        lots=("1", "2", "3"),
        max_members=max_members,
        work_sharing=group.procedure.work_sharing,
        go_rule=group.procedure.go_rule,
        past_mandataire_counts=past or {},
    )
