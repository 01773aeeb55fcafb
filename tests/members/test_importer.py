"""``members import``: all or nothing, every bad row reported with its line and field."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.import_report import ImportReport, RowError
from app.core.sourcemap import load_located
from app.members.importer import import_members
from app.wiring.context import AppContext
from models.schema import MemberRow
from tests.utils.data import DEVSET

GOOD = """\
- id: m-a
  name: Alice
  expertise: [Conception de sites web accessibles]
- id: m-b
  name: Bob
  regions: ["59"]
  expertise: [Formation des agents publics]
"""

BAD = """\
- id: m-ok
  name: Fine
  expertise: [Animation de réunions publiques]
- id: m-bad
  name: Bad
  cpv: ["72000000", "11111111"]
  regions: ["59", "100"]
  day_rate_eur: -5
  expertise: []
- id: m-ref
  name: Refs
  expertise: [Études urbaines]
  references:
    - title: Étude
      year: 1800
    - buyer: nobody
- id: m-ok
  name: Twice
  expertise: [Again]
  colour: blue
- just text
- id: m-inf
  name: Inf
  day_rate_eur: .inf
  expertise: ["Nul\\0 character"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(context: AppContext) -> int:
    with context.sessions() as session:
        return session.scalar(select(func.count()).select_from(MemberRow)) or 0


def _errors(report: ImportReport) -> list[tuple[int | None, str | None, str | None]]:
    return [(error.line, error.id, error.field) for error in report.errors]


def test_import_devset_members_is_idempotent(context: AppContext) -> None:
    first = import_members(sessions=context.sessions, path=DEVSET / "members.yaml")
    assert first.to_json() == {"imported": 12, "updated": 0, "unchanged": 0, "errors": []}
    again = import_members(sessions=context.sessions, path=DEVSET / "members.yaml")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 12)
    with context.sessions() as session:
        row = session.get(MemberRow, "m-studies")
        assert row is not None and row.indexed_hash is None
        canonical = json.dumps(
            row.profile, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        assert row.content_hash == hashlib.sha256(canonical.encode()).hexdigest()


def test_import_reports_every_bad_row_and_writes_nothing(
    context: AppContext, tmp_path: Path
) -> None:
    report = import_members(sessions=context.sessions, path=_write(tmp_path, "bad.yaml", BAD))
    assert not report.ok and _count(context) == 0
    assert _errors(report) == [
        (6, "m-bad", "cpv"),
        (7, "m-bad", "regions"),
        (8, "m-bad", "day_rate_eur"),
        (9, "m-bad", "expertise"),
        (15, "m-ref", "references.0.year"),
        (16, "m-ref", "references.1.title"),
        (17, "m-ok", "id"),
        (20, "m-ok", "colour"),
        (21, None, None),
        (24, "m-inf", "day_rate_eur"),
        (25, "m-inf", "expertise.0"),
    ]
    messages = {(e.line, e.field): e.message for e in report.errors}
    assert messages[(6, "cpv")] == "unknown CPV code(s): 11111111"
    assert messages[(7, "regions")] == "not a French department code: 100"
    assert messages[(17, "id")] == "duplicate id (also on line 1)"
    assert messages[(24, "day_rate_eur")] == "must be a finite number"
    assert messages[(25, "expertise.0")] == "must not contain NUL characters"


def test_import_json_reports_lines(context: AppContext, tmp_path: Path) -> None:
    rows = [
        {"id": "m-a", "name": "A", "expertise": ["Conception graphique"]},
        {"id": "m-b", "name": "B", "expertise": ["ok statement"], "cpv": ["00000000"]},
    ]
    path = _write(tmp_path, "members.json", json.dumps(rows, indent=2))
    report = import_members(sessions=context.sessions, path=path)
    cpv_line = json.dumps(rows, indent=2).splitlines().index('    "cpv": [') + 1
    assert [(e.to_json()) for e in report.errors] == [
        {"line": cpv_line, "id": "m-b", "field": "cpv", "message": "unknown CPV code(s): 00000000"}
    ]
    wrapped = _write(tmp_path, "wrapped.json", json.dumps({"members": rows[:1]}))
    assert import_members(sessions=context.sessions, path=wrapped).imported == 1


def test_import_syntax_errors(context: AppContext, tmp_path: Path) -> None:
    yaml_report = import_members(
        sessions=context.sessions, path=_write(tmp_path, "broken.yaml", GOOD + "- id: [unclosed\n")
    )
    assert len(yaml_report.errors) == 1 and yaml_report.errors[0].line == 9
    json_report = import_members(
        sessions=context.sessions, path=_write(tmp_path, "broken.json", '[\n{"id": "m-a",\n}\n]')
    )
    assert json_report.errors == [
        RowError(3, None, None, "invalid JSON: Expecting property name enclosed in double quotes")
    ]
    shape = import_members(
        sessions=context.sessions, path=_write(tmp_path, "one.yaml", "id: m-a\n")
    )
    assert shape.errors[0].message.startswith("expected a list of members")
    missing = import_members(sessions=context.sessions, path=tmp_path / "absent.yaml")
    assert missing.errors[0].message.startswith("cannot read the file")


def test_import_upsert_replaces_whole_profiles(context: AppContext, tmp_path: Path) -> None:
    import_members(sessions=context.sessions, path=_write(tmp_path, "good.yaml", GOOD))
    changed = GOOD.replace('  regions: ["59"]\n', "").replace("Bob", "Robert")
    report = import_members(sessions=context.sessions, path=_write(tmp_path, "v2.yaml", changed))
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 1)
    with context.sessions() as session:
        row = session.get(MemberRow, "m-b")
        assert row is not None and row.name == "Robert" and row.profile["regions"] == []
    only_a = GOOD.split("- id: m-b")[0]
    import_members(sessions=context.sessions, path=_write(tmp_path, "a.yaml", only_a))
    assert _count(context) == 2  # members missing from a file are left alone


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@given(value=JSON_VALUES, indent=st.sampled_from([None, 0, 2]))
def test_json_line_map_matches_the_data(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    document = load_located(text, fmt="json")
    assert document.data == value
    lines = text.count("\n") + 1
    for loc, line in document.lines.items():
        assert 1 <= line <= lines
        node = value
        for part in loc:
            node = node[part]  # type: ignore[index]


def test_yaml_aliases_do_not_blow_up() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)
    ]
    document = load_located("\n".join(levels) + "\n", fmt="yaml")
    assert len(document.lines) < 200
