"""Ranking examples from the assessors' notes (``data/devset/judging-notes``), real model.

The pool is every devset notice (a member's CPV profile comes from their best text
matches in the whole pool, so a small pool would not say what serving does) plus an
invented 17-lot building works notice; the ranking is ``rank_notices``, the scoring
the engine serves and the tuner tunes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache

import pytest
import yaml

from app.matching.batch import NoticeBatch, build_batch, build_member
from app.matching.lexical import BM25Index, notices_index
from app.matching.scoring import Match, ScoringWeights, member_context, rank_notices
from app.matching.sells import notice_buys
from app.matching.strength import MatchStrength, strength_of
from app.search.embedder import Embedder, load_embedder
from models.member import Member
from models.notice import Lot, Nature, Notice
from tests.utils.data import DEVSET, devset_notices

NOW = datetime(2026, 12, 1, tzinfo=UTC)
PAINTING_WORKS = [
    "decp:217402643000192018TRBAT183000",  # travaux de peinture intérieure, bâtiments communaux
    "decp:215904103000112018PPt-m47eI_00",  # travaux de peinture dans les bâtiments communaux
]
PAINT_SUPPLY = [
    "decp:388956302000292018F1803DCP00",  # fourniture de matériel de peinture
    "decp:219740040000152019ROa4iDeQoz00",  # fourniture de peintures pour 2019 & 2020
    "decp:221700016007382018hxNQLHku_600",  # fourniture et livraison de peinture
]
WEBSITE = ["decp:2178031130001820182rG0hS6Dd200"]  # refonte du site internet de la ville
VENDOR_PACKAGES = [
    "decp:2245000170001320181834000",  # maintenance du progiciel GESTIMARCHES
    "decp:2245000170001320181831500",  # maintenance du progiciel MICROSAT
    "decp:0000000000000020183WC4e9_iEw00",  # maintenance progiciel Symphony
]
PAINTER = Member(
    id="m-painter",
    name="Peintre en bâtiment",
    expertise=[
        "Peintre en bâtiment : peinture intérieure et extérieure, ravalement de façades.",
        "Pose de revêtements muraux et de sols souples dans les bâtiments publics.",
    ],
)
ACCOUNTANT = Member(
    id="m-accountant",
    name="Expert-comptable",
    expertise=[
        "Expertise comptable, audit financier et commissariat aux comptes pour les "
        "associations et les collectivités.",
        "Accompagnement à la gestion budgétaire et analyse financière.",
    ],
)
"""Not a devset member: the assessors never read their list."""
ENERGY_AUDITOR = Member(
    id="m-energy",
    name="Auditrice énergétique",
    expertise=[
        "Audits énergétiques des bâtiments publics et tertiaires, bilans carbone.",
        "Accompagnement des collectivités à la rénovation thermique et aux économies d'énergie.",
    ],
)
"""Not a devset member: each statement names its service, so no works are read."""
ENERGY_PRECARITY = "decp:223300013000162018180065S100"  # accompagnement des ménages
CLIMATE_PLAN = "decp:200033116000192019SPA20183600"  # accompagnement au PCAET
STATUTORY_AUDIT = "decp:8245411480001420192018ALS05300"  # commissaires aux comptes
DEBT_PLATFORM = "decp:824538557000112018ALI00300"  # plateforme de gestion de la dette (48441000)
LOT_CODES = {"1": ["45262660"], "2": ["45223220"], "3": ["45442100"], "14": ["45310000"]}
"""CPV codes of some lots, as buyers give them (asbestos removal, structural works,
painting, electrical works); the others carry only the notice's code."""
BUILDING_WORKS = Notice(
    id="boamp:26-000017",
    source="boamp",
    title="Réhabilitation et extension du groupe scolaire Jean Moulin (17 lots)",
    cpv=["45000000"],
    lots=[
        Lot(id=str(i), title=title, cpv=LOT_CODES.get(str(i), []))
        for i, title in enumerate(
            [
                "Désamiantage",
                "Gros œuvre",
                "Peinture et revêtements muraux",
                "Charpente",
                "Couverture",
                "Étanchéité",
                "Menuiseries extérieures",
                "Menuiseries intérieures",
                "Serrurerie",
                "Plâtrerie",
                "Carrelage",
                "Plomberie",
                "Chauffage ventilation",
                "Électricité",
                "Ascenseur",
                "VRD",
                "Espaces verts",
            ],
            start=1,
        )
    ],
)


@cache
def _embedder() -> Embedder:
    return load_embedder("use")


@cache
def _pool() -> tuple[NoticeBatch, BM25Index]:
    notices = [*devset_notices(), BUILDING_WORKS]
    return build_batch(notices, _embedder()), notices_index(notices)


