"""Assemble the structured draft from a notice, a group, the members and one proposal.

``build_draft`` is pure: the caller passes ``today`` (for past-step warnings)
and ``now`` (``generated_at``), loads the records and stores the result.

Choices where the inputs leave room:

- The deadline is that of the lots the team answers (a lot's own deadline, else
  the notice's); the earliest when they differ (with a warning), since every
  lot must be submitted in time.
- A proposal member without lots (``[]`` or ``[None]``) works on every lot the
  proposal covers; a proposal that names no lot at all covers every lot of the
  notice (with a warning).
- Members listed in ``proposal.subcontractors`` but not in ``proposal.members``
  join the team as subcontractors with a 0 share and no lot (with a warning).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from app.core.i18n import supported
from app.drafting.checklist import build_checklist
from app.drafting.errors import DraftError
from app.drafting.labels import format_day, translator
from app.drafting.outline import QUESTIONS_FALLBACK_OFFSET_DAYS, RelevanceScores, build_outline
from app.drafting.outline import questions_due as find_questions_due
from app.drafting.planning import deadline_day, french_holidays, plan_steps
from app.drafting.team import build_team, legal_form_notes, team_warnings
from models.consortium import Consortium, TeamRole
from models.draft import Draft
from models.group import Group
from models.member import Member
from models.notice import Notice
from models.vocabulary.time import PARIS


def build_draft(
    *,
    notice: Notice,
    group: Group,
    members: Mapping[str, Member],
    proposal: Consortium,
    today: date,
    now: datetime,
    scores: RelevanceScores | None = None,
    draft_id: str | None = None,
    language: str = "fr",
) -> Draft:
    """Build the draft in ``language``; raise :class:`DraftError` naming the field at fault.

    Every text the draft holds (warnings, notes, guidance, titles) is written in
    ``language`` and the draft records it, so its renderers say their own labels
    in the same language.
    """
    language = supported(language)
    _ = translator(language)
    if now.tzinfo is None:
        raise DraftError("now", "generation time must be timezone-aware")
    _check_team(proposal, members)
    warnings: list[str] = []
    member_lots, covered = _resolve_lots(notice, proposal, warnings, language)
    deadline = _deadline(notice, covered, warnings, language)
    last_day = deadline_day(deadline)
    longest = max(step.offset_days for step in group.procedure.steps)
    years = range(last_day.year - 1 - longest // 365, last_day.year + 1)
    calendar = french_holidays(years, language)
    planning = plan_steps(
        group.procedure,
        deadline,
        proposal,
        group.leads,
        today,
        calendar=calendar,
        language=language,
    )
    team_ids = [*(m.member_id for m in proposal.members), *proposal.subcontractors]
    people = {m: members[m].name for m in team_ids}
    mentioned = [*group.leads, *(m for gap in proposal.gaps for m in gap.suggestions)]
    people |= {m: members[m].name for m in mentioned if m in members and m not in people}
    checklist = build_checklist(
        procedure=group.procedure,
        proposal=proposal,
        planning=planning,
        deadline_day=last_day,
        cooperative=group.cooperative,
        names=people,
        language=language,
    )
    team = build_team(proposal, members, member_lots, checklist)
    assignments = {
        lot: [
            entry.member_id
            for entry in team
            if (lot is None and entry.member_id in member_lots) or lot in entry.lots
        ]
        for lot in covered
    }
    outline = build_outline(
        notice=notice,
        assignments=assignments,
        members=members,
        scores=scores,
        language=language,
    )
    q_due, q_step = find_questions_due(planning, last_day, calendar)

    if last_day < today:  # every step is past too: one warning says it all
        warnings.append(
            _("The deadline for tenders (%(day)s) has passed.")
            % {"day": format_day(last_day, language)}
        )
    else:
        warnings += [
            _("The step “%(step)s” was due on %(day)s: it has already passed.")
            % {"step": step.title, "day": format_day(step.due, language)}
            for step in planning
            if step.in_past
        ]
    if q_step is None:
        warnings.append(
            _(
                "The procedure has no “questions” step: questions to the buyer are set at "
                "D-%(days)d, a date to check in the consultation rules."
            )
            % {"days": QUESTIONS_FALLBACK_OFFSET_DAYS}
        )
    warnings += team_warnings(notice, group, proposal, members, people, language)

    return Draft(
        draft_id=draft_id,
        language=language,
        notice_id=notice.id,
        notice_title=notice.title,
        notice_url=notice.url,
        buyer=notice.buyer.name if notice.buyer and notice.buyer.name else None,
        group_id=group.id,
        group_name=group.name,
        cooperative=group.cooperative,
        deadline=deadline.astimezone(PARIS),
        generated_at=now,
        as_of=today,
        legal_form=proposal.legal_form,
        mandataire=proposal.mandataire,
        people=people,
        team=team,
        legal_form_notes=legal_form_notes(proposal, group.cooperative, people, language),
        planning=planning,
        checklist=checklist,
        outline=outline,
        questions_due=q_due,
        questions_step=q_step,
        gaps=list(proposal.gaps),
        warnings=warnings,
    )


def _check_team(proposal: Consortium, members: Mapping[str, Member]) -> None:
    seen: set[str] = set()
    for index, entry in enumerate(proposal.members):
        field = f"proposal.members[{index}].member_id"
        if entry.member_id not in members:
            raise DraftError(field, f"member {entry.member_id!r} not found")
        if entry.member_id in seen:
            raise DraftError(field, f"member {entry.member_id!r} listed twice")
        seen.add(entry.member_id)
    if proposal.mandataire not in seen:
        raise DraftError(
            "proposal.mandataire",
            f"mandataire {proposal.mandataire!r} is not in proposal.members",
        )
    if proposal.mandataire in proposal.subcontractors:
        raise DraftError(
            "proposal.mandataire",
            f"mandataire {proposal.mandataire!r} cannot be a subcontractor",
        )
    for index, entry in enumerate(proposal.members):
        field = f"proposal.members[{index}].role"
        if entry.member_id == proposal.mandataire and entry.role is TeamRole.subcontractor:
            raise DraftError(field, f"mandataire {entry.member_id!r} cannot be a subcontractor")
        if entry.role is TeamRole.mandataire and entry.member_id != proposal.mandataire:
            raise DraftError(
                field,
                f"{entry.member_id!r} has role mandataire but proposal.mandataire is "
                f"{proposal.mandataire!r}",
            )
    for index, sub in enumerate(proposal.subcontractors):
        if sub not in members:
            raise DraftError(f"proposal.subcontractors[{index}]", f"member {sub!r} not found")


def _resolve_lots(
    notice: Notice, proposal: Consortium, warnings: list[str], language: str
) -> tuple[dict[str, list[str]], list[str | None]]:
    """Each member's lots and the lots the response covers (``[None]`` without lots)."""
    notice_lots = [lot.id for lot in notice.lots]
    explicit: dict[str, list[str]] = {}
    for index, entry in enumerate(proposal.members):
        named = [lot for lot in entry.lots if lot is not None]
        unknown = [lot for lot in named if lot not in notice_lots]
        if unknown:
            has = f"its lots are {', '.join(notice_lots)}" if notice_lots else "it has no lots"
            raise DraftError(
                f"proposal.members[{index}].lots",
                f"lot(s) {', '.join(unknown)} not in notice {notice.id} ({has})",
            )
        explicit[entry.member_id] = list(dict.fromkeys(named))
    if not notice_lots:
        return {member: [] for member in explicit}, [None]
    named_anywhere = {lot for lots in explicit.values() for lot in lots}
    covered = [lot for lot in notice_lots if lot in named_anywhere]
    if not covered:
        covered = notice_lots
        _ = translator(language)
        warnings.append(_("The proposal names no lot: every lot of the notice is taken."))
    return {member: lots or list(covered) for member, lots in explicit.items()}, list(covered)


def _deadline(
    notice: Notice, covered: list[str | None], warnings: list[str], language: str
) -> datetime:
    lots = {lot.id: lot for lot in notice.lots}
    found = [
        lots[lot].deadline or notice.deadline if lot is not None else notice.deadline
        for lot in covered
    ]
    deadlines = sorted({d for d in found if d is not None})
    if not deadlines:
        fallback = notice.effective_deadline()
        if fallback is None:
            raise DraftError(
                "notice.deadline",
                f"notice {notice.id} has no deadline (neither the notice nor its lots); "
                "the retro-planning counts back from it",
            )
        return fallback
    if len({deadline_day(d) for d in deadlines}) > 1:
        _ = translator(language)
        warnings.append(
            _("The lots taken do not share one deadline: the retro-planning follows the earliest.")
        )
    return deadlines[0]
