"""Requirement passages and expertise units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.search.units import (
    lot_passages,
    member_units,
    notice_passages,
    split_passages,
    target_key,
    text_for_embedding,
)
from models.member import Member, Reference
from models.notice import Lot, Notice
from models.vocabulary.cpv import cpv_labels

DEVSET = Path(__file__).resolve().parents[2] / "data" / "devset" / "notices.jsonl"


def _devset_notice(notice_id: str) -> Notice:
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        if f'"{notice_id}"' in line:
            return Notice.model_validate(json.loads(line))
    raise KeyError(notice_id)


def test_split_passages_keeps_every_word_within_the_limit() -> None:
    text = _devset_notice("ted:429711-2021").description
    passages = split_passages(text, max_chars=200)
    assert len(passages) > 1
    assert all(len(p) <= 200 for p in passages)
    assert " ".join(passages).split() == " ".join(text.split()).replace("\n", " ").split()


def test_split_passages_cuts_an_overlong_sentence_at_words() -> None:
    sentence = " ".join(["concertation"] * 100)
    passages = split_passages(sentence, max_chars=120)
    assert all(len(p) <= 120 for p in passages)
    assert sum(len(p.split()) for p in passages) == 100


def _squeeze(text: str) -> str:
    """``text`` without whitespace nor list bullets (what splitting may drop)."""
    return "".join(text.split()).translate(str.maketrans("", "", "-–•*·"))


def test_split_passages_packs_sentences() -> None:
    text = (
        "Le marché porte sur l'animation de réunions publiques. Il comprend trois lots !\n"
        "- lot 1 : concertation\n- lot 2 : communication\n\n"
        "« Les candidats remettront un mémoire technique. » Les offres sont attendues."
    )
    assert split_passages(text, 90) == [
        "Le marché porte sur l'animation de réunions publiques. Il comprend trois lots !",
        "lot 1 : concertation lot 2 : communication",
        "« Les candidats remettront un mémoire technique. » Les offres sont attendues.",
    ]


def test_split_passages_cuts_long_sentences_and_words() -> None:
    sentence = "Prestations de conseil, d'animation, de concertation et d'évaluation, " * 5
    passages = split_passages(sentence + "x" * 130, 60)
    assert all(len(p) <= 60 for p in passages)
    assert _squeeze("".join(passages)) == _squeeze(sentence + "x" * 130)


def test_split_passages_blank_and_invalid() -> None:
    assert split_passages("", 100) == []
    assert split_passages(" \n\t ", 100) == []
    with pytest.raises(ValueError, match="max_chars"):
        split_passages("texte", 0)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), st.integers(1, 120))
def test_split_passages_never_drops_text(text: str, max_chars: int) -> None:
    passages = split_passages(text, max_chars)
    assert all(0 < len(p) <= max_chars for p in passages)
    assert _squeeze("".join(passages)) == _squeeze(text)


def test_notice_passages_title_description_and_cpv_labels() -> None:
    notice = _devset_notice("ted:429711-2021")
    passages = notice_passages(notice)
    kinds = [p.kind for p in passages]
    assert kinds[0] == "title" and passages[0].text == notice.title
    assert "description" in kinds
    labels = cpv_labels()
    cpv = [p for p in passages if p.kind == "cpv"]
    assert {p.code for p in cpv} == set(notice.cpv)
    for p in cpv:
        assert p.code is not None
        assert p.text == (labels[p.code].fr if p.language == "fr" else labels[p.code].en)
    assert all(p.lot is None and p.notice_id == notice.id for p in passages)


def test_lot_passages_read_the_notice_title_and_the_lot() -> None:
    notice = _devset_notice("decp:226600013000162018201902200").model_copy(
        update={
            "lots": [
                Lot(id="1", title="Ateliers avec les habitants", cpv=["79416000"]),
                Lot(id="2", title="Synthèse et restitution", cpv=["79311000"]),
            ]
        }
    )
    passages = notice_passages(notice)
    lot1 = lot_passages(passages, "1")
    titles = {p.text for p in lot1 if p.kind == "title"}
    assert titles == {notice.title, "Ateliers avec les habitants"}
    assert all(p.lot in (None, "1") for p in lot1)
    assert not any(p.lot == "2" for p in lot1)
    assert len(lot_passages(passages, None)) == len(passages)
    assert target_key(notice.id, "1") == f"{notice.id}#lot=1"
    assert target_key(notice.id, None) == notice.id


def test_member_units_statements_references_and_declared_codes() -> None:
    member = Member(
        id="m-test",
        name="Test",
        expertise=["Animation de concertations citoyennes.", "Enquêtes auprès des habitants."],
        references=[Reference(title="Concertation sur un parc", summary="Six ateliers publics.")],
        cpv=["79416000"],
    )
    units = member_units(member)
    assert [u.kind for u in units] == ["statement", "statement", "reference", "cpv"]
    assert units[2].text == "Concertation sur un parc. Six ateliers publics."
    assert units[3].text == cpv_labels()["79416000"].fr


def test_text_for_embedding_lowers_shouting_titles_only() -> None:
    assert text_for_embedding("TRAVAUX DE VOIRIE 2019") == "Travaux de voirie 2019"
    assert text_for_embedding("Travaux de voirie à Lille") == "Travaux de voirie à Lille"
