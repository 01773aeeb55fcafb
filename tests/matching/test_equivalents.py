"""A short query's words find their equivalents in the other language among the catalog's words.

Over the devset notices' words, with the real USE model: "website" finds the French
"site", "management" finds "gestion", "école" finds "school", never a word of the
query word's own language, and a word whose nearest words are not close enough
finds none.
"""

from __future__ import annotations

import pytest

from app.matching.equivalents import (
    MIN_NOTICES,
    WordCounter,
    WordEquivalents,
    WordVocabulary,
    embed_vocabulary,
    surface_words,
)
from app.matching.lexical import STOPWORDS, stem, word_variants
from app.search.embedder import Embedder, load_embedder
from models.notice import Notice
from models.vocabulary.text import fold_words
from tests.utils.data import devset_notices

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def vocabulary() -> WordVocabulary:
    counter = WordCounter()
    for notice in devset_notices():
        counter.add(notice)
    return counter.vocabulary()


@pytest.fixture(scope="module")
def encoder() -> Embedder:
    return load_embedder("use")


@pytest.fixture(scope="module")
def equivalents(vocabulary: WordVocabulary, encoder: Embedder) -> WordEquivalents:
    return WordEquivalents(vocabulary, embed_vocabulary(vocabulary, encoder, {}))


def _notice(notice_id: str, title: str, language: str) -> Notice:
    return Notice(id=notice_id, source="boamp", title=title, language=language)


def test_a_word_counts_once_per_notice_in_the_notice_s_language() -> None:
    counter = WordCounter()
    counter.add(_notice("boamp:1", "Site internet : refonte du site", "fr"))
    counter.add(_notice("boamp:2", "Hébergement du site internet", "fr"))
    counter.add(_notice("ted:3", "Website and site hosting", "en"))
    counter.add(_notice("ted:4", "Website redesign", "en"))
    vocabulary = counter.vocabulary()
    assert vocabulary.fr == {"site": 2, "internet": 2}  # "du", "refonte" (1 notice) left out
    assert vocabulary.en == {"website": 2}
    assert vocabulary.language_of("website") == "en"
    assert vocabulary.language_of("site") == "fr"
    assert vocabulary.language_of("inconnu") is None  # looks in both languages


def test_the_vocabulary_holds_common_words_of_each_language(vocabulary: WordVocabulary) -> None:
    for words in (vocabulary.fr, vocabulary.en):
        assert min(words.values()) >= MIN_NOTICES
        assert not {w for w in words if w in STOPWORDS}
    assert {"travaux", "prestations", "électricité"} <= set(vocabulary.fr)
    assert {"works", "services", "website"} <= set(vocabulary.en)
    assert surface_words("Maîtrise d’œuvre : l'école") == ["maîtrise", "œuvre", "école"]


def _found(equivalents: WordEquivalents, encoder: Embedder, text: str) -> dict[str, set[str]]:
    query = equivalents.of(text, 0.5, encoder)
    assert query.text == text and query.equivalent_weight == 0.5
    own_to_word = {word_variants(fold_words(w)[0]): w for w in text.split()}
    return {own_to_word[own]: set(found) for own, found in query.equivalents}


def test_a_word_finds_its_translation_among_the_other_language_s_words(
    equivalents: WordEquivalents, encoder: Embedder
) -> None:
    assert stem("site", "fr") in _found(equivalents, encoder, "website development")["website"]
    assert "gestion" in _found(equivalents, encoder, "formation management")["management"]
    assert "school" in _found(equivalents, encoder, "restauration école")["école"]
    assert "build" in _found(equivalents, encoder, "peinture bâtiment")["bâtiment"]


def test_equivalents_come_from_the_other_language_only(
    equivalents: WordEquivalents, encoder: Embedder, vocabulary: WordVocabulary
) -> None:
    french_stems = {stem(w, "fr") for w in vocabulary.fr}
    english_stems = {stem(w, "en") for w in vocabulary.en}
    found = _found(equivalents, encoder, "peinture bâtiment conseil juridique")
    assert found  # some words have an English equivalent
    assert all(stems <= english_stems for stems in found.values()), found
    english = _found(equivalents, encoder, "website development")
    assert all(stems <= french_stems for stems in english.values()), english


def test_a_word_without_a_close_translation_carries_none(
    equivalents: WordEquivalents, encoder: Embedder
) -> None:
    found = _found(equivalents, encoder, "peinture nettoyage")
    assert "peinture" not in found and "nettoyage" not in found
    assert equivalents.of("de la", 0.5, encoder).equivalents == ()


def test_a_word_neither_vocabulary_holds_looks_in_both_languages(
    equivalents: WordEquivalents, encoder: Embedder, vocabulary: WordVocabulary
) -> None:
    """Few devset notices are in English: "cleaning" is in no two of them."""
    assert vocabulary.language_of("cleaning") is None
    assert stem("nettoyage", "fr") in _found(equivalents, encoder, "cleaning services")["cleaning"]
