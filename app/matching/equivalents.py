"""A short query's words in the other language: the catalog's words the encoder puts nearest.

A two-word query meets the notices written in the other language only through
their CPV labels and the encoder's reading of two words, which is vague:
"website development" is at cosine 0.34 from "Refonte du site internet de la
Ville", and "website" is no word of a French notice. Word by word, the same
multilingual encoder is precise: "website" is at 0.92 from "site" and 0.87 from
"site internet", "management" at 0.93 from "gestion", "electrical" at 0.90 from
"électrique", where unrelated words stay under 0.7. So each word of a short query
is also matched, at a fraction of its weight (``SHORT_QUERY_WEIGHTS``), by the
words of the other language that the encoder puts closest to it, among the words
the catalog's notices use (:class:`WordEquivalents`). Words of the query's own
language are left out: a synonym in the same language ("école" for "scolaire")
measured worse than none.

A word's language is the one whose notices use it more; a word neither vocabulary holds
("cleaning" in a catalog with few English notices) looks in both. Measured on the 12
judged queries of ``data/devset/search`` (``scripts/eval_matching.py``).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from app.matching.caches import BoundedCache
from app.matching.lexical import STOPWORDS, LexicalQuery, stem, word_variants
from app.search.embedder import Embedder
from models.notice import Notice
from models.vocabulary.text import fold_words

VOCABULARY_WORDS = 10_000
"""Words kept per language, those the most notices use: the candidates for equivalents.

