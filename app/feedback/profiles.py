"""What feedback compares notices by: the words their buyers wrote, weighed by rarity.

A member's refusal is about a subject ("first-aid training", "maintenance of the X
package"), and words name subjects precisely where the sentence encoder reads some of
them weakly (it reads "management" barely, and two training courses on different
subjects embed close together). So two notices are as alike as their own words:
the terms of the whole notice's title, description and lots (analysed as BM25
analyses them: folded, stopwords out, stemmed in the notice's language), each
weighing its count times its idf in the catalog's BM25 index, the vector scaled to
unit length; similarity is the cosine. CPV labels are left out: every notice with a
code repeats its label, so labels would make all notices of a code alike.

Measured on the devset (``scripts/eval_matching.py``, section "feedback"): the next
10 gain +0.079 judged nDCG@10 with these term vectors (none worse), against +0.049
with the cosine of the notices' passage centroids (the encoder's vectors), and +0.060
to +0.078 with the two mixed. Words do not cross languages where the encoder does: a
refusal written in English moves French notices less (measured for one member, whose
gain fell from +0.09 to +0.01).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.matching.lexical import BM25Index, document_terms, notice_documents
from models.notice import Notice


@dataclass(frozen=True)
class NoticeProfile:
    """A notice as feedback compares it: its title (for reasons) and its term vector.

    ``terms`` maps each stem to its weight, the whole at unit length (empty: the notice
    has no word to compare by, and is like nothing).
    """

    notice_id: str
    title: str
    terms: Mapping[str, float] = field(default_factory=dict)


def notice_profile(notice: Notice, lexical: BM25Index) -> NoticeProfile:
    """The profile of ``notice``, its words weighed by their idf in ``lexical``."""
    fields = notice_documents(notice, with_cpv_labels=False)[0][1]
    counts = Counter(term for text, language in fields for term in document_terms(text, language))
    weights = {term: count * lexical.idf(term) for term, count in counts.items()}
    return NoticeProfile(notice.id, notice.title, unit_length(weights))


def unit_length(weights: Mapping[str, float]) -> dict[str, float]:
    """``weights`` scaled so that their squares sum to 1 (zeros dropped)."""
    norm = math.sqrt(sum(w * w for w in weights.values()))
    if norm <= 0:
        return {}
    return {term: w / norm for term, w in weights.items() if w}


def similarities(rows: Sequence[NoticeProfile], columns: Sequence[NoticeProfile]) -> np.ndarray:
    """(rows, columns) cosine of the notices' term vectors (0 where one has no term)."""
    vocabulary: dict[str, int] = {}
    for profile in (*rows, *columns):
        for term in profile.terms:
            vocabulary.setdefault(term, len(vocabulary))
    left = _matrix(rows, vocabulary)
    right = _matrix(columns, vocabulary)
    return np.asarray(left @ right.T, dtype=np.float64)


def _matrix(profiles: Sequence[NoticeProfile], vocabulary: Mapping[str, int]) -> np.ndarray:
    matrix = np.zeros((len(profiles), len(vocabulary)), dtype=np.float64)
    for row, profile in enumerate(profiles):
        for term, weight in profile.terms.items():
            matrix[row, vocabulary[term]] = weight
    return matrix
