"""Mémoire technique outline: per lot, the buyer's need, then sections to write.

Each lot (or the whole notice when it has no lots) gets the buyer's need
quoted from the most specific text the notice has (lot description, lot title,
notice description, notice title), the award criteria in the buyer's order
(the lot's, else the notice's) and five sections: understanding of the need,
methodology, team, planning, references. The members assigned to the lot have
their most relevant expertise statements slotted into "team" (two each), their
most relevant references into "references" (two each) and their declared
availability into "planning".

Relevance is, unless the caller passes scores (e.g. from matching), a pure
token overlap: the share of a statement's content words (accents folded with
``models.vocabulary.text.fold``, stop words and words under three letters
dropped, a final plural ``s``/``x`` stripped) that also occur in the need.
Passed scores are keyed by ``(lot id or None, member id, text)`` where text is
the expertise statement or the reference's title; missing keys score 0. A
reference is scored on its title and summary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import TypeVar

from app.drafting.labels import translator
from app.drafting.planning import HolidayCalendar, previous_working_day
from models.draft import (
    CriterionEntry,
    LotOutline,
    MemoireSection,
    NeedSource,
    PlannedStep,
    SectionKind,
    SlotKind,
    SlottedItem,
)
from models.member import Member, MemberId, Reference
from models.notice import AwardCriterion, Notice
from models.vocabulary.text import fold

RelevanceScores = Mapping[tuple[str | None, str, str], float]
_Scorer = Callable[[str, str, str], float]  # (member id, key, text) -> relevance to the need
_T = TypeVar("_T")

STATEMENTS_PER_MEMBER = 2
REFERENCES_PER_MEMBER = 2
QUESTIONS_FALLBACK_OFFSET_DAYS = 10
"""Without a questions step, questions are due at D-10 (moved to a working day): buyers
must answer at the latest six days before the deadline, so questions have to reach
them earlier; the consultation rules (RC) usually give the exact date."""

_STOPWORDS = frozenset(
    """les des une pour par avec dans sur aux est son ses leur leurs qui que dont cette ces
    ainsi tout tous toute toutes plus entre sans sous the and for with from into its their
    this that are our has have been will not lot lots marche""".split()
)


def section_title(kind: SectionKind, language: str) -> str:
    """The heading of a section of the mémoire technique."""
    _ = translator(language)
    titles = {
        SectionKind.understanding: _("Understanding of the need"),
        SectionKind.methodology: _("Methodology"),
        SectionKind.team: _("Team"),
        SectionKind.planning: _("Schedule"),
        SectionKind.references: _("References"),
    }
    return titles[kind]


def section_guidance(kind: SectionKind, language: str) -> str:
    """What the writers of a section should say in it."""
    _ = translator(language)
    guidance = {
        SectionKind.understanding: _(
            "Restate the buyer's need in our own words: context, stakes, scope and "
            "constraints; show what we have understood."
        ),
        SectionKind.methodology: _(
            "Describe the approach phase by phase, the deliverables, the steering and the "
            "follow-up with the buyer; answer every award criterion."
        ),
        SectionKind.team: _(
            "Present each contributor, their role and their share; below, the declared "
            "skills closest to the need."
        ),
        SectionKind.planning: _("Delivery schedule, milestones, the team's availability."),
        SectionKind.references: _(
            "Comparable references (subject, buyer, year); below, the closest to the need."
        ),
    }
    return guidance[kind]


def content_tokens(text: str) -> set[str]:
    """Folded content words of ``text`` (see the module docstring)."""
    words = (word for word in fold(text).split() if len(word) >= 3 and word not in _STOPWORDS)
    return {word[:-1] if len(word) > 4 and word[-1] in "sx" else word for word in words}


def overlap_score(text: str, need_tokens: set[str]) -> float:
    """Share of ``text``'s content words found in the need, in [0, 1]."""
    tokens = content_tokens(text)
    if not tokens:
        return 0.0
    return round(len(tokens & need_tokens) / len(tokens), 4)


def quoted_need(notice: Notice, lot: str | None) -> tuple[str, NeedSource, str]:
    """The buyer's need for ``lot``: text, where it comes from, and the lot's title."""
    found = next((item for item in notice.lots if item.id == lot), None)
    if found is not None:
        if found.description.strip():
            return found.description.strip(), NeedSource.lot_description, found.title
        if found.title.strip():
            return found.title.strip(), NeedSource.lot_title, found.title
    if notice.description.strip():
        return notice.description.strip(), NeedSource.notice_description, notice.title
    return notice.title.strip(), NeedSource.notice_title, notice.title


