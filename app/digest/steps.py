"""The group procedure's steps that fall to a member in the coming days.

Steps are dated by the drafting retro-planning (``app.drafting.planning``: D minus
the step's offset, moved back to the previous working day). Before any team is
chosen, owners are read from the group and the intentions declared so far:
``lead`` the group's leads; ``mandataire`` the group member who declared ``lead``
on the notice, else the group's leads; ``contributors`` those who declared
``contributor``; ``members`` everyone in the group (who must all say, by the
``declare_intentions`` step, whether they are in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.drafting.planning import deadline_day, french_holidays, previous_working_day
from models.group import Group, OwnerRole

HORIZON_DAYS = 7


@dataclass(frozen=True)
class DueStep:
    """A step of ``group``'s procedure on ``notice_id`` that falls to the member."""

    notice_id: str
    group_id: str
    key: str
    title: str
    due: date


def step_owners(role: OwnerRole, group: Group, intentions: Mapping[str, str]) -> list[str]:
    """Who owns a step of ``role``, given the group and the roles declared on the notice."""
    declared = {member: r for member, r in intentions.items() if member in group.members}
    if role is OwnerRole.lead:
        return list(group.leads)
    if role is OwnerRole.mandataire:
        leads = [m for m, r in declared.items() if r == "lead"]
        return leads[:1] or list(group.leads)
    if role is OwnerRole.contributors:
        return [m for m, r in declared.items() if r == "contributor"]
    return list(group.members)


def due_steps(
    member_id: str,
    *,
    notice_id: str,
    deadline: datetime,
    groups: Sequence[Group],
    intentions: Mapping[str, str],
    today: date,
    horizon_days: int = HORIZON_DAYS,
) -> list[DueStep]:
    """The steps owned by ``member_id`` due from ``today`` to ``today + horizon_days``."""
    last = deadline_day(deadline)
    if last < today:
        return []
    calendar = french_holidays(range(today.year - 1, last.year + 1))
    found: list[DueStep] = []
    for group in groups:
        if member_id not in group.members:
            continue
        for step in group.procedure.steps:
            if member_id not in step_owners(step.owner, group, intentions):
                continue
            due, _ = previous_working_day(last - timedelta(days=step.offset_days), calendar)
            if today <= due <= today + timedelta(days=horizon_days):
                found.append(DueStep(notice_id, group.id, step.key, step.title, due))
    return sorted(found, key=lambda s: (s.due, s.notice_id, s.key))
