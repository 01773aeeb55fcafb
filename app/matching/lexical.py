"""Lexical signal: BM25 over notices, French and English, accent-insensitive.

Analysis of a text: lower-case and fold accents and ligatures (``œ`` → ``oe``,
``é`` → ``e``: DECP titles are often capitals without accents), split into
alphanumeric tokens, drop stopwords (one French ∪ English list: a word that is a
stopword in either language carries no trade meaning), then stem with Snowball.

Bilingual text: a document field is stemmed with the stemmer of its language
(the notice's ``language``; the French labels of CPV codes with the French
stemmer and the English ones with the English stemmer). A query (a member's
expertise, whose language is not declared) is stemmed with *both* stemmers and a
query word scores the best of its two stems in each document, so a word is never
counted twice and cognates (``maintenance``, ``architecture``, ``accessible``)
match across languages.

A free-text query may also carry, for each of its words, the stems of its
equivalents in the other language (:class:`LexicalQuery`, found by
:mod:`app.matching.equivalents`): another form of the same word, so that a
document matching both the word and its equivalent still counts the word once, and
an equivalent counts at ``equivalent_weight`` of the word's own weight.

Folding happens before stemming so that ``ÉLECTRICITÉ``, ``electricite`` and
``électricité`` all give the same stem. The implementation is a small inverted
index over numpy arrays (BM25 with Lucene's non-negative idf, k1 = 1.2,
b = 0.75); a repeated query word weighs ``1 + ln(count)``.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import Stemmer

from app.search.units import target_key
from models.notice import Notice
from models.vocabulary.cpv import cpv_labels
from models.vocabulary.text import fold_words

Field = tuple[str, str | None]
"""A piece of a document: its text and its language (``fr``/``en``; None: French)."""


STOPWORDS = frozenset(
    """
    a ai aie aient aies ait as au aucun aucune aupres aussi autre autres aux avec avoir
    c ca ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez ci comme
    d dans de des deux doit donc dont du durant elle elles en encore entre est et etc ete
    etre eu fait font hors il ils j je l la le les leur leurs lui m ma mais me meme memes
    mes moi mon n ne ni nos notre nous on ont ou par parmi pas peu peut plus pour pres
    qu quand que quel quelle quelles quels qui s sa sans se selon ser sera seront ses si
    soit son sont sous sur t ta tant te tel telle telles tels tes toi ton tous tout toute
    toutes tres un une unes uns vers via vos votre vous y
    about above after all also am an and any are at be been being both but by can could
    did do does done during each either etc for from had has have having he her here his
    how however i if in into is it its itself may me more most must my no nor not of off
    on once only or other our out over own per same shall she should so some such than
    that the their them then there these they this those through to too under until up
    upon us was we were what when where whether which while who whom why will with within
    without would you your
    """.split()
)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english" if language == "en" else "french")


def tokens(text: str) -> list[str]:
    """Folded, stopword-free tokens of ``text`` (before stemming)."""
    return [t for t in fold_words(text) if t not in STOPWORDS and len(t) > 1]


SHORT_FIELD = 300
"""Fields up to this many characters (titles, CPV labels) have their terms memoised."""


def document_terms(text: str, language: str | None) -> list[str]:
    """Index terms of a document field: tokens stemmed in the field's language."""
    if len(text) <= SHORT_FIELD:
        return list(_short_field_terms(text, language or "fr"))
    return list(_stemmer(language or "fr").stemWords(tokens(text)))


@lru_cache(maxsize=32_768)
def _short_field_terms(text: str, language: str) -> tuple[str, ...]:
    # Building the catalog analyses the same short fields again and again: every
    # target repeats its codes' CPV labels in two languages, every lot its notice's
    # title. Descriptions are not kept: long and seldom repeated, they would hold
    # memory for nothing.
    return tuple(_stemmer(language).stemWords(tokens(text)))


def word_variants(token: str) -> tuple[str, ...]:
    """A folded query word as its French and English stems (one when they agree)."""
    return tuple(dict.fromkeys((_stemmer("fr").stemWord(token), _stemmer("en").stemWord(token))))


