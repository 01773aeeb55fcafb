"""Where a group stands on a notice, derived from intentions, drafts and the notice itself.

Nothing is stored: the stage follows from what members declared and what leads
generated, so it never disagrees with them.

- ``study`` (à étudier): members are only interested so far;
- ``intentions``: some offer to contribute, nobody leads yet;
- ``go_no_go``: a member leads: the leads propose teams and decide;
- ``drafting`` (rédaction): a draft exists and the deadline is ahead;
- ``submitted`` (déposé): a draft exists and the deadline has passed;
- ``abandoned`` (abandonné): everyone declined, or the notice closed without a draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.drafting.planning import deadline_day, french_holidays, previous_working_day
from models.group import Procedure
from models.notice import Notice, NoticeStatus

STAGES = ("study", "intentions", "go_no_go", "drafting", "submitted", "abandoned")


def stage_of(notice: Notice, roles: Sequence[str], drafts: int) -> str:
    """The stage of a notice for a group, from its members' roles and its draft count."""
    open_ = notice.status == NoticeStatus.open
    if drafts:
        return "drafting" if open_ else "submitted"
    if not open_ or (roles and all(role == "declined" for role in roles)):
        return "abandoned"
    if "lead" in roles:
        return "go_no_go"
    if "contributor" in roles:
        return "intentions"
    return "study"


@dataclass(frozen=True)
class NextStep:
    """The next step of the group's procedure for a notice and its (working) day."""

    title: str
    due: date


def next_step(procedure: Procedure, deadline: datetime | None, today: date) -> NextStep | None:
    """The first step of the procedure still ahead, dated back from the deadline."""
    if deadline is None:
        return None
    last = deadline_day(deadline)
    longest = max(step.offset_days for step in procedure.steps)
    calendar = french_holidays(range((last - timedelta(days=longest + 31)).year, last.year + 1))
    dated = []
    for step in procedure.steps:
        due, _ = previous_working_day(last - timedelta(days=step.offset_days), calendar)
        dated.append(NextStep(step.title, due))
    ahead = sorted((s for s in dated if s.due >= today), key=lambda s: s.due)
    return ahead[0] if ahead else None
