"""What the pages show of domain objects: notices, matches and their reasons in plain words.

Pure functions over the domain's own types; the templates only lay them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from app.feedback.rerank import FeedbackReason
from app.matching.filters import ValueRange, departments_of
from app.matching.scoring import Match
from app.matching.strength import MatchStrength, strength_of
from models.notice import Money, Notice
from models.schema import IntentionRow
from models.vocabulary.cpv import cpv_labels
from models.vocabulary.text import fold

Translate = Callable[[str], str]
ROLES = ("lead", "contributor", "interested", "declined")


@dataclass(frozen=True)
class Declared:
    """A member's declared intention as a page shows it (detached from the session)."""

    role: str
    lots: list[str]

    @classmethod
    def of(cls, row: IntentionRow) -> Declared:
        """The intention a stored row holds."""
        return cls(role=row.role, lots=list(row.lots))


@dataclass(frozen=True)
class PassagePair:
    """One passage of the notice and the member's expertise it matched."""

    passage: str
    expertise: str
    expertise_kind: str


@dataclass(frozen=True)
class CpvPair:
    """One trade code of the notice inside one of the member's trades."""

    notice_code: str
    notice_label: str
    member_code: str
    member_label: str
    same: bool


@dataclass(frozen=True)
class Why:
    """Why a notice fits, as the page says it."""

    passages: list[PassagePair]
    cpv: list[CpvPair]


@dataclass(frozen=True)
class MatchCard:
    """One notice of a member's home: the notice, the lot that fits best and why."""

    notice: Notice
    lot: str | None
    score: float
    why: Why
    lots_fitting: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    """How the member's feedback moved the notice, in the page's language."""

    @property
    def strength(self) -> MatchStrength:
        """How strongly the notice fits, on the assessors' scale (``app.matching.strength``)."""
        return strength_of(self.score)

    @property
    def values(self) -> list[tuple[str | None, Money]]:
        """The estimated values to show: the notice's, then those of the lots that fit."""
        return estimated_values(self.notice, self.lots_fitting)


def cpv_label(code: str, language: str) -> str:
    """The official label of a CPV code in the page's language (the code if unknown)."""
    label = cpv_labels().get(code)
    if label is None:
        return code
    return label.en if language == "en" else label.fr


def why_of(match: Match, language: str) -> Why:
    """The reasons of a match: passage ↔ expertise pairs and CPV overlaps, each said once."""
    passages: dict[str, PassagePair] = {}
    for p in match.reasons.passages:
        passages.setdefault(p.passage.text, PassagePair(p.passage.text, p.unit.text, p.unit.kind))
    cpv: dict[str, CpvPair] = {}
    for c in sorted(match.reasons.cpv, key=lambda c: -c.depth):
        cpv.setdefault(
            c.notice_code,
            CpvPair(
                notice_code=c.notice_code,
                notice_label=cpv_label(c.notice_code, language),
                member_code=c.member_code,
                member_label=cpv_label(c.member_code, language),
                same=c.notice_code == c.member_code,
            ),
        )
    return Why(passages=list(passages.values())[:3], cpv=list(cpv.values())[:3])


QUOTED_TITLE = 90
"""Characters of an example notice's title a card quotes (said on many cards of the home)."""


def shortened(text: str, length: int) -> str:
    """``text`` cut at a word before ``length`` characters, with an ellipsis when cut."""
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"


def feedback_sentences(reasons: Sequence[FeedbackReason], language: str) -> list[str]:
    """What the re-ranking says of a notice, in the page's language, each said once."""
    sentences = (
        replace(reason, example_title=shortened(reason.example_title, QUOTED_TITLE)).sentences()[
            0 if language == "en" else 1
        ]
        for reason in reasons
    )
    return list(dict.fromkeys(sentences))