def stem(token: str, language: str) -> str:
    """A folded word stemmed in ``language`` (``fr``/``en``), as a document field is."""
    return str(_stemmer(language).stemWord(token))


def query_variants(text: str) -> dict[tuple[str, ...], int]:
    """Each distinct query word as its French and English stems, with its count."""
    return dict(_query_variants(text))


@lru_cache(maxsize=1024)
def _query_variants(text: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    # Memoised: a member's expertise text is analysed once per match, not once per target.
    variants: Counter[tuple[str, ...]] = Counter()
    for word, count in Counter(tokens(text)).items():
        variants[word_variants(word)] += count
    return tuple(variants.items())


@dataclass(frozen=True)
class LexicalQuery:
    """A query text and, for some of its words, the stems of their equivalents.

    ``equivalents`` pairs a word's own stems (:func:`word_variants`) with the stems of
    its equivalents in the other language; each counts ``equivalent_weight`` of the
    word's weight in a document. A plain text is a query without equivalents.
    """

    text: str
    equivalents: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    equivalent_weight: float = 0.0


Query = str | LexicalQuery
"""What :class:`BM25Index` scores: a text, or a text with its words' equivalents."""


def _query_forms(query: Query) -> list[tuple[int, list[tuple[str, float]]]]:
    """Each query word's count and forms: its own stems (weight 1), then its equivalents'
    stems (``equivalent_weight``), those weighing nothing left out."""
    asked = query if isinstance(query, LexicalQuery) else LexicalQuery(query)
    equivalents = dict(asked.equivalents)
    out = []
    for variants, count in query_variants(asked.text).items():
        forms = [(s, 1.0) for s in variants]
        if asked.equivalent_weight > 0:
            forms += [(s, asked.equivalent_weight) for s in equivalents.get(variants, ())]
        out.append((count, forms))
    return out


def _idf(total: int, frequency: int) -> float:
    """Lucene's non-negative idf of a term found in ``frequency`` of ``total`` documents."""
    return math.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5))


