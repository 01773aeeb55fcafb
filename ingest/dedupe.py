"""Is this the same notice published twice (BOAMP JOUE and TED)?

Above-threshold French notices appear in both feeds with different ids and
differently worded titles (TED prefixes ``Country – CPV label –``). The design
rule is buyer + deadline + title, never title alone: the store only compares
notices whose deadlines are equal, and this module decides on buyer and title.
"""

from __future__ import annotations

from models.vocabulary.text import fold

_STOPWORDS = frozenset(
    "de du des la le les l d et a au aux en pour par sur un une the of and for to in".split()
)
BUYER_THRESHOLD = 0.5
TITLE_THRESHOLD = 0.5


def key_tokens(text: str) -> frozenset[str]:
    """Folded content words of ``text`` (no stopwords, no one-letter tokens)."""
    return frozenset(t for t in fold(text).split() if len(t) > 1 and t not in _STOPWORDS)


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller token set found in the other (robust to TED's title prefixes)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def buyer_key(name: str) -> str:
    """The buyer name as stored for comparisons (folded, content words sorted)."""
    return " ".join(sorted(key_tokens(name)))


def same_notice(*, buyer_a: str, title_a: str, buyer_b: str, title_b: str) -> bool:
    """True when two notices with the same deadline have the same buyer and title."""
    buyers = containment(
        frozenset(buyer_key(buyer_a).split()), frozenset(buyer_key(buyer_b).split())
    )
    titles = containment(key_tokens(title_a), key_tokens(title_b))
    return buyers >= BUYER_THRESHOLD and titles >= TITLE_THRESHOLD