def _rank(member: Member) -> list[Match]:
    batch, lexical = _pool()
    evidence = build_member(member, _embedder())
    return rank_notices(evidence, batch, lexical, include_closed=True, now=NOW)


def _position(matches: list[Match], notice_id: str) -> float:
    ids = [m.notice_id for m in matches]
    return ids.index(notice_id) if notice_id in ids else float("inf")


@pytest.mark.slow
def test_painter_sees_painting_works_and_not_paint_supply() -> None:
    matches = _rank(PAINTER)
    works = [_position(matches, n) for n in PAINTING_WORKS]
    assert max(works) < 30
    # Goods only are another trade: not proposed, or (a supply the text cannot tell
    # from a service) after every painting works notice.
    assert all(_position(matches, supply) > max(works) for supply in PAINT_SUPPLY)
    assert _position(matches, PAINT_SUPPLY[0]) == float("inf")


@pytest.mark.slow
def test_web_developer_sees_a_website_redesign_before_vendor_package_maintenance() -> None:
    members = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    web = Member.model_validate(next(m for m in members if m["id"] == "m-web"))
    matches = _rank(web)
    redesign = _position(matches, WEBSITE[0])
    assert redesign < 30
    assert all(redesign < _position(matches, n) for n in VENDOR_PACKAGES)


@pytest.mark.slow
def test_a_fitting_lot_of_a_large_works_notice_is_proposed_and_named() -> None:
    matches = _rank(PAINTER)
    match = next(m for m in matches if m.notice_id == BUILDING_WORKS.id)
    assert match.lot == "3"
    assert _position(matches, BUILDING_WORKS.id) < 50
    assert any(p.passage.lot == "3" for p in match.reasons.passages)


@pytest.mark.slow
def test_an_accountant_s_profile_holds_no_software_code_and_audits_come_first() -> None:
    batch, lexical = _pool()
    evidence = build_member(ACCOUNTANT, _embedder())
    profile = member_context(evidence, batch, lexical, ScoringWeights()).profile
    codes = {c.code for c in profile.codes()}
    assert "79212000" in codes  # auditing services: what the member's words and buyers say
    assert not any(code.startswith("48") for code in codes)  # "financial analysis software"
    matches = _rank(ACCOUNTANT)
    assert _position(matches, STATUTORY_AUDIT) < 5
    assert _position(matches, STATUTORY_AUDIT) < _position(matches, DEBT_PLATFORM)


@pytest.mark.slow
def test_a_member_who_declares_no_works_is_proposed_no_works_only_notice() -> None:
    members = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    green = Member.model_validate(next(m for m in members if m["id"] == "m-green"))
    batch, _ = _pool()
    notices = {n.id: n for n in batch.notices}

    def works_only(match: Match) -> bool:
        return notice_buys(notices[match.notice_id], match.lot).natures == {Nature.works}

    # Read from the statements ("taille de haies" names no service): the works stay.
    assert sum(works_only(m) for m in _rank(green)[:10]) >= 5
    declared = _rank(green.model_copy(update={"sells": [Nature.services]}))
    assert len(declared) >= 10 and not any(works_only(m) for m in declared)
    assert all("45" not in {c.member_code[:2] for c in m.reasons.cpv} for m in declared[:10])


@pytest.mark.slow
def test_an_energy_auditor_gets_energy_services_and_no_renovation_works() -> None:
    batch, _ = _pool()
    notices = {n.id: n for n in batch.notices}
    matches = _rank(ENERGY_AUDITOR)
    # Before works were read from the statements, all ten were thermal renovation works.
    assert not any(
        notice_buys(notices[m.notice_id], m.lot).natures == {Nature.works} for m in matches
    )
    assert _position(matches, ENERGY_PRECARITY) < 5
    assert _position(matches, CLIMATE_PLAN) < 10


@pytest.mark.slow
def test_the_strength_words_keep_their_promise_on_the_judged_devset() -> None:
    """« forte » means nearly always relevant, « faible » mostly not (the assessors' grades)."""
    judged = json.loads((DEVSET / "judged.json").read_text(encoding="utf-8"))
    members = yaml.safe_load((DEVSET / "members.yaml").read_text(encoding="utf-8"))
    grades: dict[MatchStrength, list[int]] = {band: [] for band in MatchStrength}
    for data in members:
        member = Member.model_validate(data)
        for match in _rank(member)[:30]:
            grade = judged[member.id].get(match.notice_id)
            if grade is not None:
                grades[strength_of(match.score)].append(grade)
    relevant = {band: sum(g > 0 for g in found) / len(found) for band, found in grades.items()}
    assert all(len(grades[band]) >= 10 for band in MatchStrength)
    strong, good, possible, weak = (relevant[band] for band in reversed(MatchStrength))
    assert strong >= 0.85 and strong > good > possible > weak
    assert good >= 0.7 and possible >= 0.45 and weak <= 0.4
