"""Mémoire technique outline: quoted need, criteria in the buyer's order, slotted profiles."""

from __future__ import annotations

from datetime import date

from app.drafting.outline import (
    RelevanceScores,
    build_outline,
    content_tokens,
    criteria_entries,
    overlap_score,
    questions_due,
)
from app.drafting.planning import french_holidays
from models.draft import NeedSource, PlannedStep, SectionKind, SlotKind
from models.member import Member
from models.notice import AwardCriterion, Notice


def test_outline_per_lot_quotes_need_and_keeps_criteria_order(
    notice: Notice, members: dict[str, Member]
) -> None:
    outlines = build_outline(
        notice=notice, assignments={"1": ["m-studies"], "2": ["m-comm"]}, members=members
    )
    first, second = outlines
    assert first.lot == "1" and first.title == "Enquête auprès des habitants"
    assert first.need.startswith("Réalisation d'une enquête qualitative")
    assert first.need_source is NeedSource.lot_description
    # The buyer lists price first although it weighs less: the order is theirs.
    assert [(c.rank, c.name, c.weight_percent) for c in first.criteria] == [
        (1, "Prix", 40.0),
        (2, "Valeur technique", 60.0),
    ]
    assert first.criteria_source == "lot"
    # Lot 2 has no description nor criteria: its title, and the notice's criteria.
    assert second.need == "Communication de la concertation"
    assert second.need_source is NeedSource.lot_title
    assert [(c.name, c.weight, c.weight_percent) for c in second.criteria] == [
        ("Valeur technique", 0.7, 70.0),
        ("Prix", 0.3, 30.0),
    ]
    assert second.criteria_source == "notice"
    assert [s.kind for s in first.sections] == list(SectionKind)
    assert [s.title for s in first.sections] == [
        "Compréhension du besoin",
        "Méthodologie",
        "Équipe",
        "Planning",
        "Références",
    ]


def test_outline_without_lots_uses_notice_description(
    notice_without_lots: Notice, members: dict[str, Member]
) -> None:
    (outline,) = build_outline(
        notice=notice_without_lots, assignments={None: ["m-social"]}, members=members
    )
    assert outline.lot is None
    assert outline.title == notice_without_lots.title
    assert outline.need == notice_without_lots.description
    assert outline.need_source is NeedSource.notice_description
    assert outline.criteria == [] and outline.criteria_source is None


def test_outline_falls_back_to_notice_title(members: dict[str, Member]) -> None:
    bare = Notice(id="decp:x", title="Mission de conseil en communication concertation")
    (outline,) = build_outline(notice=bare, assignments={None: ["m-comm"]}, members=members)
    assert outline.need == bare.title and outline.need_source is NeedSource.notice_title


def test_outline_slots_most_relevant_statements_and_references(
    notice: Notice, members: dict[str, Member]
) -> None:
    (outline,) = build_outline(
        notice=notice, assignments={"1": ["m-studies", "m-comm"]}, members=members
    )
    sections = {s.kind: s for s in outline.sections}
    team = sections[SectionKind.team].items
    assert [i.member_id for i in team] == ["m-studies", "m-studies", "m-comm", "m-comm"]
    assert team[0].kind is SlotKind.expertise
    assert team[0].text.startswith("Sociologue, enquêtes qualitatives et quantitatives")
    assert team[0].score is not None and team[1].score is not None
    assert team[0].score >= team[1].score > 0
    references = sections[SectionKind.references].items
    assert [(r.member_id, r.kind) for r in references] == [("m-comm", SlotKind.reference)]
    assert references[0].reference is not None
    assert "Métropole européenne de Lille (2024)" in references[0].text
    planning = sections[SectionKind.planning].items
    assert [i.text for i in planning] == [
        "8 jours par mois disponibles",
        "8 jours par mois disponibles",
    ]


def test_outline_uses_passed_scores(notice: Notice, members: dict[str, Member]) -> None:
    chosen = members["m-studies"].expertise[2]
    scores: RelevanceScores = {("1", "m-studies", chosen): 0.9}
    (outline,) = build_outline(
        notice=notice, assignments={"1": ["m-studies"]}, members=members, scores=scores
    )
    team = next(s for s in outline.sections if s.kind is SectionKind.team).items
    assert team[0].text == chosen and team[0].score == 0.9
    assert team[1].score == 0.0


def test_overlap_score_folds_accents_and_plurals() -> None:
    need = content_tokens("Enquête auprès des habitants")
    assert content_tokens("ENQUETES habitant") == {"enquete", "habitant"}
    assert overlap_score("enquetes aupres habitants", need) == 1.0
    assert overlap_score("de la et", need) == 0.0


def test_criteria_entries_without_weights() -> None:
    entries = criteria_entries([AwardCriterion(name="Qualité"), AwardCriterion(name="Prix")])
    assert [(e.rank, e.weight_percent) for e in entries] == [(1, None), (2, None)]


def step(key: str, title: str, due: date) -> PlannedStep:
    return PlannedStep(
        key=key, title=title, owner_role="mandataire", owners=["m"], offset_days=1, due=due
    )


def test_questions_due_from_step_key_then_title_then_default() -> None:
    calendar = french_holidays([2026, 2027])
    deadline = date(2027, 1, 15)
    by_key = [step("a", "A", date(2027, 1, 4)), step("questions", "B", date(2027, 1, 5))]
    assert questions_due(by_key, deadline, calendar) == (date(2027, 1, 5), "questions")
    by_title = [step("ask", "Poser les questions", date(2027, 1, 6))]
    assert questions_due(by_title, deadline, calendar) == (date(2027, 1, 6), "ask")
    # D-10 is Tuesday 5 January.
    assert questions_due([], deadline, calendar) == (date(2027, 1, 5), None)
    # D-10 of 11 January 2027 is Friday 1 January: Thursday 31 December.
    assert questions_due([], date(2027, 1, 11), calendar) == (date(2026, 12, 31), None)
