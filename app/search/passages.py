"""Split long texts into passages of a few sentences, without dropping any text.

Embedders work best on short passages: the default USE model averages over its tokens
(a long text blurs into its average), and sentence-transformers models cut their input
at ``max_seq_length`` word pieces. Callers split with the embedder's ``max_chars`` hint:
``split_passages(text, embedder.max_chars)``.

Whitespace is normalised (runs of spaces and newlines become one space); every other
character of the input appears, in order, in exactly one passage.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? … (optionally followed by closing quotes or brackets) before
# whitespace, or at a line break: notices often list requirements as lines or bullets
# without final punctuation.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…;])|(?<=[.!?…;][\"'»”)\]]))\s+|\s*\n\s*")
# Inside a sentence too long for one passage, prefer cutting after a clause separator.
_CLAUSE_END = re.compile(r"(?<=[,:;–—])\s+")
_SPACE = re.compile(r"\s+")


def split_passages(text: str, max_chars: int) -> list[str]:
    """Split ``text`` into passages of at most ``max_chars`` characters.

    Whole sentences are packed greedily into a passage; a sentence longer than
    ``max_chars`` is cut at clause separators, then between words, and a single word
    longer than ``max_chars`` is cut inside. An empty or blank text gives ``[]``.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    passages: list[str] = []
    current = ""
    for sentence in _sentences(text):
        for piece in _fit(sentence, max_chars):
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) <= max_chars:
                current = f"{current} {piece}"
            else:
                passages.append(current)
                current = piece
    if current:
        passages.append(current)
    return passages


def _sentences(text: str) -> list[str]:
    """Sentences of ``text`` with whitespace collapsed, blanks left out."""
    cleaned = (_SPACE.sub(" ", part).strip() for part in _SENTENCE_END.split(text))
    return [sentence for sentence in cleaned if sentence]


def _fit(sentence: str, max_chars: int) -> list[str]:
    """Cut one sentence into pieces of at most ``max_chars`` characters."""
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        if len(clause) <= max_chars:
            pieces.append(clause)
            continue
        for word in clause.split(" "):
            pieces.extend(word[i : i + max_chars] for i in range(0, len(word), max_chars))
    # Re-pack the small pieces so that a long sentence does not become many tiny ones.
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= max_chars:
            packed[-1] = f"{packed[-1]} {piece}"
        else:
            packed.append(piece)
    return packed
