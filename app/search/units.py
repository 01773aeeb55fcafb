"""What gets compared: requirement passages of notices and expertise units of members.

A notice becomes short passages (the design notes: embed passages of a few
sentences, not whole notices): its title, its description cut at sentence
boundaries into passages of at most ``max_chars``, and the official French and
English labels of its CPV codes; each lot gives the same from its own fields.
A member becomes one unit per expertise statement, one per reference (title and
summary) and one per declared CPV code (its French label).

Passage texts are quoted verbatim in match reasons, so they are never rewritten;
:func:`text_for_embedding` gives the form handed to the embedder (ALL-CAPS titles,
frequent in DECP data, are lowered because sentence encoders read them poorly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from models.member import Member
from models.notice import Notice
from models.vocabulary.cpv import cpv_labels

PassageKind = Literal["title", "description", "cpv"]
UnitKind = Literal["statement", "reference", "cpv"]

DEFAULT_MAX_CHARS = 320
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'«(\-–•*]?\s*[A-ZÀ-ÖØ-Þ0-9])|\s*\n+\s*")
_BULLET = re.compile(r"^[\-–•*·]+\s*")


@dataclass(frozen=True)
class RequirementPassage:
    """One unit of need of a notice (``lot`` None) or of one of its lots.

    ``code`` is the CPV code a ``cpv`` passage labels (``text`` is its French or
    English label, ``language`` says which).
    """

    notice_id: str
    lot: str | None
    kind: PassageKind
    text: str
    code: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ExpertiseUnit:
    """One thing a member declares they do: a statement, a reference or a CPV code."""

    member_id: str
    kind: UnitKind
    text: str


def split_sentences(text: str) -> list[str]:
    """Sentences (and list items, lines) of ``text``, stripped, bullets and blanks dropped."""
    parts = (_BULLET.sub("", part.strip()) for part in _SENTENCE_END.split(text or ""))
    return [" ".join(part.split()) for part in parts if part.strip()]


def _cut(sentence: str, max_chars: int) -> list[str]:
    """Cut one over-long sentence at word boundaries (inside a word longer than the limit)."""
    pieces: list[str] = []
    current = ""
    for long_word in sentence.split():
        for i in range(0, len(long_word), max_chars):
            word = long_word[i : i + max_chars]
            if current and len(current) + 1 + len(word) > max_chars:
                pieces.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
    if current:
        pieces.append(current)
    return pieces


def split_passages(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Consecutive sentences grouped into passages of at most ``max_chars`` characters.

    Nothing is dropped but whitespace and list bullets: embedders read passages of a few
    sentences best (USE averages over its tokens; sentence-transformers models cut
    their input at ``max_seq_length`` word pieces), so a long text becomes more
    passages, never a truncated one.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")
    passages: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        for piece in _cut(sentence, max_chars) if len(sentence) > max_chars else [sentence]:
            if current and len(current) + 1 + len(piece) > max_chars:
                passages.append(current)
                current = piece
            else:
                current = f"{current} {piece}" if current else piece
    if current:
        passages.append(current)
    return passages


def _same(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _part_passages(
    notice_id: str,
    lot: str | None,
    title: str,
    description: str,
    codes: list[str],
    max_chars: int,
) -> list[RequirementPassage]:
    passages: list[RequirementPassage] = []
    if title.strip():
        passages.append(RequirementPassage(notice_id, lot, "title", title.strip()))
    for text in split_passages(description, max_chars):
        if not _same(text, title):
            passages.append(RequirementPassage(notice_id, lot, "description", text))
    labels = cpv_labels()
    for code in dict.fromkeys(codes):
        label = labels.get(code)
        if label is None:
            continue
        passages.append(RequirementPassage(notice_id, lot, "cpv", label.fr, code, "fr"))
        passages.append(RequirementPassage(notice_id, lot, "cpv", label.en, code, "en"))
    return passages


def notice_passages(
    notice: Notice, *, max_chars: int = DEFAULT_MAX_CHARS
) -> list[RequirementPassage]:
    """All requirement passages of a notice: its own (``lot`` None), then each lot's."""
    passages = _part_passages(
        notice.id, None, notice.title, notice.description, notice.cpv, max_chars
    )
    for lot in notice.lots:
        passages.extend(
            _part_passages(notice.id, lot.id, lot.title, lot.description, lot.cpv, max_chars)
        )
    return passages


def lot_passages(passages: list[RequirementPassage], lot: str | None) -> list[RequirementPassage]:
    """The passages that describe ``lot`` (None: the whole notice, lots included).

    A lot is read with the notice's title and description as context: "Lot 3 –
    Entretien" means little without the notice it belongs to.
    """
    if lot is None:
        return list(passages)
    return [p for p in passages if p.lot == lot or (p.lot is None and p.kind != "cpv")]


def member_units(member: Member) -> list[ExpertiseUnit]:
    """Expertise units of a member: statements, references, declared CPV labels."""
    units = [ExpertiseUnit(member.id, "statement", text) for text in member.expertise]
    for reference in member.references:
        summary = reference.summary.strip()
        text = f"{reference.title.rstrip('. ')}. {summary}" if summary else reference.title
        units.append(ExpertiseUnit(member.id, "reference", text))
    labels = cpv_labels()
    units.extend(
        ExpertiseUnit(member.id, "cpv", labels[code].fr) for code in member.cpv if code in labels
    )
    return units


def target_codes(notice: Notice) -> list[tuple[str | None, tuple[str, ...]]]:
    """CPV codes per target: the whole notice (all), then each lot (its own, else the notice's)."""
    whole = tuple(dict.fromkeys([*notice.cpv, *(c for lot in notice.lots for c in lot.cpv)]))
    lots = [(lot.id, tuple(dict.fromkeys(lot.cpv or notice.cpv))) for lot in notice.lots]
    return [(None, whole), *lots]


def target_key(notice_id: str, lot: str | None) -> str:
    """Key of a match target: the notice id, or ``<notice id>#lot=<lot id>`` for a lot."""
    return notice_id if lot is None else f"{notice_id}#lot={lot}"


@lru_cache(maxsize=16_384)
def text_for_embedding(text: str) -> str:
    """The form of a passage handed to the embedder: ALL-CAPS text is lowered.

    Memoised: serving a member reads it for every passage of every candidate.
    """
    letters = "".join(filter(str.isalpha, text))
    if letters and sum(map(str.isupper, letters)) > 0.6 * len(letters):
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text
