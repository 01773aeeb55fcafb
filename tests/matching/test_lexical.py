"""BM25 with accent folding, French/English stemming and stopwords."""

from __future__ import annotations

import pytest

from app.matching.lexical import (
    BM25Index,
    LexicalQuery,
    document_terms,
    notice_documents,
    query_variants,
    tokens,
    word_variants,
)
from models.notice import Lot, Notice


def _index(*docs: tuple[str, str | None]) -> BM25Index:
    return BM25Index([f"d{i}" for i in range(len(docs))], [[doc] for doc in docs])


def test_stemming_matches_plural_and_singular() -> None:
    index = _index(("Formation des agents au management", "fr"), ("Travaux de voirie", "fr"))
    scores = index.scores("formations")
    assert scores[0] > 0 and scores[1] == 0


def test_accents_and_capitals_are_folded() -> None:
    index = _index(("MISE AUX NORMES ELECTRICITE DES ECOLES", "fr"), ("Nettoyage", "fr"))
    assert index.scores("électricité école")[0] > 0
    assert index.scores("Électricité")[1] == 0


def test_ligatures_are_expanded() -> None:
    index = _index(("Mission de maitrise d'oeuvre", "fr"), ("Fourniture de papier", "fr"))
    assert index.scores("maîtrise d'œuvre")[0] > 0
    assert "oeuvr" in document_terms("Maîtrise d'œuvre", "fr")


def test_english_documents_use_the_english_stemmer() -> None:
    index = _index(("Provision of training courses", "en"), ("Road maintenance", "en"))
    assert index.scores("trainings")[0] > 0


def test_query_word_counts_once_across_its_two_stems() -> None:
    assert query_variants("Sociologie, sociologie") == {("sociolog", "sociologi"): 2}
    index = BM25Index(
        ["both", "one"],
        [[("sociologie", "fr"), ("sociologie", "en")], [("sociologie", "fr"), ("enquete", "fr")]],
    )
    weights = {
        stem: float(index._postings[stem][1][0]) for stem in ("sociolog", "sociologi")
    }  # "both" is the first document holding each stem
    score = index.scores("sociologie")[0]
    assert score == pytest.approx(max(weights.values()))
    assert score < sum(weights.values())


def _website(weight: float) -> LexicalQuery:
    """ "website" with the French stems of "site" and "web" as its equivalents."""
    return LexicalQuery("website", ((word_variants("website"), ("sit", "web")),), weight)


def test_an_equivalent_counts_at_its_weight_of_the_word() -> None:
    index = _index(
        ("Refonte du site internet de la ville", "fr"),
        ("Website redevelopment", "en"),
        ("Travaux de voirie", "fr"),
    )
    site = index.scores("site")[0]
    assert site > 0
    assert index.scores("website")[0] == 0  # the word alone does not cross the languages
    scores = index.scores(_website(0.5))
    assert scores[0] == pytest.approx(0.5 * site)
    assert scores[1] == pytest.approx(index.scores("website")[1])  # the word's own weight
    assert scores[2] == 0
    assert index.matched_terms(_website(0.5), "d0") == ["sit"]
    assert index.scores(_website(0.0))[0] == 0


def test_a_word_and_its_equivalent_in_one_document_count_once() -> None:
    index = BM25Index(
        ["both", "word"],
        [[("Website", "en"), ("site web", "fr")], [("Website", "en"), ("voirie", "fr")]],
    )
    word, equivalent = index.scores("website")[0], index.scores("site")[0]
    assert index.scores(_website(1.0))[0] == pytest.approx(max(word, equivalent))
    assert index.scores(_website(1.0))[0] < word + equivalent


def test_stopwords_carry_no_weight() -> None:
    assert tokens("de la et pour the and of") == []
    index = _index(
        ("La mise en place de la concertation", "fr"),
    )
    assert index.scores("de la")[0] == 0


def test_more_matching_terms_rank_higher_and_are_explained() -> None:
    index = _index(
        ("Entretien des espaces verts et taille de haies", "fr"),
        ("Entretien des locaux", "fr"),
        ("Fourniture de mobilier", "fr"),
    )
    top = index.top("entretien espaces verts, tonte et taille de haies", k=3)
    assert [key for key, _ in top] == ["d0", "d1"]
    assert set(index.matched_terms("taille des haies", "d0")) == {"taill", "hai"}


def test_notice_documents_cover_the_notice_and_each_lot() -> None:
    notice = Notice(
        id="boamp:26-1",
        title="Concertation citoyenne",
        cpv=["79416000"],
        lots=[Lot(id="2", title="Ateliers", cpv=["79311000"])],
    )
    documents = dict(notice_documents(notice))
    assert set(documents) == {"boamp:26-1", "boamp:26-1#lot=2"}
    whole = " ".join(text for text, _ in documents["boamp:26-1"])
    assert "Ateliers" in whole and "Services de relations publiques" in whole
    lot = " ".join(text for text, _ in documents["boamp:26-1#lot=2"])
    assert "Concertation citoyenne" in lot and "relations publiques" not in lot
    bare = dict(notice_documents(notice, with_cpv_labels=False))
    assert "relations publiques" not in " ".join(t for t, _ in bare["boamp:26-1"])
