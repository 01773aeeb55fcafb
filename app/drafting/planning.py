"""Retro-planning: date each procedure step back from the buyer's deadline.

A step is due ``offset_days`` calendar days before the day of the deadline
(read in Europe/Paris, where French deadlines are set). A date that falls on a
Saturday, a Sunday or a French public holiday moves to the previous working
day, repeatedly (Sunday 10 May 2026 → Saturday 9 → Friday 8, Victoire 1945 →
Thursday 7). Moving earlier, never later, keeps every step before the deadline
and keeps the steps in order.

Holidays come from the maintained ``holidays`` library, calendar of
metropolitan France (``country_holidays("FR")``). Alsace-Moselle (subdivisions
``57`` and ``6AE``) also rests on Good Friday and 26 December; those days stay
working days here because a response team is rarely all based there, and
moving a step one day earlier is harmless if they are. Whit Monday (lundi de
Pentecôte) is a public holiday in the calendar and is skipped, even though many
employers work it as the "journée de solidarité".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import holidays

from app.drafting.labels import format_day, translator
from models.consortium import Consortium
from models.draft import PlannedStep
from models.group import OwnerRole, Procedure
from models.member import MemberId
from models.vocabulary.time import PARIS

HolidayCalendar = holidays.HolidayBase

_MAX_SKIPPED_DAYS = 31  # no real calendar has a month of consecutive non-working days


HOLIDAY_LANGUAGES = {"fr": "fr", "en": "en_US"}
"""The ``holidays`` library's language for each of ours (it names French holidays in US English)."""


def french_holidays(years: Iterable[int], language: str = "fr") -> HolidayCalendar:
    """Public holidays of metropolitan France for ``years``, named in ``language``."""
    named = HOLIDAY_LANGUAGES.get(language, "fr")
    return holidays.country_holidays("FR", years=sorted(set(years)), language=named)


def deadline_day(deadline: datetime) -> date:
    """The calendar day of the deadline in Paris (a naive value is read as Paris time)."""
    if deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=PARIS)
    return deadline.astimezone(PARIS).date()


def non_working_reason(day: date, calendar: HolidayCalendar, language: str = "fr") -> str | None:
    """Why ``day`` is not a working day (``None`` when it is one), in ``language``."""
    holiday = calendar.get(day)
    _ = translator(language)
    label = format_day(day, language)
    if holiday:
        return _("%(day)s (public holiday: %(holiday)s)") % {"day": label, "holiday": holiday}
    if day.weekday() >= 5:
        return _("%(day)s (weekend)") % {"day": label}
    return None


def previous_working_day(
    day: date, calendar: HolidayCalendar, language: str = "fr"
) -> tuple[date, list[str]]:
    """The latest working day on or before ``day``, and the reasons for each day skipped."""
    skipped: list[str] = []
    current = day
    while (reason := non_working_reason(current, calendar, language)) is not None:
        skipped.append(reason)
        current -= timedelta(days=1)
        if len(skipped) > _MAX_SKIPPED_DAYS:
            raise ValueError(f"no working day within {_MAX_SKIPPED_DAYS} days before {day}")
    return current, skipped


def resolve_owners(
    role: OwnerRole, *, proposal: Consortium, group_leads: Sequence[MemberId]
) -> list[MemberId]:
    """The people behind an owner role, for this team.

    ``lead``: the group's leads who are in the team, else all the group's leads,
    else (a group without leads) the mandataire. ``mandataire``: the proposal's
    mandataire. ``contributors``: the team but the mandataire (the mandataire
    alone when the team is one person). ``members``: the whole team. The
    team's order is kept, the mandataire first.
    """
    team = _team_ids(proposal)
    if role is OwnerRole.lead:
        in_team = [lead for lead in group_leads if lead in team]
        return in_team or list(group_leads) or [proposal.mandataire]
    if role is OwnerRole.mandataire:
        return [proposal.mandataire]
    if role is OwnerRole.contributors:
        others = [member for member in team if member != proposal.mandataire]
        return others or [proposal.mandataire]
    return team


def plan_steps(
    procedure: Procedure,
    deadline: datetime,
    team: Consortium,
    group_leads: Sequence[MemberId],
    today: date,
    *,
    calendar: HolidayCalendar | None = None,
    language: str = "fr",
) -> list[PlannedStep]:
    """Date every step of ``procedure`` for ``deadline``, with owners, moves and past flags.

    The reasons a step moved are written in ``language`` (the draft's).
    """
    _ = translator(language)
    last = deadline_day(deadline)
    if calendar is None:
        longest = max(step.offset_days for step in procedure.steps)
        first = last - timedelta(days=longest + _MAX_SKIPPED_DAYS)
        calendar = french_holidays(range(first.year, last.year + 1), language)
    planned: list[PlannedStep] = []
    for step in procedure.steps:
        nominal = last - timedelta(days=step.offset_days)
        due, skipped = previous_working_day(nominal, calendar, language)
        planned.append(
            PlannedStep(
                key=step.key,
                title=step.title,
                owner_role=step.owner,
                owners=resolve_owners(step.owner, proposal=team, group_leads=group_leads),
                offset_days=step.offset_days,
                due=due,
                moved_from=nominal if skipped else None,
                moved_reason=_("; ").join(skipped) if skipped else None,
                in_past=due < today,
            )
        )
    return planned


def _team_ids(proposal: Consortium) -> list[MemberId]:
    """Team member ids, mandataire first, then ``proposal.subcontractors``, no duplicates."""
    ordered = [proposal.mandataire, *(m.member_id for m in proposal.members)]
    ordered += proposal.subcontractors
    return list(dict.fromkeys(ordered))