def criteria_entries(criteria: Sequence[AwardCriterion]) -> list[CriterionEntry]:
    """Criteria in the buyer's order, weights also on a 100 scale."""
    weights = [c.weight for c in criteria if c.weight is not None]
    fractions = bool(weights) and sum(weights) <= 1.0 + 1e-9
    entries = []
    for rank, criterion in enumerate(criteria, start=1):
        percent = None
        if criterion.weight is not None:
            percent = round(criterion.weight * (100 if fractions else 1), 2)
        entries.append(
            CriterionEntry(
                rank=rank, name=criterion.name, weight=criterion.weight, weight_percent=percent
            )
        )
    return entries


def build_outline(
    *,
    notice: Notice,
    assignments: Mapping[str | None, Sequence[MemberId]],
    members: Mapping[str, Member],
    scores: RelevanceScores | None = None,
    language: str = "fr",
) -> list[LotOutline]:
    """One outline per lot of ``assignments`` (lot id → assigned members, ``None`` = no lots).

    Section titles, guidance and availability lines are written in ``language``.
    """
    outlines = []
    for lot, assigned in assignments.items():
        need, source, title = quoted_need(notice, lot)
        found = next((item for item in notice.lots if item.id == lot), None)
        context = " ".join([found.title, found.description] if found else [])
        need_tokens = content_tokens(" ".join([context, notice.title, notice.description]))

        def score(
            member_id: str,
            key: str,
            text: str,
            lot: str | None = lot,
            need: set[str] = need_tokens,
        ) -> float:
            if scores is not None:
                return float(scores.get((lot, member_id, key), 0.0))
            return overlap_score(text, need)

        criteria, criteria_source = notice.criteria, "notice" if notice.criteria else None
        if found is not None and found.criteria:
            criteria, criteria_source = found.criteria, "lot"
        people = [members[m] for m in assigned]
        outlines.append(
            LotOutline(
                lot=lot,
                title=title,
                need=need,
                need_source=source,
                members=list(assigned),
                criteria=criteria_entries(criteria),
                criteria_source=criteria_source,
                sections=_sections(people, score, language),
                value=found.value if found is not None and found.value else notice.value,
            )
        )
    return outlines


def questions_due(
    planning: Sequence[PlannedStep],
    deadline_day: date,
    calendar: HolidayCalendar,
) -> tuple[date, str | None]:
    """Due date of questions to the buyer and the step it comes from.

    The step whose key contains ``question``, else whose folded title does;
    else ``QUESTIONS_FALLBACK_OFFSET_DAYS`` before the deadline (step ``None``).
    """
    by_key = (s for s in planning if "question" in s.key)
    by_title = (s for s in planning if "question" in fold(s.title))
    step = next(by_key, None) or next(by_title, None)
    if step is not None:
        return step.due, step.key
    nominal = deadline_day - timedelta(days=QUESTIONS_FALLBACK_OFFSET_DAYS)
    return previous_working_day(nominal, calendar)[0], None


def _sections(people: Sequence[Member], score: _Scorer, language: str) -> list[MemoireSection]:
    _ = translator(language)
    team: list[SlottedItem] = []
    planning: list[SlottedItem] = []
    references: list[SlottedItem] = []
    for member in people:
        statements = _best([(s, score(member.id, s, s)) for s in member.expertise])
        team += [
            SlottedItem(member_id=member.id, kind=SlotKind.expertise, text=text, score=value)
            for text, value in statements[:STATEMENTS_PER_MEMBER]
        ]
        refs = _best(
            [(r, score(member.id, r.title, f"{r.title} {r.summary}")) for r in member.references]
        )
        references += [
            SlottedItem(
                member_id=member.id,
                kind=SlotKind.reference,
                text=_reference_text(ref),
                reference=ref,
                score=value,
            )
            for ref, value in refs[:REFERENCES_PER_MEMBER]
        ]
        if member.availability_days_per_month is not None:
            days = member.availability_days_per_month
            planning.append(
                SlottedItem(
                    member_id=member.id,
                    kind=SlotKind.availability,
                    text=_("%(days)s days a month available") % {"days": f"{days:g}"},
                )
            )
    slotted = {
        SectionKind.team: team,
        SectionKind.planning: planning,
        SectionKind.references: references,
    }
    return [
        MemoireSection(
            kind=kind,
            title=section_title(kind, language),
            guidance=section_guidance(kind, language),
            items=slotted.get(kind, []),
        )
        for kind in SectionKind
    ]


def _best(candidates: list[tuple[_T, float]]) -> list[tuple[_T, float]]:
    """Highest score first; ties keep the member's own order."""
    return sorted(candidates, key=lambda pair: -pair[1])


def _reference_text(ref: Reference) -> str:
    """``Title — Buyer (2024) : summary``."""
    text = ref.title
    if ref.buyer:
        text += f" — {ref.buyer}"
    if ref.year:
        text += f" ({ref.year})"
    if ref.summary:
        text += f" : {ref.summary}"
    return text