class BM25Index:
    """BM25 over a fixed list of documents, each a list of (text, language) fields."""

    def __init__(
        self,
        keys: Sequence[str],
        documents: Sequence[Sequence[Field]],
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        if len(keys) != len(documents):
            raise ValueError("one key per document")
        self.keys = list(keys)
        self._position = {key: index for index, key in enumerate(self.keys)}
        self.k1 = k1
        self.b = b
        self._last: tuple[Query, np.ndarray] | None = None
        # Postings are gathered as flat arrays of (term, document, frequency), then
        # grouped by term: a list of tuples per term took ~100 bytes per posting, some
        # 200 MB at 100k notices, which the process kept after the build.
        vocabulary: dict[str, int] = {}
        posting_terms, posting_docs, posting_freqs = array("q"), array("q"), array("f")
        lengths = np.zeros(len(documents), dtype=np.float32)
        for index, fields in enumerate(documents):
            counts: Counter[str] = Counter()
            for text, language in fields:
                counts.update(document_terms(text, language))
            lengths[index] = sum(counts.values())
            for term, tf in counts.items():
                posting_terms.append(vocabulary.setdefault(term, len(vocabulary)))
                posting_docs.append(index)
                posting_freqs.append(tf)
        average = float(lengths.mean()) if len(documents) and lengths.mean() > 0 else 1.0
        norm = k1 * (1.0 - b + b * lengths / average)
        total = len(documents)
        terms = np.asarray(posting_terms, dtype=np.int64)
        # A stable sort keeps each term's documents in ascending order.
        order = np.argsort(terms, kind="stable")
        all_docs = np.asarray(posting_docs, dtype=np.int64)[order]
        all_freqs = np.asarray(posting_freqs, dtype=np.float32)[order]
        ends = np.cumsum(np.bincount(terms, minlength=len(vocabulary)))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, number in vocabulary.items():
            start, end = (int(ends[number - 1]) if number else 0), int(ends[number])
            docs, freq = all_docs[start:end], all_freqs[start:end]
            weights = _idf(total, docs.size) * freq * (k1 + 1.0) / (freq + norm[docs])
            self._postings[term] = (docs, weights.astype(np.float32))

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, key: object) -> bool:
        return key in self._position

    def positions(self, keys: Sequence[str]) -> np.ndarray:
        """Position of each key in ``keys`` order (-1 for a key the index does not hold)."""
        get = self._position.get
        return np.fromiter((get(key, -1) for key in keys), dtype=np.int64, count=len(keys))

    def idf(self, term: str) -> float:
        """The idf of an index term (a stem) over the documents, as BM25 weighs it."""
        entry = self._postings.get(term)
        return _idf(len(self.keys), 0 if entry is None else int(entry[0].size))

    def scores(self, query: Query) -> np.ndarray:
        """BM25 score of every document (in ``keys`` order) for ``query``."""
        last = self._last
        if last is not None and last[0] == query:
            return last[1].copy()
        total = np.zeros(len(self.keys), dtype=np.float32)
        for count, forms in _query_forms(query):
            best = np.zeros(len(self.keys), dtype=np.float32)
            for term, factor in forms:
                entry = self._postings.get(term)
                if entry is not None:
                    docs, weights = entry
                    best[docs] = np.maximum(best[docs], factor * weights)
            total += (1.0 + math.log(count)) * best
        # Serving a member scores the same query twice (candidates, then ranking).
        self._last = (query, total.copy())
        return total

    def top(self, query: Query, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` best documents for ``query`` as (key, score), best first, ties by key."""
        scores = self.scores(query)
        order = sorted(range(len(self.keys)), key=lambda i: (-float(scores[i]), self.keys[i]))
        return [(self.keys[i], float(scores[i])) for i in order[:k] if scores[i] > 0]

    def matched_terms(self, query: Query, key: str) -> list[str]:
        """Stems of ``query`` (or of a word's equivalents) found in the document ``key``,
        most weighty first."""
        index = self._position[key]
        found: list[tuple[float, str]] = []
        for _, forms in _query_forms(query):
            for term, factor in forms:
                entry = self._postings.get(term)
                if entry is None:
                    continue
                docs, weights = entry
                # A posting list holds each document once, in ascending order.
                at = int(np.searchsorted(docs, index))
                if at < docs.size and docs[at] == index:
                    found.append((factor * float(weights[at]), term))
                    break
        return [stem for _, stem in sorted(found, key=lambda item: (-item[0], item[1]))]


def notice_documents(
    notice: Notice, *, with_cpv_labels: bool = True
) -> list[tuple[str, list[Field]]]:
    """The BM25 documents of a notice: the whole notice, then each lot (``target_key``).

    The whole notice reads its title, description, lots and CPV labels; a lot reads
    the notice title, its own title, description and CPV labels (the notice's when
    the lot has none).
    """
    language = notice.language
    labels = cpv_labels()

    def label_fields(codes: Iterable[str]) -> list[Field]:
        if not with_cpv_labels:
            return []
        found = [labels[c] for c in dict.fromkeys(codes) if c in labels]
        fields: list[Field] = [(label.fr, "fr") for label in found]
        return fields + [(label.en, "en") for label in found]

    whole: list[Field] = [(notice.title, language), (notice.description, language)]
    for lot in notice.lots:
        whole += [(lot.title, language), (lot.description, language)]
    all_codes = [*notice.cpv, *(code for lot in notice.lots for code in lot.cpv)]
    documents = [(target_key(notice.id, None), whole + label_fields(all_codes))]
    for lot in notice.lots:
        fields: list[Field] = [
            (notice.title, language),
            (lot.title, language),
            (lot.description, language),
        ]
        documents.append(
            (target_key(notice.id, lot.id), fields + label_fields(lot.cpv or notice.cpv))
        )
    return documents


def notices_index(notices: Iterable[Notice]) -> BM25Index:
    """BM25 over every target of ``notices`` (each notice, then its lots), as a catalog
    holds them: what scoring a fixed list of notices at once reads (tuning, evaluation)."""
    documents = [document for notice in notices for document in notice_documents(notice)]
    return BM25Index([key for key, _ in documents], [fields for _, fields in documents])
