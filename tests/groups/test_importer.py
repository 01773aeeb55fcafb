"""``groups import``: procedures validated, unknown members named, leads derived, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from app.groups.importer import import_groups
from app.members.importer import import_members
from app.wiring.context import AppContext
from models.schema import GroupMembershipRow, GroupRow
from tests.utils.data import DEVSET

BAD = """\
id: g-bad
name: Bad
members: [m-comm, m-ghost, m-studies, m-phantom]
leads: [m-studies, m-elec]
procedure:
  steps:
    - key: read_need
      title: Read
      owner: lead
      offset_days: 20
    - key: go_no_go
      title: Decide
      owner: lead
      offset_days: 25
    - key: read_need
      title: Read again
      owner: boss
      offset_days: 3
  documents: [DC1, DC9]
"""


def _groups(context: AppContext) -> int:
    with context.sessions() as session:
        return session.scalar(select(func.count()).select_from(GroupRow)) or 0


def _members(context: AppContext) -> None:
    assert import_members(sessions=context.sessions, path=DEVSET / "members.yaml").ok


def test_import_devset_group_derives_leads(context: AppContext) -> None:
    _members(context)
    report = import_groups(sessions=context.sessions, path=DEVSET / "group.yaml")
    assert report.to_json() == {"imported": 1, "updated": 0, "unchanged": 0, "errors": []}
    with context.sessions() as session:
        rows = session.scalars(select(GroupMembershipRow)).all()
        assert {row.member_id for row in rows if row.is_lead} == {"m-studies"}
        assert len(rows) == 6
    again = import_groups(sessions=context.sessions, path=DEVSET / "group.yaml")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1)


def test_import_group_reports_every_problem(context: AppContext, tmp_path: Path) -> None:
    _members(context)
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    report = import_groups(sessions=context.sessions, path=path)
    assert [(e.line, e.id, e.field) for e in report.errors] == [
        (3, "g-bad", "members.1"),
        (3, "g-bad", "members.3"),
        (4, "g-bad", "leads.1"),
        (14, "g-bad", "procedure.steps.1.offset_days"),
        (17, "g-bad", "procedure.steps.2.owner"),
        (19, "g-bad", "procedure.documents.1"),
    ]
    messages = [e.message for e in report.errors]
    assert messages[0] == "unknown member: m-ghost" and messages[1] == "unknown member: m-phantom"
    assert messages[2] == "lead m-elec is not a member of the group"
    assert "comes after 'read_need'" in messages[3]
    assert _groups(context) == 0


def test_import_group_duplicate_step_key(context: AppContext, tmp_path: Path) -> None:
    _members(context)
    group = (DEVSET / "group.yaml").read_text(encoding="utf-8")
    path = tmp_path / "dup.yaml"
    path.write_text(group.replace("key: review", "key: read_need"), encoding="utf-8")
    report = import_groups(sessions=context.sessions, path=path)
    assert [(e.field, e.message) for e in report.errors] == [
        ("procedure.steps.5.key", "duplicate step key: read_need")
    ]
    assert report.errors[0].line == group.splitlines().index("    - key: review") + 1


def test_import_groups_needs_members_first(context: AppContext) -> None:
    report = import_groups(sessions=context.sessions, path=DEVSET / "group.yaml")
    assert [e.field for e in report.errors] == [f"members.{i}" for i in range(6)]
    assert {e.line for e in report.errors} == {6}  # the members: line
    assert _groups(context) == 0


def test_import_group_list_json_all_or_nothing(context: AppContext, tmp_path: Path) -> None:
    _members(context)
    good = {
        "id": "g-a",
        "name": "A",
        "members": ["m-comm"],
        "leads": ["m-comm"],
        "procedure": {"steps": [{"key": "go", "title": "Go", "owner": "lead", "offset_days": 5}]},
    }
    bad = {**good, "id": "g-b", "members": ["m-nobody"], "leads": []}
    text = json.dumps({"groups": [good, bad]}, indent=1)
    path = tmp_path / "groups.json"
    path.write_text(text, encoding="utf-8")
    report = import_groups(sessions=context.sessions, path=path)
    line = next(n for n, text_line in enumerate(text.splitlines(), 1) if "m-nobody" in text_line)
    assert [(e.line, e.id, e.field) for e in report.errors] == [(line, "g-b", "members.0")]
    assert _groups(context) == 0
    path.write_text(json.dumps([good]), encoding="utf-8")
    assert import_groups(sessions=context.sessions, path=path).imported == 1
