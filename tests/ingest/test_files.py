"""``ingest-file`` on every bundled real sample: every record is accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.ingest import ingest_paths
from app.wiring.context import AppContext
from ingest.errors import UnknownFormatError
from ingest.files import read_file
from ingest.records import Quarantined
from models.notice import ParsedRecord, RecordKind
from tests.utils.data import SAMPLES, sample


def _records(path: Path) -> list[ParsedRecord | Quarantined]:
    return list(read_file(path))


def test_read_boamp_v21_response_yields_every_record() -> None:
    path = sample("boamp/ods_v21_records_5_fnsimple_2026.json")
    expected = len(json.loads(path.read_text(encoding="utf-8"))["results"])
    records = _records(path)
    assert len(records) == expected == 5
    assert all(isinstance(r, ParsedRecord) and r.notice.id.startswith("boamp:") for r in records)


def test_read_eforms_xml_detected_by_content(tmp_path: Path) -> None:
    renamed = tmp_path / "notice.txt"
    renamed.write_bytes(sample("ted/eforms_real_643121-2023_FRA_cn-standard.xml").read_bytes())
    (record,) = _records(renamed)
    assert isinstance(record, ParsedRecord)
    assert record.notice.id == "ted:643121-2023"


def test_read_decp_contracts_are_awards() -> None:
    records = _records(sample("decp/decp_2022_format_test_fixture.json"))
    assert records and all(isinstance(r, ParsedRecord) for r in records)
    assert {r.kind for r in records if isinstance(r, ParsedRecord)} == {RecordKind.award}


def test_read_jsonl_quarantines_bad_lines_and_goes_on(tmp_path: Path) -> None:
    good = sample("../devset/notices.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good[0], "{not json", '{"id": "x:1"}', good[1]]), encoding="utf-8")
    records = _records(path)
    assert [type(r).__name__ for r in records] == [
        "ParsedRecord",
        "Quarantined",
        "Quarantined",
        "ParsedRecord",
    ]
    bad = records[2]
    assert isinstance(bad, Quarantined)
    assert bad.record_ref == "mixed.jsonl:3" and "title" in bad.reason


def test_read_unknown_json_raises(tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text('{"fields": []}', encoding="utf-8")
    with pytest.raises(UnknownFormatError):
        _records(path)


def test_ingest_every_sample_accounts_for_every_record(context: AppContext) -> None:
    paths = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".json", ".xml"))
    expected = 0
    readable = []
    for path in paths:
        try:
            expected += len(_records(path))
            readable.append(path)
        except UnknownFormatError:
            # A table schema, and the converter's empty output file (real fault, kept).
            assert path.name in {"decp_consolidated_tableschema.json", "23-119901-001-EXP.xml"}
    summary, unreadable = ingest_paths(context, paths)
    assert summary.total == expected
    assert len(unreadable) == 2 and "tableschema" in unreadable[0]
    assert summary.ingested > 0 and summary.skipped > 0  # DECP awards and the TED award are skipped
    again, _ = ingest_paths(context, readable)
    assert again.ingested == 0 and again.unchanged + again.skipped + again.quarantined == expected
