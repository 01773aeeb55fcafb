"""The stage of a notice on a group's board, and the next step of the procedure."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.web.stages import next_step, stage_of
from models.group import Procedure, ProcedureStep
from models.notice import Notice, NoticeStatus

OPEN = Notice(id="boamp:1", title="t")
CLOSED = Notice(id="boamp:2", title="t", status=NoticeStatus.closed)


def test_stages_follow_intentions_then_drafts() -> None:
    assert stage_of(OPEN, ["interested"], 0) == "study"
    assert stage_of(OPEN, ["interested", "contributor"], 0) == "intentions"
    assert stage_of(OPEN, ["contributor", "lead"], 0) == "go_no_go"
    assert stage_of(OPEN, ["lead"], 2) == "drafting"
    assert stage_of(CLOSED, ["lead"], 1) == "submitted"
    assert stage_of(OPEN, ["declined", "declined"], 0) == "abandoned"
    assert stage_of(CLOSED, ["lead"], 0) == "abandoned"


def test_next_step_is_the_first_step_ahead_on_a_working_day() -> None:
    procedure = Procedure(
        steps=[
            ProcedureStep(key="read", title="Lire", owner="lead", offset_days=20),
            ProcedureStep(key="write", title="Rédiger", owner="members", offset_days=7),
        ]
    )
    deadline = datetime(2027, 1, 15, 12, tzinfo=UTC)  # a Friday
    first = next_step(procedure, deadline, date(2026, 12, 1))
    assert first is not None and first.title == "Lire"
    assert first.due == date(2026, 12, 24)  # Sat 26 Dec, Fri 25 is Christmas: Thu 24
    later = next_step(procedure, deadline, date(2026, 12, 27))
    assert later is not None and later.title == "Rédiger" and later.due == date(2027, 1, 8)
    assert next_step(procedure, deadline, date(2027, 1, 16)) is None
    assert next_step(procedure, None, date(2026, 12, 1)) is None