Bounded so that the vocabulary costs the same at 100k notices as at 20k: its words are
embedded for the first free-text search of a catalog (2 s for the 15,000 words of the
100k-notice benchmark store; then only a new catalog's new words), and its look-up
matrices hold 4 KB a word (float32, for the product with a query word): 30 MB there.
"""
MIN_NOTICES = 2
"""A word used by fewer notices is a name or a typo more often than a word of a trade."""
EQUIVALENT_COSINE = 0.9
"""How close a word of the other language must be to count as the query word's equivalent.

Translations measure 0.90–0.97 ("website"/"site" 0.92, "management"/"gestion" 0.93,
"bâtiment"/"building" 0.94, "development"/"développement" 0.97). Lower, false friends
come in: "voirie"/"see" 0.89, "works"/"fonctionnel" 0.85. Judged search nDCG@10 0.844
at 0.80, 0.850 at 0.85 and at 0.90 (probe, same run).
"""
EQUIVALENTS_PER_WORD = 3
"""At most this many equivalents per query word (nearest first)."""
QUERY_CACHE = 1_000
"""Queries remembered with their equivalents (for one catalog's vocabulary)."""

_SURFACE_WORD = re.compile(r"[^\W\d_]{3,}")
"""A word as the encoder reads it: letters only (accents kept), three or more."""

LANGUAGES = ("fr", "en")


def surface_words(text: str) -> list[str]:
    """The lower-case words of ``text`` as written (accents kept), three letters or more."""
    return _SURFACE_WORD.findall(text.lower())


def _one_word(word: str) -> str | None:
    """``word`` folded, when it folds to one word that is no stopword (else None)."""
    folded = fold_words(word)
    return folded[0] if len(folded) == 1 and folded[0] not in STOPWORDS else None


class WordCounter:
    """Counts, per language, the notices that use each word (title, description, lots)."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {language: Counter() for language in LANGUAGES}

    def add(self, notice: Notice) -> None:
        """Count the words of one notice, once each, in its language (French if unknown)."""
        language = notice.language if notice.language in LANGUAGES else "fr"
        texts = [notice.title, notice.description]
        for lot in notice.lots:
            texts += [lot.title, lot.description]
        self._counts[language].update({w for text in texts if text for w in surface_words(text)})

    def vocabulary(self) -> WordVocabulary:
        """The ``VOCABULARY_WORDS`` most used words of each language (stopwords aside)."""
        kept: dict[str, dict[str, int]] = {}
        for language, counts in self._counts.items():
            common = (
                (word, count)
                for word, count in counts.most_common()
                if count >= MIN_NOTICES and _one_word(word)
            )
            kept[language] = dict(itertools.islice(common, VOCABULARY_WORDS))
        return WordVocabulary(kept["fr"], kept["en"])


@dataclass(frozen=True)
class WordVocabulary:
    """The catalog's common words of each language, with the notices that use them."""

    fr: dict[str, int]
    en: dict[str, int]

    def language_of(self, word: str) -> str | None:
        """The language whose notices use ``word`` more (French on a tie); None for a word
        neither vocabulary holds."""
        fr, en = self.fr.get(word, 0), self.en.get(word, 0)
        if not fr and not en:
            return None
        return "en" if en > fr else "fr"


def embed_vocabulary(
    vocabulary: WordVocabulary, encoder: Embedder, known: Mapping[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Each vocabulary word's vector, embedding only the words ``known`` lacks.

    ``known`` holds a previous vocabulary's vectors (``WordEquivalents.known``): a
    new catalog embeds only its new words.
    """
    words = sorted({*vocabulary.fr, *vocabulary.en})
    missing = [w for w in words if w not in known]
    fresh = dict(zip(missing, encoder.encode(missing), strict=True)) if missing else {}
    return {w: known[w] if w in known else fresh[w] for w in words}


class WordEquivalents:
    """Finds, for a query's words, their nearest words of the other language in a vocabulary."""

    def __init__(self, vocabulary: WordVocabulary, vectors: Mapping[str, np.ndarray]) -> None:
        self.vocabulary = vocabulary
        self._sides = {
            language: _Side(sorted(words_of), vectors, language)
            for language, words_of in (("fr", vocabulary.fr), ("en", vocabulary.en))
        }
        self.known: dict[str, np.ndarray] = {
            w: row
            for side in self._sides.values()
            for w, row in zip(side.words, side.matrix, strict=True)
        }
        """Each vocabulary word's vector (views of the look-up matrices, no copy): what the
        next catalog's vocabulary starts from (:func:`embed_vocabulary`)."""
        self._queries: BoundedCache[tuple[str, float], LexicalQuery] = BoundedCache(QUERY_CACHE)

    def of(self, text: str, weight: float, encoder: Embedder) -> LexicalQuery:
        """``text`` as a lexical query whose words carry their equivalents at ``weight``
        (a word not in the vocabulary embedded by ``encoder``, the vocabulary's)."""
        key = (text, weight)
        found = self._queries.get(key)
        if found is None:
            found = self._read(text, weight, encoder)
            self._queries.put(key, found)  # a search asks twice: its context, its matches
        return found

    def _read(self, text: str, weight: float, encoder: Embedder) -> LexicalQuery:
        # A word the folding splits in two (an "ø" is dropped) has no one set of stems.
        words = {w: folded for w in surface_words(text) if (folded := _one_word(w))}
        if not words or weight <= 0:
            return LexicalQuery(text)
        # A vocabulary word's vector is at hand; an encoder call costs more than the rest.
        unknown = [w for w in words if w not in self.known]
        fresh = dict(zip(unknown, encoder.encode(unknown), strict=True)) if unknown else {}
        pairs: dict[tuple[str, ...], tuple[str, ...]] = {}
        for other in LANGUAGES:
            # The words whose equivalents are in ``other``: one matrix product for all.
            asking = [w for w in words if self.vocabulary.language_of(w) != other]
            if not asking:
                continue
            vectors = np.asarray([self.known.get(w, fresh.get(w)) for w in asking])
            owns = [word_variants(words[w]) for w in asking]
            for own, found in zip(owns, self._sides[other].nearest(vectors, owns), strict=True):
                if found:
                    pairs[own] = tuple(dict.fromkeys((*pairs.get(own, ()), *found)))
        return LexicalQuery(text, tuple(pairs.items()), weight)


class _Side:
    """One language's vocabulary as a matrix, for nearest-word look-ups."""

    def __init__(self, words: list[str], vectors: Mapping[str, np.ndarray], language: str) -> None:
        self.words = words
        self.stems = [stem(fold_words(w)[0], language) for w in words]  # one word each
        self.matrix = np.asarray([vectors[w] for w in words], dtype=np.float32)

    def nearest(
        self, vectors: np.ndarray, excluded: list[tuple[str, ...]]
    ) -> list[tuple[str, ...]]:
        """For each row of ``vectors``, the stems of the words closest to it (at least
        ``EQUIVALENT_COSINE``), those of its ``excluded`` row aside."""
        if not self.stems:
            return [() for _ in excluded]
        cosines = self.matrix @ np.asarray(vectors, dtype=np.float32).T
        return [
            self._closest(cosines[:, column], exclude) for column, exclude in enumerate(excluded)
        ]

    def _closest(self, cosines: np.ndarray, exclude: tuple[str, ...]) -> tuple[str, ...]:
        close = np.flatnonzero(cosines >= EQUIVALENT_COSINE)
        found: list[str] = []
        for row in close[np.argsort(-cosines[close], kind="stable")]:
            candidate = self.stems[int(row)]
            if candidate in exclude or candidate in found:
                continue
            found.append(candidate)
            if len(found) == EQUIVALENTS_PER_WORD:
                break
        return tuple(found)