def fitting_lots(match: Match) -> list[str]:
    """The lots the match's reasons point at (the best lot first)."""
    lots = [match.lot] if match.lot else []
    lots += [p.passage.lot for p in match.reasons.passages if p.passage.lot]
    return list(dict.fromkeys(lot for lot in lots if lot))


def in_region(notice: Notice, department: str) -> bool:
    """True when one of the notice's places covers the department."""
    return any(department in (departments_of(place) or set()) for place in notice.place)


def has_text(notice: Notice, text: str) -> bool:
    """True when every word of ``text`` is in the notice's title, description, buyer or lots."""
    haystack = fold(
        " ".join(
            [
                notice.title,
                notice.description,
                notice.buyer.name if notice.buyer else "",
                *(f"{lot.title} {lot.description}" for lot in notice.lots),
            ]
        )
    )
    return all(word in haystack for word in fold(text).split())


@dataclass(frozen=True)
class HomeFilters:
    """The filters of the home page, as the form sent them."""

    open_only: bool = True
    region: str = ""
    nature: str = ""
    text: str = ""
    value_range: ValueRange | None = None

    @property
    def narrows(self) -> bool:
        """True when a filter applies after ranking (so more matches are ranked first)."""
        return bool(self.region or self.text)

    def keeps(self, notice: Notice) -> bool:
        """True when the notice passes the region and text filters."""
        if self.region and not in_region(notice, self.region):
            return False
        return not (self.text and not has_text(notice, self.text))


def estimated_values(notice: Notice, lots: Sequence[str] = ()) -> list[tuple[str | None, Money]]:
    """The notice's estimated value, then that of each lot of ``lots`` which has one.

    ``None`` labels the whole notice; pass every lot id to list them all (the notice page).
    """
    found: list[tuple[str | None, Money]] = [(None, notice.value)] if notice.value else []
    by_id = {lot.id: lot for lot in notice.lots}
    for lot_id in lots:
        lot = by_id.get(lot_id)
        if lot is not None and lot.value is not None:
            found.append((lot_id, lot.value))
    return found


def deadline_kinds(notice: Notice, gettext: Translate) -> list[tuple[str, datetime]]:
    """Every deadline of the notice with what it is for, in date order."""
    found: list[tuple[str, datetime]] = []
    if notice.deadline is not None:
        found.append((gettext("Deadline for tenders"), notice.deadline))
    for lot in notice.lots:
        if lot.deadline is not None and lot.deadline != notice.deadline:
            found.append((gettext("Deadline for tenders, lot %s") % lot.id, lot.deadline))
    return sorted(found, key=lambda item: item[1])


def source_links(notice: Notice) -> list[tuple[str, str]]:
    """Links to the notice at its sources (BOAMP, TED), from its source ids and URL."""
    links: list[tuple[str, str]] = []
    for source_id in dict.fromkeys([notice.id, *notice.sources]):
        source, _, local = source_id.partition(":")
        if source == "boamp":
            links.append(("BOAMP", f"https://www.boamp.fr/pages/avis/?q=idweb:{local}"))
        elif source == "ted":
            links.append(("TED", f"https://ted.europa.eu/en/notice/-/detail/{local}"))
    if notice.url and all(url != notice.url for _, url in links):
        links.append((notice.source.upper() or "URL", notice.url))
    return links


def buyer_link(notice: Notice) -> str | None:
    """The buyer's public record (the national company directory) when its SIRET is known."""
    siret = notice.buyer.id if notice.buyer else None
    if siret and siret.isdigit() and len(siret) == 14:
        return f"https://annuaire-entreprises.data.gouv.fr/etablissement/{siret}"
    return None


def lot_titles(notice: Notice) -> dict[str, str]:
    """Each lot's title by id."""
    return {lot.id: lot.title for lot in notice.lots}


def nonempty(values: Sequence[str]) -> list[str]:
    """The stripped, non-blank values (lines of a textarea, items of a list)."""
    return [value.strip() for value in values if value.strip()]
